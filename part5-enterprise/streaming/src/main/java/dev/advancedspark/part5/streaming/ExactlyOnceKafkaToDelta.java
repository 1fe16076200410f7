package dev.advancedspark.part5.streaming;

import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.sum;

import dev.advancedspark.common.ExampleArgs;
import dev.advancedspark.common.Examples;
import dev.advancedspark.common.RunnableExample;
import dev.advancedspark.common.UsageException;
import dev.advancedspark.part5.delta.DeltaLake;
import dev.advancedspark.part5.testkit.KafkaBroker;
import io.delta.tables.DeltaTable;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeoutException;
import org.apache.spark.api.java.function.VoidFunction2;
import org.apache.spark.sql.DataFrameWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.StreamingQueryProgress;
import org.apache.spark.sql.streaming.Trigger;
import org.apache.spark.sql.types.DataTypes;

/**
 * Exactly-once from Kafka to Delta with {@code foreachBatch}: each micro-batch appends its events
 * to an {@code events} table and MERGEs per-user running totals into a {@code user_totals} table.
 *
 * <p>{@code foreachBatch} is at-least-once: when a query dies after the batch was written but
 * before the checkpoint's commit log recorded it, the restarted query runs the same batch (same
 * offsets, same batch id) again. Delta turns the replay into a no-op when each write carries {@code
 * txnAppId} (one per checkpoint) and {@code txnVersion} (the batch id): a write whose version is
 * not above the last one recorded for that app id is skipped. Without them ({@code --mode naive})
 * the replay appends the events a second time and adds the totals twice.
 *
 * <pre>
 * bin/run-example ExactlyOnceKafkaToDelta                 # own broker, 20,000 events, fresh tables
 * bin/run-example ExactlyOnceKafkaToDelta --events 100k --max-offsets 10k
 * bin/run-example ExactlyOnceKafkaToDelta --bootstrap 127.0.0.1:9092 --topic events --produce 0
 * </pre>
 *
 * Expected output: one line per batch, then the table counts (equal to the events produced, no
 * duplicates) and the throughput and end-to-end latency read from the query's progress.
 */
@RunnableExample("Exactly-once Kafka -> Delta: idempotent foreachBatch (txnAppId/txnVersion)")
public final class ExactlyOnceKafkaToDelta {

  /** How each micro-batch is written. */
  public enum Mode {
    /** foreachBatch with txnAppId/txnVersion: a replayed batch is skipped. */
    IDEMPOTENT,
    /** foreachBatch without them: a replayed batch is written again (the counter-example). */
    NAIVE
  }

  /** What the pipeline reads and writes. */
  public record Pipeline(
      String bootstrapServers,
      String topic,
      Path tableDir,
      Path checkpoint,
      String appId,
      Mode mode,
      long maxOffsetsPerTrigger) {

    public Path eventsPath() {
      return tableDir.resolve("events");
    }

    public Path totalsPath() {
      return tableDir.resolve("user_totals");
    }
  }

  /** Called after a batch was written to Delta, before Spark records it as committed. */
  @FunctionalInterface
  public interface AfterWrite {
    void batchWritten(long batchId, long rows) throws InterruptedException;

    AfterWrite NONE = (batchId, rows) -> {};
  }

  static final ExampleArgs ARGS =
      ExampleArgs.forExample("ExactlyOnceKafkaToDelta")
          .option("bootstrap", "", "Kafka bootstrap servers (default: start a private broker)")
          .option("topic", "events", "topic to read")
          .count("produce", "20000", "events to send to the topic before the stream starts", 0)
          .count("max-offsets", "5000", "maxOffsetsPerTrigger (events per micro-batch)")
          .option(
              "table", "target/part5/exactly-once", "folder of the events and user_totals tables")
          .option("checkpoint", "target/part5/exactly-once-checkpoint", "checkpoint folder")
          .option("app-id", "", "txnAppId (default: derived from the checkpoint path)")
          .choice("mode", "idempotent", "how each batch is written", "idempotent", "naive")
          .choice(
              "trigger",
              "available-now",
              "processing-time runs until killed",
              "available-now",
              "processing-time")
          .count(
              "hold-after-batches", "0", "after N batches, block (a test kills the JVM then)", 0);

