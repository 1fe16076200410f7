package dev.advancedspark.part5.streaming;

import dev.advancedspark.common.ExampleArgs;
import dev.advancedspark.common.Examples;
import dev.advancedspark.common.RunnableExample;
import dev.advancedspark.part5.delta.DeltaLake;
import dev.advancedspark.part5.streaming.EventTimeWindowsExample.Job;
import dev.advancedspark.part5.testkit.KafkaBroker;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StateOperatorProgress;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.StreamingQueryException;
import org.apache.spark.sql.streaming.StreamingQueryProgress;
import org.apache.spark.sql.streaming.Trigger;

/**
 * Late data: with 1-minute windows and a 2-minute watermark (max event time seen in earlier batches
 * minus 2 minutes), an event is accepted while its window is still open and dropped once the
 * watermark has reached the window's end ({@code window.end <= watermark}: the aggregation's key
 * carries the event-time column, so Spark compares the window, not the event's own time). A dropped
 * event is not an error and not in any output: the only trace is the state operator's {@code
 * numRowsDroppedByWatermark} in the query's progress, which this example sums. An accepted late
 * event updates its window, which is written (append mode) once the watermark passes the window's
 * end.
 *
 * <p>Three runs from one checkpoint, each {@code availableNow}: (1) events at 0..299 s, watermark
 * -> 179 s; (2) three late events, at 200 s (accepted, window [180 s, 240 s)) and at 30 s and 90 s
 * (dropped); (3) one event at 600 s, which moves the watermark past every earlier window.
 *
 * <pre>
 * bin/run-example LateEventsExample
 * </pre>
 *
 * Expected output: "dropped by the watermark: 2", the window at 00:03 with 61 events (60 + the
 * accepted late one), the window at 00:00 with 60 (its late event was dropped).
 */
@RunnableExample("Late events: dropped past the watermark (counted from progress), kept within it")
public final class LateEventsExample {

  public static final String WINDOW = "1 minute";
  public static final String WATERMARK = "2 minutes";

  static final ExampleArgs ARGS =
      ExampleArgs.forExample("LateEventsExample")
          .option("out", "target/part5/late-events", "folder of the windows table and checkpoint");

  private LateEventsExample() {}

  /** One run of the windows query over what the topic holds now; returns its progress. */
  public static List<StreamingQueryProgress> runOnce(SparkSession spark, Job job)
      throws TimeoutException, StreamingQueryException {
    StreamingQuery q =
        EventTimeWindowsExample.windowedTotals(
                EventTimeWindowsExample.events(spark, job), WATERMARK, WINDOW)
            .writeStream()
            .format("delta")
            .outputMode("append")
            .option("checkpointLocation", job.checkpoint("windows").toAbsolutePath().toString())
            .trigger(Trigger.AvailableNow())
            .start(job.windowsPath().toAbsolutePath().toString());
    q.awaitTermination();
    return List.of(q.recentProgress());
  }

  // tag::dropped-by-watermark[]
  /** Rows the stateful operators dropped as too late, summed over the progress reports. */
  public static long droppedByWatermark(List<StreamingQueryProgress> progress) {
    long dropped = 0;
    for (StreamingQueryProgress p : progress) {
      for (StateOperatorProgress op : p.stateOperators()) {
        dropped += op.numRowsDroppedByWatermark();
      }
    }
    return dropped;
  }

  // end::dropped-by-watermark[]

  /** Events at {@code 0..299 s}. */
  public static List<Map.Entry<String, String>> onTime() {
    return StreamEvents.records(0, 300);
  }

  /** Three late events: at 200 s (within the watermark), 30 s and 90 s (beyond it). */
  public static List<Map.Entry<String, String>> late() {
    return List.of(event(1_000_001, 200), event(1_000_002, 30), event(1_000_003, 90));
  }

  /** One event at 600 s: it moves the watermark to 480 s. */
  public static List<Map.Entry<String, String>> closing() {
    return List.of(event(1_000_004, 600));
  }

  private static Map.Entry<String, String> event(long id, long second) {
    return Map.entry(
        StreamEvents.eventId(id), StreamEvents.json(id, StreamEvents.EPOCH.plusSeconds(second)));
  }

  /** Events per window start (seconds after {@link StreamEvents#EPOCH}) in the output table. */
  public static Map<Long, Long> windows(SparkSession spark, Job job) {
    Map<Long, Long> out = new java.util.TreeMap<>();
    Dataset<Row> t =
        spark.read().format("delta").load(job.windowsPath().toAbsolutePath().toString());
    for (Row r : t.select("window_start", "events").collectAsList()) {
      Instant start = r.getTimestamp(0).toInstant();
      out.put(start.getEpochSecond() - StreamEvents.EPOCH.getEpochSecond(), r.getLong(1));
    }
    return out;
  }

  public static void main(String[] args) {
    Examples.run(
        DeltaLake.withDeltaConf(args),
        ARGS,
        "LateEventsExample",
        (spark, opts) -> {
          OutputDirs.clear(Path.of(opts.get("out")));
          try (KafkaBroker kafka = KafkaBroker.start(Path.of("target/part5/kafka-broker-late"))) {
            kafka.createTopic("late", 1);
            Job job = new Job(kafka.bootstrapServers(), "late", Path.of(opts.get("out")));
            kafka.send("late", onTime());
            long d1 = droppedByWatermark(runOnce(spark, job));
            kafka.send("late", late());
            long d2 = droppedByWatermark(runOnce(spark, job));
            kafka.send("late", closing());
            long d3 = droppedByWatermark(runOnce(spark, job));
            System.out.printf(
                "dropped by the watermark: %d (runs: %d, %d, %d)%n", d1 + d2 + d3, d1, d2, d3);
            System.out.println(
                "events per window (start second -> events): " + windows(spark, job));
          } catch (TimeoutException | StreamingQueryException e) {
            throw new IllegalStateException("The query failed: " + e.getMessage(), e);
          }
        });
  }
}
