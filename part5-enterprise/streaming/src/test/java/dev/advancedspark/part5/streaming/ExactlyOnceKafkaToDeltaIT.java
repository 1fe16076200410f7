package dev.advancedspark.part5.streaming;

import static org.assertj.core.api.Assertions.assertThat;

import dev.advancedspark.common.testkit.SharedSpark;
import dev.advancedspark.part5.streaming.ExactlyOnceKafkaToDelta.AfterWrite;
import dev.advancedspark.part5.streaming.ExactlyOnceKafkaToDelta.Mode;
import dev.advancedspark.part5.streaming.ExactlyOnceKafkaToDelta.Pipeline;
import dev.advancedspark.part5.streaming.ExactlyOnceKafkaToDelta.TableCheck;
import dev.advancedspark.part5.testkit.KafkaBroker;
import dev.advancedspark.part5.testkit.SharedKafka;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.Trigger;
import org.junit.jupiter.api.Test;

/**
 * The stream is stopped in the middle of a batch (after its Delta commits, before Spark's commit
 * log records it: the window where a restart replays the batch), restarted from its checkpoint,
 * while new events keep arriving; then drained with availableNow and compared with the input.
 */
class ExactlyOnceKafkaToDeltaIT {

  private static final long CHUNK = 200;
  private static final long MAX_OFFSETS = 150;
  // Each wait's deadline: seconds alone, minutes when this JVM's first Delta commit runs on a
  // loaded machine.
  private static final java.time.Duration DEADLINE = java.time.Duration.ofMinutes(8);

  private final SparkSession spark = SharedSpark.session();
  private final KafkaBroker kafka = SharedKafka.broker();

  @Test
  void idempotentForeachBatchSurvivesThreeAbruptStopsWithNoLossAndNoDuplicate() throws Exception {
    // given: a topic with a first chunk of events
    Pipeline p = pipeline("eo-idempotent", Mode.IDEMPOTENT);
    AtomicLong produced = new AtomicLong();
    produce(p.topic(), produced);

    // when: three times, stop the query while it holds a written-but-uncommitted batch
    for (int round = 1; round <= 3; round++) {
      CompletableFuture<Long> held = new CompletableFuture<>();
      StreamingQuery q =
          ExactlyOnceKafkaToDelta.start(
              spark,
              p,
              Trigger.ProcessingTime(0),
              // the first run holds its first batch; a restart replays it, then holds the next
              holdOnBatch(round == 1 ? 1 : 2, p.topic(), produced, held));
      long heldBatch = held.get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
      q.stop();
      TableCheck c = ExactlyOnceKafkaToDelta.check(spark, p);
      System.out.printf(
          "idempotent stop %d (in batch %d): produced %d, rows %d, distinct %d, duplicates %d,"
              + " not yet read %d%n",
          round,
          heldBatch,
          produced.get(),
          c.rows(),
          c.distinctKeys(),
          c.duplicates(),
          c.missing(produced.get()));
      assertThat(c.duplicates()).isZero();
    }
    StreamingQuery drain =
        ExactlyOnceKafkaToDelta.start(spark, drainAll(p), Trigger.AvailableNow(), AfterWrite.NONE);
    assertThat(drain.awaitTermination(DEADLINE.toMillis())).isTrue();

    // then: the table is the input, exactly
    TableCheck c = ExactlyOnceKafkaToDelta.check(spark, p);
    System.out.printf(
        "idempotent final: produced %d, rows %d, distinct %d, duplicates %d, lost %d%n",
        produced.get(), c.rows(), c.distinctKeys(), c.duplicates(), c.missing(produced.get()));
    assertThat(c.rows()).isEqualTo(produced.get());
    assertThat(c.distinctKeys()).isEqualTo(produced.get());
    assertThat(c.checksum())
        .isEqualTo(ExactlyOnceKafkaToDelta.inputChecksum(spark, produced.get()));
    assertThat(c.totalEvents()).isEqualTo(produced.get());
  }

  @Test
  void withoutTxnAppIdAReplayedBatchIsWrittenTwice() throws Exception {
    // given
    Pipeline p = pipeline("eo-naive", Mode.NAIVE);
    AtomicLong produced = new AtomicLong();
    produce(p.topic(), produced);

    // when: one stop inside a written batch, then a restart that replays it
    CompletableFuture<Long> held = new CompletableFuture<>();
    AtomicLong heldRows = new AtomicLong();
    StreamingQuery q =
        ExactlyOnceKafkaToDelta.start(
            spark,
            p,
            Trigger.ProcessingTime(0),
            (batchId, rows) -> {
              heldRows.set(rows);
              held.complete(batchId);
              new CountDownLatch(1).await();
            });
    held.get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
    q.stop();
    StreamingQuery drain =
        ExactlyOnceKafkaToDelta.start(spark, drainAll(p), Trigger.AvailableNow(), AfterWrite.NONE);
    assertThat(drain.awaitTermination(DEADLINE.toMillis())).isTrue();

    // then: every event of the replayed batch is there twice, and counted twice in the totals
    TableCheck c = ExactlyOnceKafkaToDelta.check(spark, p);
    System.out.printf(
        "naive: produced %d, replayed batch of %d, rows %d, distinct %d, duplicates %d,"
            + " totals count %d%n",
        produced.get(),
        heldRows.get(),
        c.rows(),
        c.distinctKeys(),
        c.duplicates(),
        c.totalEvents());
    assertThat(c.distinctKeys()).isEqualTo(produced.get());
    assertThat(heldRows.get()).isPositive();
    assertThat(c.duplicates()).isEqualTo(heldRows.get());
    assertThat(c.totalEvents()).isEqualTo(produced.get() + heldRows.get());
  }

  /** Sends a chunk on each written batch; on the n-th batch of a run, completes and blocks. */
  private AfterWrite holdOnBatch(
      int n, String topic, AtomicLong produced, CompletableFuture<Long> held) {
    int[] batches = {0};
    return (batchId, rows) -> {
      produce(topic, produced);
      if (++batches[0] == n) {
        held.complete(batchId);
        new CountDownLatch(1).await();
      }
    };
  }

  private void produce(String topic, AtomicLong produced) {
    long from = produced.get();
    kafka.send(topic, StreamEvents.records(from, from + CHUNK));
    produced.addAndGet(CHUNK);
  }

  /** The same query with no cap per batch: the backlog is read in one batch. */
  private static Pipeline drainAll(Pipeline p) {
    return new Pipeline(
        p.bootstrapServers(),
        p.topic(),
        p.tableDir(),
        p.checkpoint(),
        p.appId(),
        p.mode(),
        1_000_000);
  }

  private Pipeline pipeline(String name, Mode mode) {
    kafka.createTopic(name, 2);
    Path dir = SharedSpark.scratch(name);
    return new Pipeline(
        kafka.bootstrapServers(),
        name,
        dir.resolve("tables"),
        dir.resolve("checkpoint"),
        name + "-app",
        mode,
        MAX_OFFSETS);
  }
}