  private ExactlyOnceKafkaToDelta() {}

  /** Creates the user_totals table if it does not exist (MERGE needs a target). */
  public static void createTables(SparkSession spark, Pipeline p) {
    DeltaTable.createIfNotExists(spark)
        .location(p.totalsPath().toAbsolutePath().toString())
        .addColumn("user", DataTypes.StringType)
        .addColumn("events", DataTypes.LongType)
        .addColumn("amount_cents", DataTypes.LongType)
        .execute();
  }

  /** The Kafka source: events of the topic from the earliest offset, a bounded amount per batch. */
  public static Dataset<Row> source(SparkSession spark, Pipeline p) {
    return StreamEvents.parse(
            spark
                .readStream()
                .format("kafka")
                .option("kafka.bootstrap.servers", p.bootstrapServers())
                .option("subscribe", p.topic())
                .option("startingOffsets", "earliest")
                .option("maxOffsetsPerTrigger", p.maxOffsetsPerTrigger())
                .load())
        .select(
            "event_id", "user", "amount_cents", "event_time", "partition", "offset", "kafka_time");
  }

  /** Starts the query; it runs until stopped ({@code processingTime}) or drained (availableNow). */
  public static StreamingQuery start(
      SparkSession spark, Pipeline p, Trigger trigger, AfterWrite afterWrite)
      throws TimeoutException {
    createTables(spark, p);
    VoidFunction2<Dataset<Row>, Long> writer =
        (batch, batchId) -> writeBatch(batch, batchId, p, afterWrite);
    return source(spark, p)
        .writeStream()
        .queryName("exactly-once-" + p.mode().name().toLowerCase())
        .option("checkpointLocation", p.checkpoint().toAbsolutePath().toString())
        .trigger(trigger)
        .foreachBatch(writer)
        .start();
  }

  // tag::idempotent-batch[]
  /**
   * One micro-batch: append the events, MERGE the per-user totals. In {@link Mode#IDEMPOTENT} both
   * writes carry (txnAppId, txnVersion = batchId), so Delta skips them when the batch is replayed.
   */
  static void writeBatch(Dataset<Row> batch, long batchId, Pipeline p, AfterWrite afterWrite)
      throws InterruptedException {
    SparkSession spark = batch.sparkSession();
    boolean idempotent = p.mode() == Mode.IDEMPOTENT;
    Dataset<Row> events =
        batch.select("event_id", "user", "amount_cents", "event_time", "partition", "offset");
    events.persist();
    try {
      // 1. Append: DataFrameWriter options.
      DataFrameWriter<Row> append = events.write().format("delta").mode("append");
      if (idempotent) {
        append = append.option("txnAppId", p.appId()).option("txnVersion", batchId);
      }
      append.save(p.eventsPath().toAbsolutePath().toString());

      // 2. MERGE (not idempotent by itself: it adds to running totals): session settings.
      Dataset<Row> perUser =
          events
              .groupBy("user")
              .agg(count("*").as("events"), sum("amount_cents").as("amount_cents"));
      if (idempotent) {
        spark.conf().set("spark.databricks.delta.write.txnAppId", p.appId());
        spark.conf().set("spark.databricks.delta.write.txnVersion", Long.toString(batchId));
      }
      try {
        DeltaTable.forPath(spark, p.totalsPath().toAbsolutePath().toString())
            .as("t")
            .merge(perUser.as("s"), "t.user = s.user")
            .whenMatched()
            .updateExpr(
                Map.of(
                    "events", "t.events + s.events",
                    "amount_cents", "t.amount_cents + s.amount_cents"))
            .whenNotMatched()
            .insertAll()
            .execute();
      } finally {
        spark.conf().unset("spark.databricks.delta.write.txnAppId");
        spark.conf().unset("spark.databricks.delta.write.txnVersion");
      }
      afterWrite.batchWritten(batchId, events.count());
    } finally {
      events.unpersist();
    }
  }

