package dev.advancedspark.part5.observability;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.timestamp_seconds;
import static org.apache.spark.sql.functions.window;

import dev.advancedspark.common.ExampleArgs;
import dev.advancedspark.common.Examples;
import dev.advancedspark.common.RunnableExample;
import dev.advancedspark.common.SqlConfs;
import dev.advancedspark.common.io.SparkFolders;
import dev.advancedspark.part5.observability.StreamingSloListener.Breach;
import dev.advancedspark.part5.observability.StreamingSloListener.Slo;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.spark.api.java.function.VoidFunction2;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StateOperatorProgress;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.StreamingQueryException;
import org.apache.spark.sql.streaming.StreamingQueryProgress;
import org.apache.spark.sql.streaming.Trigger;

/**
 * A streaming query watched by {@link StreamingSloListener}: four micro-batches of events (one file
 * each, {@code maxFilesPerTrigger=1}) counted in 10-second windows with a 10-second watermark.
 * Batch 0 warms up; batch 1 is normal; batch 2 carries an event whose window closed long before the
 * watermark (dropped, counted); the sink of the slow batch (by default batch 3) waits for a
 * downstream acknowledgement that never comes until its timeout ({@code --hold-ms}): a stuck
 * database, a throttled API.
 *
 * <p>Why the late event comes in batch 2, not 1: since Spark 3.4 a stateful operator drops a row as
 * late against the watermark of the <em>previous</em> batch ({@code
 * eventTimeWatermarkForLateEvents}) and evicts state against the current one. In batch 1 the
 * late-events watermark is still batch 0's (0 s), so an old event there is added to its window and
 * evicted in the same batch: neither dropped nor counted.
 *
 * <pre>
 * bin/run-example StreamingSloExample --budget-ms 3000 --hold-ms 4000
 * </pre>
 *
 * Expected: batch 2 breaches ROWS_DROPPED_BY_WATERMARK; batch 3 breaches BATCH_DURATION and, when
 * it took longer than the interval since batch 2 started, FALLING_BEHIND.
 */
@RunnableExample("Observability: streaming SLO checks (duration, falling behind, late rows)")
public final class StreamingSloExample {

  static final ExampleArgs ARGS =
      ExampleArgs.forExample("StreamingSloExample")
          .option("dir", "target/part5/streaming-slo", "folder for the input and the checkpoint")
          .count("budget-ms", "3000", "batch duration budget in milliseconds")
          .count("slow-batch", "3", "the batch whose sink waits (0 to 3)", 0)
          .count("hold-ms", "4000", "how long that sink waits, milliseconds", 0);

  /** The query's progress reports and the breaches the listener reported. */
  public record Result(List<StreamingQueryProgress> progress, List<Breach> breaches) {}

  /** Event seconds per input file: one file per micro-batch. */
  static final List<long[]> BATCHES =
      List.of(new long[] {100, 101}, new long[] {102}, new long[] {10, 103}, new long[] {104});

  private StreamingSloExample() {}

  /**
   * Runs the four batches under the listener and returns what it saw. Every wait has {@code
   * deadline}: the query's end and the listener's last event.
   */
  public static Result run(
      SparkSession spark, Path dir, Slo slo, long slowBatch, Duration hold, Duration deadline)
      throws TimeoutException, InterruptedException, StreamingQueryException {
    SparkFolders.deleteRecursively(dir);
    Path input = writeInput(dir.resolve("input"));
    StreamingSloListener listener = new StreamingSloListener(slo, b -> System.out.println(b));
    spark.streams().addListener(listener);
    try {
      StreamingQuery q =
          SqlConfs.with(
              spark,
              // one batch per file and nothing else: no extra batch just to move the watermark
              Map.of("spark.sql.streaming.noDataMicroBatches.enabled", "false"),
              () -> start(spark, input, dir.resolve("checkpoint"), slowBatch, hold));
      if (!q.awaitTermination(deadline.toMillis())) {
        q.stop();
        throw new TimeoutException("The query did not finish its batches within " + deadline);
      }
      listener.awaitTerminated(q.id(), deadline);
      return new Result(listener.progress(), listener.breaches());
    } finally {
      spark.streams().removeListener(listener);
    }
  }

  // tag::kafka-lag[]
  /**
   * Reads {@code topic} from its earliest offset, at most {@code maxOffsetsPerTrigger} offsets per
   * micro-batch, into the {@code noop} sink under a {@link StreamingSloListener}, until it has
   * caught up with what the topic held (processAllAvailable, bounded by {@code deadline}). A
   * backlog larger than one batch is read in several, and each batch's progress report says how far
   * behind the newest offset it left the query: the {@code SOURCE_LAG} check.
   */
  public static Result catchUp(
      SparkSession spark,
      String bootstrapServers,
      String topic,
      long maxOffsetsPerTrigger,
      Path checkpoint,
      Slo slo,
      Duration deadline)
      throws TimeoutException, InterruptedException {
    StreamingSloListener listener = new StreamingSloListener(slo, b -> System.out.println(b));
    spark.streams().addListener(listener);
    try {
      StreamingQuery q =
          spark
              .readStream()
              .format("kafka")
              .option("kafka.bootstrap.servers", bootstrapServers)
              .option("subscribe", topic)
              .option("startingOffsets", "earliest")
              .option("maxOffsetsPerTrigger", maxOffsetsPerTrigger)
              .load()
              .writeStream()
              .queryName(topic)
              .format("noop")
              .option("checkpointLocation", checkpoint.toAbsolutePath().toString())
              .start();
      processAllAvailable(q, deadline);
      listener.awaitTerminated(q.id(), deadline);
      return new Result(listener.progress(), listener.breaches());
    } finally {
      spark.streams().removeListener(listener);
    }
  }

