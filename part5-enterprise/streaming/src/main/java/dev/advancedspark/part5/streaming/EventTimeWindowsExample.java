package dev.advancedspark.part5.streaming;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.window;

import dev.advancedspark.common.ExampleArgs;
import dev.advancedspark.common.Examples;
import dev.advancedspark.common.RunnableExample;
import dev.advancedspark.common.UsageException;
import dev.advancedspark.part5.delta.DeltaLake;
import dev.advancedspark.part5.testkit.KafkaBroker;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.StreamingQueryException;
import org.apache.spark.sql.streaming.Trigger;

/**
 * Streaming fundamentals: Kafka -> JSON parsed with a schema -> bad events quarantined (counted,
 * never dropped) -> event-time windows with a watermark -> Delta, in append mode.
 *
 * <p>Two queries read the same topic: one writes the good events' per-window totals, one writes
 * every bad event (malformed JSON, missing timestamp, unparsable timestamp) with its raw value and
 * Kafka position to a quarantine table. In append mode a window is written once, when the watermark
 * (max event time seen minus the delay) passes its end; later events for it are dropped (see {@link
 * LateEventsExample}).
 *
 * <pre>
 * bin/run-example EventTimeWindowsExample                      # own broker, 10,000 events + bad ones
 * bin/run-example EventTimeWindowsExample --trigger processing-time
 * </pre>
 *
 * Expected output: the quarantine counts per reason, the number of windows written, their events
 * (all good events except those of windows the watermark has not closed yet).
 */
@RunnableExample("Kafka -> JSON -> quarantine + event-time windows with a watermark -> Delta")
public final class EventTimeWindowsExample {

  static final ExampleArgs ARGS =
      ExampleArgs.forExample("EventTimeWindowsExample")
          .option("bootstrap", "", "Kafka bootstrap servers (default: start a private broker)")
          .option("topic", "raw-events", "topic to read")
          .count("produce", "10000", "good events to send first (plus a few bad ones)", 0)
          .option("window", "1 minute", "window length")
          .option("watermark", "2 minutes", "how late an event may be")
          .choice(
              "trigger", "available-now", "when batches run", "available-now", "processing-time")
          .option("out", "target/part5/windows", "folder of the windows and quarantine tables");

  private EventTimeWindowsExample() {}

  /** Where the queries read and write. */
  public record Job(String bootstrapServers, String topic, Path outDir) {
    public Path windowsPath() {
      return outDir.resolve("windows");
    }

    public Path quarantinePath() {
      return outDir.resolve("quarantine");
    }

    public Path checkpoint(String query) {
      return outDir.resolve("_checkpoints").resolve(query);
    }
  }

  /** Every event of the topic, parsed, with its {@code problem} (null when good). */
  public static Dataset<Row> events(SparkSession spark, Job job) {
    return StreamEvents.parse(
        spark
            .readStream()
            .format("kafka")
            .option("kafka.bootstrap.servers", job.bootstrapServers())
            .option("subscribe", job.topic())
            .option("startingOffsets", "earliest")
            .load());
  }

  // tag::windowed-totals[]
  /** Per-window totals of good events; a window is final once the watermark passes its end. */
  public static Dataset<Row> windowedTotals(
      Dataset<Row> events, String watermarkDelay, String windowLength) {
    return events
        .filter(col("problem").isNull())
        .withWatermark("event_time", watermarkDelay)
        .groupBy(window(col("event_time"), windowLength).as("w"))
        .agg(count("*").as("events"), sum("amount_cents").as("amount_cents"))
        .select(
            col("w.start").as("window_start"),
            col("w.end").as("window_end"),
            col("events"),
            col("amount_cents"));
  }

  /** The bad events, with the reason, the raw value and where they were in Kafka. */
  public static Dataset<Row> quarantined(Dataset<Row> events) {
    return events
        .filter(col("problem").isNotNull())
        .select("problem", "raw", "partition", "offset", "kafka_time");
  }

  // end::windowed-totals[]

