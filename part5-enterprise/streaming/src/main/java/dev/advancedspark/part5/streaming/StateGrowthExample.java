package dev.advancedspark.part5.streaming;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.window;

import dev.advancedspark.common.ExampleArgs;
import dev.advancedspark.common.Examples;
import dev.advancedspark.common.RunnableExample;
import dev.advancedspark.part5.testkit.KafkaBroker;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.DataStreamWriter;
import org.apache.spark.sql.streaming.StateOperatorProgress;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.StreamingQueryException;
import org.apache.spark.sql.streaming.StreamingQueryProgress;
import org.apache.spark.sql.streaming.Trigger;

/**
 * State size: a windowed count without a watermark keeps every window it has ever seen in its state
 * store (it cannot know a window is finished), so the state grows with the stream; with a
 * watermark, windows whose end the watermark has passed are evicted and the state stays bounded.
 * The figures are the state operator's {@code numRowsTotal} and {@code numRowsRemoved} in each
 * batch's progress.
 *
 * <p>The same query on the RocksDB state store provider ({@code
 * spark.sql.streaming.stateStore.providerClass}) keeps its state off the JVM heap and reports
 * {@code rocksdb*} custom metrics; the state can be read back after the run with the state data
 * source ({@code spark.read().format("statestore").load(checkpoint)}). The provider is a session
 * setting read when a query first starts; a restarted query keeps the one in its checkpoint.
 *
 * <pre>
 * bin/run-example StateGrowthExample
 * bin/run-example StateGrowthExample --events 20000
 * </pre>
 *
 * Expected output: per batch, the state rows without and with a watermark; the first grows to
 * events/10 windows, the second stays near (watermark / window) + 1.
 */
@RunnableExample("State grows without a watermark, stays bounded with one (RocksDB, state reader)")
public final class StateGrowthExample {

  public static final String ROCKSDB =
      "org.apache.spark.sql.execution.streaming.state.RocksDBStateStoreProvider";

  static final ExampleArgs ARGS =
      ExampleArgs.forExample("StateGrowthExample")
          .count("events", "3000", "events, one per second (a 10-second window every 10)")
          .count("per-batch", "500", "maxOffsetsPerTrigger")
          .option("out", "target/part5/state-growth", "checkpoint folder");

  private StateGrowthExample() {}

  /** The state after each batch: rows kept, rows evicted, and the custom metrics. */
  public record StateAfterBatch(
      long batchId, long rowsTotal, long rowsRemoved, Map<String, Long> custom) {}

  // tag::bounded-state[]
  /** 10-second windows counted; with a watermark of {@code watermark} or none (null). */
  public static Dataset<Row> windowCounts(Dataset<Row> events, String watermark) {
    Dataset<Row> good = events.filter(col("problem").isNull());
    if (watermark != null) {
      good = good.withWatermark("event_time", watermark);
    }
    return good.groupBy(window(col("event_time"), "10 seconds")).agg(count("*").as("events"));
  }

  // end::bounded-state[]

  /**
   * Runs the count over the topic with availableNow, {@code perBatch} events per batch, into the
   * no-op sink (only the state matters here), and returns the state after each batch. Without a
   * watermark the query runs in complete mode (append needs a watermark), with one in append.
   */
  public static List<StateAfterBatch> run(
      SparkSession spark,
      String bootstrap,
      String topic,
      String watermark,
      String stateStoreProvider,
      long perBatch,
      Path checkpoint)
      throws TimeoutException, StreamingQueryException {
    Dataset<Row> events =
        StreamEvents.parse(
            spark
                .readStream()
                .format("kafka")
                .option("kafka.bootstrap.servers", bootstrap)
                .option("subscribe", topic)
                .option("startingOffsets", "earliest")
                .option("maxOffsetsPerTrigger", perBatch)
                .load());
    DataStreamWriter<Row> w =
        windowCounts(events, watermark)
            .writeStream()
            .format("noop")
            .outputMode(watermark == null ? "complete" : "append")
            .option("checkpointLocation", checkpoint.toAbsolutePath().toString())
            .trigger(Trigger.AvailableNow());
    // A session setting, read when the query starts and then kept in its checkpoint.
    String key = "spark.sql.streaming.stateStore.providerClass";
    String previous = spark.conf().get(key, null);
    StreamingQuery q;
    try {
      if (stateStoreProvider != null) {
        spark.conf().set(key, stateStoreProvider);
      }
      q = w.start();
    } finally {
      if (previous == null) {
        spark.conf().unset(key);
      } else {
        spark.conf().set(key, previous);
      }
    }
    q.awaitTermination();
    List<StateAfterBatch> out = new ArrayList<>();
    for (StreamingQueryProgress p : q.recentProgress()) {
      if (p.stateOperators().length == 0) {
        continue;
      }
      StateOperatorProgress op = p.stateOperators()[0];
      out.add(
          new StateAfterBatch(
              p.batchId(), op.numRowsTotal(), op.numRowsRemoved(), Map.copyOf(op.customMetrics())));
    }
    return out;
  }

  // tag::read-state[]
  /** The rows of the query's state store after the run (the state data source, Spark 4). */
  public static Dataset<Row> readState(SparkSession spark, Path checkpoint) {
    return spark.read().format("statestore").load(checkpoint.toAbsolutePath().toString());
  }

  // end::read-state[]

  public static void main(String[] args) {
    Examples.run(
        args,
        ARGS,
        "StateGrowthExample",
        (spark, opts) -> {
          long events = opts.getPositiveLong("events");
          long perBatch = opts.getPositiveLong("per-batch");
          Path out = Path.of(opts.get("out"));
          OutputDirs.clear(out);
          try (KafkaBroker kafka = KafkaBroker.start(Path.of("target/part5/kafka-broker-state"))) {
            kafka.createTopic("state", 2);
            kafka.send("state", StreamEvents.records(0, events));
            List<StateAfterBatch> unbounded =
                run(
                    spark,
                    kafka.bootstrapServers(),
                    "state",
                    null,
                    null,
                    perBatch,
                    out.resolve("none"));
            List<StateAfterBatch> bounded =
                run(
                    spark,
                    kafka.bootstrapServers(),
                    "state",
                    "30 seconds",
                    ROCKSDB,
                    perBatch,
                    out.resolve("watermark"));
            System.out.println(
                "batch  state rows (no watermark)  state rows (30 s watermark, RocksDB)");
            for (int i = 0; i < Math.max(unbounded.size(), bounded.size()); i++) {
              System.out.printf(
                  "%5d  %26s  %s%n",
                  i,
                  i < unbounded.size() ? unbounded.get(i).rowsTotal() : "",
                  i < bounded.size() ? bounded.get(i).rowsTotal() : "");
            }
            System.out.printf(
                "state read back with format(\"statestore\"): %d rows (no watermark), %d rows"
                    + " (watermark)%n",
                readState(spark, out.resolve("none")).count(),
                readState(spark, out.resolve("watermark")).count());
          } catch (TimeoutException | StreamingQueryException e) {
            throw new IllegalStateException("The query failed: " + e.getMessage(), e);
          }
        });
  }
}