  // end::idempotent-batch[]

  /** The table's figures, compared with what was produced. */
  public record TableCheck(long rows, long distinctKeys, long checksum, long totalEvents) {
    public long duplicates() {
      return rows - distinctKeys;
    }

    /** Events produced that are not in the table (0 once the stream has caught up). */
    public long missing(long produced) {
      return produced - distinctKeys;
    }
  }

  /**
   * Count, distinct keys, an order-independent checksum over (event_id, amount_cents) (a sum of row
   * hashes: a duplicate adds its hash again, a lost or altered row changes it) and the events
   * counted in user_totals. The same checksum over the input is {@link #inputChecksum}.
   */
  public static TableCheck check(SparkSession spark, Pipeline p) {
    Row r =
        spark
            .read()
            .format("delta")
            .load(p.eventsPath().toAbsolutePath().toString())
            .selectExpr(
                "count(*)",
                "count(DISTINCT event_id)",
                "coalesce(sum(pmod(xxhash64(event_id, amount_cents), 1000000007)), 0)")
            .first();
    Row t =
        spark
            .read()
            .format("delta")
            .load(p.totalsPath().toAbsolutePath().toString())
            .selectExpr("coalesce(sum(events), 0)")
            .first();
    return new TableCheck(r.getLong(0), r.getLong(1), r.getLong(2), t.getLong(0));
  }

  /** The checksum of {@link #check} over events {@code 0 .. n-1} as produced. */
  public static long inputChecksum(SparkSession spark, long n) {
    List<Row> rows =
        spark
            .range(n)
            .selectExpr(
                "format_string('e-%07d', id) AS event_id", "(id % 100) * 100 + 50 AS amount_cents")
            .selectExpr("coalesce(sum(pmod(xxhash64(event_id, amount_cents), 1000000007)), 0)")
            .collectAsList();
    return rows.get(0).getLong(0);
  }

  /** Throughput and batch durations of a finished query, from its progress reports. */
  public record Throughput(
      long rows, long batches, double eventsPerSecond, long medianBatchMs, long maxBatchMs) {}

  // tag::throughput[]
  /**
   * Events per second of processing ({@code numInputRows} over the summed {@code triggerExecution}
   * durations) and the batch durations, from {@code recentProgress()} (the last {@code
   * spark.sql.streaming.numRecentProgressUpdates} = 100 batches). A batch's duration is the floor
   * of its events' end-to-end latency: an event also waits for the trigger that reads it.
   */
  public static Throughput throughput(StreamingQuery query) {
    long rows = 0;
    List<Long> durations = new java.util.ArrayList<>();
    for (StreamingQueryProgress progress : query.recentProgress()) {
      Long trigger = progress.durationMs().get("triggerExecution");
      if (progress.numInputRows() == 0 || trigger == null) {
        continue;
      }
      rows += progress.numInputRows();
      durations.add(trigger);
    }
    long millis = durations.stream().mapToLong(Long::longValue).sum();
    List<Long> sorted = durations.stream().sorted().toList();
    return new Throughput(
        rows,
        durations.size(),
        millis == 0 ? 0 : rows * 1000.0 / millis,
        sorted.isEmpty() ? 0 : sorted.get(sorted.size() / 2),
        sorted.isEmpty() ? 0 : sorted.get(sorted.size() - 1));
  }

  // end::throughput[]

