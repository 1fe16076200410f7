package dev.advancedspark.part5.streaming;

import dev.advancedspark.common.ExampleArgs;
import dev.advancedspark.common.Examples;
import dev.advancedspark.common.RunnableExample;
import dev.advancedspark.common.SqlConfs;
import dev.advancedspark.part5.delta.DeltaLake;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.OutputMode;
import org.apache.spark.sql.streaming.StatefulProcessor;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.TTLConfig;
import org.apache.spark.sql.streaming.TimeMode;
import org.apache.spark.sql.streaming.TimerValues;
import org.apache.spark.sql.streaming.ValueState;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import scala.collection.Iterator;
import scala.jdk.javaapi.CollectionConverters;

/**
 * State TTL in {@code transformWithState}: an alert after {@code N} events of a user, where a count
 * idle for longer than the TTL is forgotten. The count is a {@code ValueState} with a {@code
 * TTLConfig}: each {@code update} sets its expiry to the batch's timestamp + TTL, a read after that
 * returns nothing, and each batch's clean-up deletes expired values from the store (counted as
 * {@code numValuesRemovedDueToTTLExpiry}).
 *
 * <p>TTL counts <b>processing time</b> (the micro-batch's wall-clock timestamp), never event time:
 * Spark 4.2 refuses a TTL in {@code TimeMode.EventTime()} ({@code
 * STATEFUL_PROCESSOR_INCORRECT_TIME_MODE_TO_ASSIGN_TTL}), so this processor runs in {@code
 * TimeMode.ProcessingTime()}. In that mode the operator asks for a batch after every batch (its
 * processing-time timers could be due), so a query on the default trigger would run empty batches
 * back to back; this one turns those off ({@code spark.sql.streaming.noDataMicroBatches.enabled})
 * and expires state when data arrives.
 *
 * <pre>
 * bin/run-example StateTtlExample
 * </pre>
 *
 * Expected output: with a TTL of 1 hour, a's two events of batch 1 and one of batch 2 alert, and
 * b's count stays; with a TTL of 1 ms, the counts of batch 1 have expired by batch 2: nothing
 * alerts, b's count is gone and a's is 1.
 */
@RunnableExample("transformWithState: a count with a TTL (processing time), alert after N events")
public final class StateTtlExample {

  /** The output: one alert. */
  public static final StructType ALERT_SCHEMA =
      new StructType().add("user", DataTypes.StringType).add("events", DataTypes.LongType);

  static final ExampleArgs ARGS =
      ExampleArgs.forExample("StateTtlExample")
          .count("alert-after", "3", "alert at this many events")
          .option("dir", "target/part5/state-ttl", "folder for input, tables and checkpoints");

  private StateTtlExample() {}

  // tag::ttl[]
  /** Counts a user's events; alerts at {@code alertAfter}; a count idle for {@code ttl} expires. */
  public static final class AlertAfter extends StatefulProcessor<String, Row, Row> {
    private static final long serialVersionUID = 1L;
    private final long alertAfter;
    private final Duration ttl;
    private transient ValueState<Long> count;

    public AlertAfter(long alertAfter, Duration ttl) {
      this.alertAfter = alertAfter;
      this.ttl = ttl;
    }

    @Override
    public void init(OutputMode outputMode, TimeMode timeMode) {
      // Expires `ttl` after the batch that last updated it (processing time).
      count = getHandle().getValueState("count", Encoders.LONG(), new TTLConfig(ttl));
    }

    @Override
    public Iterator<Row> handleInputRows(String user, Iterator<Row> rows, TimerValues timers) {
      List<Row> alerts = new ArrayList<>();
      long n = count.exists() ? count.get() : 0; // an expired count reads as absent
      while (rows.hasNext()) {
        rows.next();
        if (++n == alertAfter) {
          alerts.add(RowFactory.create(user, n));
          n = 0;
        }
      }
      if (n == 0) {
        count.clear();
      } else {
        count.update(n); // and a new expiry: this batch's timestamp + ttl
      }
      return CollectionConverters.asScala(alerts.iterator());
    }
  }

  /** Events per user through {@link AlertAfter} in {@code timeMode}. */
  public static Dataset<Row> alerts(
      Dataset<Row> events, long alertAfter, Duration ttl, TimeMode timeMode) {
    return events
        .groupByKey((MapFunction<Row, String>) r -> r.getAs("user"), Encoders.STRING())
        .transformWithState(
            new AlertAfter(alertAfter, ttl),
            timeMode,
            OutputMode.Append(),
            Encoders.row(ALERT_SCHEMA));
  }

  // end::ttl[]

  /**
   * Starts the alert query over the JSON files in {@code input} into the Delta table {@code table}:
   * RocksDB, and no empty batches between data batches.
   */
  public static StreamingQuery start(
      SparkSession spark,
      Path input,
      String table,
      Path checkpoint,
      long alertAfter,
      Duration ttl,
      TimeMode timeMode) {
    Dataset<Row> events =
        spark.readStream().schema(SessionTimeoutExample.EVENT_SCHEMA).json(input.toString());
    // Session settings a query reads when it starts (then kept in its checkpoint).
    return SqlConfs.with(
        spark,
        Map.of(
            "spark.sql.streaming.stateStore.providerClass",
            SessionTimeoutExample.ROCKSDB,
            "spark.sql.streaming.noDataMicroBatches.enabled",
            "false"),
        () ->
            alerts(events, alertAfter, ttl, timeMode)
                .writeStream()
                .format("delta")
                .outputMode("append")
                .option("checkpointLocation", checkpoint.toAbsolutePath().toString())
                .start(table));
  }

  public static void main(String[] args) {
    Examples.run(
        DeltaLake.withDeltaConf(args),
        ARGS,
        "StateTtlExample",
        (spark, opts) -> {
          Path dir = Path.of(opts.get("dir")).toAbsolutePath();
          OutputDirs.clear(dir);
          long n = opts.getPositiveLong("alert-after");
          for (Duration ttl : List.of(Duration.ofHours(1), Duration.ofMillis(1))) {
            Path run = dir.resolve("ttl-" + ttl.toMillis() + "ms");
            Path input = run.resolve("input");
            String table = run.resolve("alerts").toString();
            SessionTimeoutExample.addEvents(input, "batch-1", "a@10:00", "a@10:01", "b@10:00");
            try {
              StreamingQuery q =
                  start(
                      spark,
                      input,
                      table,
                      run.resolve("checkpoint"),
                      n,
                      ttl,
                      TimeMode.ProcessingTime());
              try {
                q.processAllAvailable();
                SessionTimeoutExample.addEvents(input, "batch-2", "a@10:02");
                q.processAllAvailable();
              } finally {
                q.stop();
              }
            } catch (TimeoutException e) {
              throw new IllegalStateException("The query did not stop in time", e);
            }
            System.out.printf(
                "TTL %s: batch 1 a a b; batch 2 a -> alerts %s; counts left in the state store:"
                    + " %s%n",
                ttl,
                spark.read().format("delta").load(table).collectAsList(),
                spark
                    .read()
                    .format("statestore")
                    .option("stateVarName", "count")
                    .load(run.resolve("checkpoint").toString())
                    .selectExpr("key.value AS user", "value.value.value AS count")
                    .collectAsList());
          }
        });
  }
}