  // end::kafka-lag[]

  /**
   * {@link StreamingQuery#processAllAvailable()}, then stop: it has no deadline of its own, so a
   * timer stops the query when {@code deadline} passes (processAllAvailable then returns).
   */
  static void processAllAvailable(StreamingQuery q, Duration deadline) throws TimeoutException {
    ScheduledExecutorService timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "catch-up-deadline");
              t.setDaemon(true);
              return t;
            });
    AtomicBoolean late = new AtomicBoolean();
    timer.schedule(
        () -> {
          late.set(true);
          q.stop();
          return null;
        },
        deadline.toMillis(),
        TimeUnit.MILLISECONDS);
    try {
      q.processAllAvailable();
    } finally {
      timer.shutdownNow();
      q.stop();
    }
    if (late.get()) {
      throw new TimeoutException(
          "Query " + q.name() + " did not catch up with its source within " + deadline);
    }
  }

  private static StreamingQuery start(
      SparkSession spark, Path input, Path checkpoint, long slowBatch, Duration hold) {
    // tag::bounded-batches[]
    // A bounded batch has a bounded duration: a backlog becomes more batches, not one huge one
    // (Kafka: maxOffsetsPerTrigger; files: maxFilesPerTrigger).
    Dataset<Row> events =
        spark
            .readStream()
            .schema("seconds LONG, user STRING")
            .option("maxFilesPerTrigger", 1)
            .json(input.toAbsolutePath().toString());
    // end::bounded-batches[]
    Dataset<Row> counts =
        events
            .withColumn("event_time", timestamp_seconds(col("seconds")))
            .withWatermark("event_time", "10 seconds")
            .groupBy(window(col("event_time"), "10 seconds"))
            .count();
    try {
      return counts
          .writeStream()
          .queryName("slo-demo")
          .outputMode("update")
          .option("checkpointLocation", checkpoint.toAbsolutePath().toString())
          .trigger(Trigger.AvailableNow())
          .foreachBatch(
              (VoidFunction2<Dataset<Row>, Long>)
                  (batch, id) -> {
                    batch.write().format("noop").mode("overwrite").save();
                    if (id == slowBatch) {
                      waitForAnAcknowledgementThatNeverComes(hold);
                    }
                  })
          .start();
    } catch (TimeoutException e) {
      throw new IllegalStateException("The query did not start", e);
    }
  }

  /** The slow sink: a downstream call that is never answered, given up after {@code timeout}. */
  static void waitForAnAcknowledgementThatNeverComes(Duration timeout) throws InterruptedException {
    new CountDownLatch(1).await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  private static Path writeInput(Path input) {
    try {
      Files.createDirectories(input);
      long now = System.currentTimeMillis();
      for (int i = 0; i < BATCHES.size(); i++) {
        StringBuilder lines = new StringBuilder();
        for (long s : BATCHES.get(i)) {
          lines.append("{\"seconds\":").append(s).append(",\"user\":\"u").append(s).append("\"}\n");
        }
        Path f = Files.writeString(input.resolve("batch-" + i + ".json"), lines);
        // the file source takes the oldest files first
        Files.setLastModifiedTime(f, FileTime.fromMillis(now - 10_000 + i * 1_000L));
      }
      return input;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write the input under " + input, e);
    }
  }

  /** Rows dropped by the watermark in one report. */
  static long dropped(StreamingQueryProgress p) {
    long n = 0;
    for (StateOperatorProgress op : p.stateOperators()) {
      n += op.numRowsDroppedByWatermark();
    }
    return n;
  }

  public static void main(String[] args) {
    Examples.run(
        args,
        ARGS,
        (spark, opts) -> {
          Slo slo = new Slo(Duration.ofMillis(opts.getLong("budget-ms")), 0, 1);
          Result r;
          try {
            r =
                run(
                    spark,
                    Path.of(opts.get("dir")),
                    slo,
                    opts.getLong("slow-batch"),
                    Duration.ofMillis(opts.getLong("hold-ms")),
                    Duration.ofMinutes(3));
          } catch (TimeoutException | StreamingQueryException e) {
            throw new IllegalStateException(e.getMessage(), e);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted", e);
          }
          System.out.println(slo);
          for (StreamingQueryProgress p : r.progress()) {
            System.out.printf(
                "batch %d: %d rows, %d ms, taken in %.2f rows/s, processed %.2f rows/s,"
                    + " dropped by watermark %d%n",
                p.batchId(),
                p.numInputRows(),
                p.batchDuration(),
                p.inputRowsPerSecond(),
                p.processedRowsPerSecond(),
                dropped(p));
          }
          System.out.println(r.breaches().size() + " breaches");
        });
  }
}