  public static void main(String[] args) {
    Examples.run(
        DeltaLake.withDeltaConf(args),
        ARGS,
        "ExactlyOnceKafkaToDelta",
        (spark, opts) -> {
          Mode mode = parseMode(opts.get("mode"));
          Trigger trigger = parseTrigger(opts.get("trigger"));
          int holdAfter = opts.getInt("hold-after-batches");
          long produce = opts.getLong("produce");
          Path checkpoint = Path.of(opts.get("checkpoint"));
          String appId =
              opts.get("app-id").isEmpty()
                  ? "exactly-once:" + checkpoint.toAbsolutePath()
                  : opts.get("app-id");
          KafkaBroker ownBroker = null;
          try {
            String bootstrap = opts.get("bootstrap");
            if (bootstrap.isEmpty()) {
              // A new broker has a new topic: an old checkpoint's offsets would not match it.
              OutputDirs.clear(Path.of(opts.get("table")));
              OutputDirs.clear(checkpoint);
              ownBroker = KafkaBroker.start(Path.of("target/part5/kafka-broker"));
              bootstrap = ownBroker.bootstrapServers();
              ownBroker.createTopic(opts.get("topic"), 2);
              System.out.println("started a Kafka broker on " + bootstrap);
            }
            Pipeline p =
                new Pipeline(
                    bootstrap,
                    opts.get("topic"),
                    Path.of(opts.get("table")),
                    checkpoint,
                    appId,
                    mode,
                    opts.getPositiveLong("max-offsets"));
            if (produce > 0) {
              KafkaBroker.send(bootstrap, p.topic(), StreamEvents.records(0, produce));
              System.out.printf("produced %,d events to %s%n", produce, p.topic());
            }
            StreamingQuery query = start(spark, p, trigger, printingHook(holdAfter));
            query.awaitTermination();
            TableCheck c = check(spark, p);
            System.out.printf(
                "table: %,d rows, %,d distinct event ids, %,d duplicates; user_totals counts %,d"
                    + " events%n",
                c.rows(), c.distinctKeys(), c.duplicates(), c.totalEvents());
            Throughput t = throughput(query);
            System.out.printf(
                "throughput: %,d events in %d batches, %,.0f events/s; batch duration (latency"
                    + " floor) median %,d ms, max %,d ms%n",
                t.rows(), t.batches(), t.eventsPerSecond(), t.medianBatchMs(), t.maxBatchMs());
          } catch (TimeoutException e) {
            throw new IllegalStateException("The query did not start: " + e.getMessage(), e);
          } catch (org.apache.spark.sql.streaming.StreamingQueryException e) {
            throw new IllegalStateException("The query failed: " + e.getMessage(), e);
          } finally {
            if (ownBroker != null) {
              ownBroker.close();
            }
          }
        });
  }

  /** Prints each batch; after {@code holdAfter} batches (0: never) blocks until interrupted. */
  static AfterWrite printingHook(int holdAfter) {
    int[] seen = {0};
    return (batchId, rows) -> {
      System.out.printf("batch %d written: %d events%n", batchId, rows);
      System.out.flush();
      if (holdAfter > 0 && ++seen[0] >= holdAfter) {
        System.out.printf("holding after batch %d%n", batchId);
        System.out.flush();
        new CountDownLatch(1).await();
      }
    };
  }

  static Mode parseMode(String s) {
    return switch (s) {
      case "idempotent" -> Mode.IDEMPOTENT;
      case "naive" -> Mode.NAIVE;
      default ->
          throw new UsageException(
              "Option '--mode' must be idempotent or naive, got '" + s + "'.", ARGS.usage());
    };
  }

  static Trigger parseTrigger(String s) {
    return switch (s) {
      case "available-now" -> Trigger.AvailableNow();
      case "processing-time" -> Trigger.ProcessingTime("500 milliseconds");
      default ->
          throw new UsageException(
              "Option '--trigger' must be available-now or processing-time, got '" + s + "'.",
              ARGS.usage());
    };
  }
}