  /** Starts both queries, each with its own checkpoint; append mode into Delta. */
  public static List<StreamingQuery> start(
      SparkSession spark, Job job, String watermarkDelay, String windowLength, Trigger trigger)
      throws TimeoutException {
    Dataset<Row> events = events(spark, job);
    List<StreamingQuery> queries = new ArrayList<>();
    queries.add(
        windowedTotals(events, watermarkDelay, windowLength)
            .writeStream()
            .queryName("windows")
            .format("delta")
            .outputMode("append")
            .option("checkpointLocation", job.checkpoint("windows").toAbsolutePath().toString())
            .trigger(trigger)
            .start(job.windowsPath().toAbsolutePath().toString()));
    queries.add(
        quarantined(events)
            .writeStream()
            .queryName("quarantine")
            .format("delta")
            .outputMode("append")
            .option("checkpointLocation", job.checkpoint("quarantine").toAbsolutePath().toString())
            .trigger(trigger)
            .start(job.quarantinePath().toAbsolutePath().toString()));
    return queries;
  }

  /** Good events {@code 0..n-1} (one per second) plus one bad event of each kind, twice. */
  public static List<Map.Entry<String, String>> sampleRecords(long n) {
    List<Map.Entry<String, String>> records = new ArrayList<>(StreamEvents.records(0, n));
    for (int i = 0; i < 2; i++) {
      records.add(Map.entry("bad-json-" + i, "{\"event_id\": \"x-" + i + "\", oops"));
      records.add(
          Map.entry(
              "no-ts-" + i, "{\"event_id\":\"n-" + i + "\",\"user\":\"u1\",\"amount_cents\":5}"));
      records.add(
          Map.entry(
              "bad-ts-" + i,
              "{\"event_id\":\"t-"
                  + i
                  + "\",\"user\":\"u1\",\"amount_cents\":5,\"ts\":\"yesterday at noon\"}"));
    }
    return records;
  }

  /** The quarantine table's rows per reason. */
  public static Map<String, Long> quarantineCounts(SparkSession spark, Job job) {
    Map<String, Long> counts = new java.util.TreeMap<>();
    spark
        .read()
        .format("delta")
        .load(job.quarantinePath().toAbsolutePath().toString())
        .groupBy("problem")
        .count()
        .collectAsList()
        .forEach(r -> counts.put(r.getString(0), r.getLong(1)));
    return counts;
  }

  /** The end of the last window of events {@code 0..n-1}, for a reader to compare with. */
  static Instant lastEventTime(long n) {
    return StreamEvents.EPOCH.plusSeconds(n - 1);
  }

  public static void main(String[] args) {
    Examples.run(
        DeltaLake.withDeltaConf(args),
        ARGS,
        "EventTimeWindowsExample",
        (spark, opts) -> {
          String triggerName = opts.get("trigger");
          Trigger trigger =
              switch (triggerName) {
                case "available-now" -> Trigger.AvailableNow();
                case "processing-time" -> Trigger.ProcessingTime("1 second");
                default ->
                    throw new UsageException(
                        "Option '--trigger' must be available-now or processing-time, got '"
                            + triggerName
                            + "'.",
                        ARGS.usage());
              };
          long produce = opts.getLong("produce");
          KafkaBroker ownBroker = null;
          try {
            String bootstrap = opts.get("bootstrap");
            if (bootstrap.isEmpty()) {
              OutputDirs.clear(Path.of(opts.get("out")));
              ownBroker = KafkaBroker.start(Path.of("target/part5/kafka-broker-windows"));
              bootstrap = ownBroker.bootstrapServers();
              ownBroker.createTopic(opts.get("topic"), 2);
            }
            Job job = new Job(bootstrap, opts.get("topic"), Path.of(opts.get("out")));
            if (produce > 0) {
              KafkaBroker.send(bootstrap, job.topic(), sampleRecords(produce));
            }
            List<StreamingQuery> queries =
                start(spark, job, opts.get("watermark"), opts.get("window"), trigger);
            for (StreamingQuery q : queries) {
              if (triggerName.equals("available-now")) {
                q.awaitTermination();
              } else {
                q.processAllAvailable();
                q.stop();
              }
            }
            System.out.println("quarantined: " + quarantineCounts(spark, job));
            Row w =
                spark
                    .read()
                    .format("delta")
                    .load(job.windowsPath().toAbsolutePath().toString())
                    .selectExpr("count(*)", "coalesce(sum(events), 0)", "max(window_end)")
                    .first();
            System.out.printf(
                "windows written: %d, holding %d events, last window ends %s (last event %s;"
                    + " windows the watermark has not passed are still in state)%n",
                w.getLong(0), w.getLong(1), w.get(2), lastEventTime(produce));
          } catch (TimeoutException | StreamingQueryException e) {
            throw new IllegalStateException("The query failed: " + e.getMessage(), e);
          } finally {
            if (ownBroker != null) {
              ownBroker.close();
            }
          }
        });
  }
}
