package dev.advancedspark.part5.streaming;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.advancedspark.common.testkit.SharedSpark;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.StreamingQueryProgress;
import org.apache.spark.sql.streaming.TimeMode;
import org.junit.jupiter.api.Test;

class StateTtlExampleTest {

  private final SparkSession spark = SharedSpark.session();

  /** What one run left: alerts, progress, and the count state with its expiry. */
  private record Run(List<String> alerts, List<StreamingQueryProgress> progress, List<Row> state) {
    long removedByTtl() {
      return progress.stream()
          .flatMap(p -> Arrays.stream(p.stateOperators()))
          .mapToLong(op -> op.customMetrics().getOrDefault("numValuesRemovedDueToTTLExpiry", 0L))
          .sum();
    }
  }

  @Test
  void aCountIdleForLongerThanItsTtlIsForgottenByProcessingTime() {
    // given: a, a and b in batch 1, a in batch 2; alert at 3
    long startedAt = System.currentTimeMillis();

    // when: with a TTL of 1 hour, and of 1 ms (over by the next batch, whatever the events say)
    Run hour = run("hour", Duration.ofHours(1));
    Run milli = run("milli", Duration.ofMillis(1));

    // then: the hour keeps the count and alerts; the millisecond forgot batch 1's count
    System.out.println("TTL 1 h: alerts " + hour.alerts() + ", state " + hour.state());
    System.out.println("TTL 1 ms: alerts " + milli.alerts() + ", state " + milli.state());
    assertThat(hour.alerts()).containsExactly("a:3");
    assertThat(hour.state()).extracting(StateTtlExampleTest::user).containsExactly("b"); // a reset
    assertThat(hour.removedByTtl()).isZero();
    assertThat(milli.alerts()).isEmpty();
    // b never came back: batch 2's clean-up deleted its count; a's was read as absent, rewritten
    assertThat(milli.removedByTtl()).isEqualTo(1);
    assertThat(milli.state()).extracting(StateTtlExampleTest::user).containsExactly("a");
    // the count left by batch 2 expires 1 ms after that batch's wall-clock time, not event time
    Row value = milli.state().get(0).getAs("value");
    assertThat(value.getStruct(0).getLong(0)).isEqualTo(1);
    long expiresAt = value.getAs("ttlExpirationMs");
    assertThat(expiresAt)
        .isGreaterThan(startedAt)
        .isLessThanOrEqualTo(System.currentTimeMillis() + 1);
  }

  @Test
  void aTtlIsRefusedInEventTimeMode() {
    Path dir = SharedSpark.scratch("state-ttl-event-time");
    SessionTimeoutExample.addEvents(dir.resolve("input"), "batch-1", "a@10:00");
    assertThatThrownBy(
            () -> {
              StreamingQuery q =
                  StateTtlExample.start(
                      spark,
                      dir.resolve("input"),
                      dir.resolve("alerts").toString(),
                      dir.resolve("checkpoint"),
                      3,
                      Duration.ofHours(1),
                      TimeMode.EventTime());
              try {
                q.processAllAvailable();
              } finally {
                q.stop();
              }
            })
        .satisfies(e -> System.out.println("TTL in event time: " + e.getMessage()))
        .hasMessageContaining("STATEFUL_PROCESSOR_INCORRECT_TIME_MODE_TO_ASSIGN_TTL");
  }

  private static String user(Row stateRow) {
    return stateRow.<Row>getAs("key").getString(0);
  }

  private Run run(String name, Duration ttl) {
    Path dir = SharedSpark.scratch("state-ttl-" + name);
    Path input = dir.resolve("input");
    String table = dir.resolve("alerts").toString();
    SessionTimeoutExample.addEvents(input, "batch-1", "a@10:00", "a@10:01", "b@10:00");
    StreamingQuery q =
        StateTtlExample.start(
            spark, input, table, dir.resolve("checkpoint"), 3, ttl, TimeMode.ProcessingTime());
    try {
      q.processAllAvailable();
      SessionTimeoutExample.addEvents(input, "batch-2", "a@10:02");
      q.processAllAvailable();
      List<StreamingQueryProgress> progress = List.of(q.recentProgress());
      List<String> alerts =
          spark
              .read()
              .format("delta")
              .load(table)
              .selectExpr("concat(user, ':', events)")
              .as(org.apache.spark.sql.Encoders.STRING())
              .collectAsList();
      List<Row> state =
          spark
              .read()
              .format("statestore")
              .option("stateVarName", "count")
              .load(dir.resolve("checkpoint").toString())
              .collectAsList();
      return new Run(alerts, progress, state);
    } finally {
      try {
        q.stop();
      } catch (java.util.concurrent.TimeoutException e) {
        throw new IllegalStateException(e);
      }
    }
  }
}
