package dev.advancedspark.part5.streaming;

import static org.assertj.core.api.Assertions.assertThat;

import dev.advancedspark.common.testkit.ChildDriver;
import dev.advancedspark.common.testkit.SharedSpark;
import dev.advancedspark.part5.streaming.ExactlyOnceKafkaToDelta.Mode;
import dev.advancedspark.part5.streaming.ExactlyOnceKafkaToDelta.Pipeline;
import dev.advancedspark.part5.streaming.ExactlyOnceKafkaToDelta.TableCheck;
import dev.advancedspark.part5.testkit.KafkaBroker;
import dev.advancedspark.part5.testkit.SharedKafka;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.Trigger;
import org.junit.jupiter.api.Test;

/**
 * The must-show: the driver JVM of {@link ExactlyOnceKafkaToDelta} is killed with SIGKILL three
 * times while events keep arriving, each time right after it wrote a batch to Delta and before
 * Spark recorded the batch as committed; each restart resumes from the checkpoint, replays that
 * batch (Delta skips its writes) and writes one new batch before it is killed again. A last run
 * drains the topic from the same checkpoint, in this JVM (its session is already warm: a fourth
 * driver JVM would only add its start-up). The table then equals the input exactly.
 */
class ExactlyOnceKillIT {

  private static final long CHUNK = 200;
  // Each wait's deadline; a driver needs well under a minute alone, minutes on a loaded machine.
  private static final Duration DEADLINE = Duration.ofMinutes(8);

  private final SparkSession spark = SharedSpark.session();
  private final KafkaBroker kafka = SharedKafka.broker();

  @Test
  void aDriverKilledWithSigkillThreeTimesLosesAndDuplicatesNothing() throws Exception {
    // given: a topic with a first chunk, and a producer that sends a chunk per written batch
    String topic = "eo-kill";
    kafka.createTopic(topic, 2);
    Path dir = SharedSpark.scratch("eo-kill");
    Pipeline p =
        new Pipeline(
            kafka.bootstrapServers(),
            topic,
            dir.resolve("tables"),
            dir.resolve("checkpoint"),
            "eo-kill-app",
            Mode.IDEMPOTENT,
            150);
    AtomicLong produced = new AtomicLong();
    produce(topic, produced);

    // when: three runs killed with SIGKILL while holding a written, uncommitted batch: the first
    // run holds its first batch; each restart replays the held batch, then holds the next one.
    // Each restart's JVM starts and warms up (on a scratch table of its own) while the previous
    // driver runs, and opens the checkpoint only when told "go", after the previous one was killed.
    List<String> report = new ArrayList<>();
    List<ChildDriver> drivers = new ArrayList<>();
    try {
      ChildDriver next = startDriver(p, dir, 1, produced, drivers);
      for (int round = 1; round <= 3; round++) {
        ChildDriver driver = next;
        driver.awaitLine("warm"::equals, DEADLINE);
        driver.send("go");
        next = round < 3 ? startDriver(p, dir, round + 1, produced, drivers) : null;
        String held = driver.awaitLine(l -> l.startsWith("holding after batch"), DEADLINE);
        driver.kill();
        TableCheck c = ExactlyOnceKafkaToDelta.check(spark, p);
        report.add(
            String.format(
                "kill -9 %d (%s): produced %d, rows %d, distinct %d, duplicates %d, not yet read"
                    + " %d",
                round,
                held,
                produced.get(),
                c.rows(),
                c.distinctKeys(),
                c.duplicates(),
                c.missing(produced.get())));
        assertThat(c.duplicates()).isZero();
      }
    } finally {
      for (ChildDriver d : drivers) {
        d.close();
      }
    }
    long producedBeforeDrain = produced.get();
    StreamingQuery drain =
        ExactlyOnceKafkaToDelta.start(
            spark, drainAll(p), Trigger.AvailableNow(), ExactlyOnceKafkaToDelta.AfterWrite.NONE);
    assertThat(drain.awaitTermination(DEADLINE.toMillis())).isTrue();

    // then
    TableCheck c = ExactlyOnceKafkaToDelta.check(spark, p);
    report.add(
        String.format(
            "after the drain: produced %d, rows %d, distinct %d, duplicates %d, lost %d",
            producedBeforeDrain,
            c.rows(),
            c.distinctKeys(),
            c.duplicates(),
            c.missing(producedBeforeDrain)));
    report.forEach(System.out::println);
    assertThat(c.rows()).isEqualTo(producedBeforeDrain);
    assertThat(c.distinctKeys()).isEqualTo(producedBeforeDrain);
    assertThat(c.checksum())
        .isEqualTo(ExactlyOnceKafkaToDelta.inputChecksum(spark, producedBeforeDrain));
    assertThat(c.totalEvents()).isEqualTo(producedBeforeDrain);
  }

  /** Starts round {@code round}'s driver JVM; it warms up, then waits for "go". */
  private ChildDriver startDriver(
      Pipeline p, Path dir, int round, AtomicLong produced, List<ChildDriver> drivers) {
    List<String> args = new ArrayList<>();
    args.add(dir.resolve("warm-" + round).toString());
    args.addAll(args(p, "processing-time", round == 1 ? 1 : 2, 150));
    ChildDriver d =
        ChildDriver.start(
            WarmRestartDriver.class,
            args,
            dir.resolve("driver-" + round + ".log"),
            line -> {
              if (line.startsWith("batch ")) {
                produce(p.topic(), produced);
              }
            });
    drivers.add(d);
    return d;
  }

  /** The same pipeline with no cap per batch: the backlog is read in one batch. */
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

  private static List<String> args(Pipeline p, String trigger, int holdAfter, long maxOffsets) {
    return List.of(
        "--master", "local[2]",
        "--bootstrap", p.bootstrapServers(),
        "--topic", p.topic(),
        "--produce", "0",
        "--table", p.tableDir().toString(),
        "--checkpoint", p.checkpoint().toString(),
        "--app-id", p.appId(),
        "--mode", "idempotent",
        "--trigger", trigger,
        "--max-offsets", Long.toString(maxOffsets),
        "--hold-after-batches", Integer.toString(holdAfter),
        "--conf", "spark.ui.enabled=false",
        // a few hundred events per batch: one shuffle partition is plenty
        "--conf", "spark.sql.shuffle.partitions=1");
  }

  private void produce(String topic, AtomicLong produced) {
    long from = produced.get();
    kafka.send(topic, StreamEvents.records(from, from + CHUNK));
    produced.addAndGet(CHUNK);
  }
}
