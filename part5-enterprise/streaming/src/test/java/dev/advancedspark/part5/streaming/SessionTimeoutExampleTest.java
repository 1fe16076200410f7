package dev.advancedspark.part5.streaming;

import static dev.advancedspark.part5.streaming.SessionTimeoutExample.at;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.window;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.advancedspark.common.UsageException;
import dev.advancedspark.common.testkit.SharedSpark;
import dev.advancedspark.part5.delta.DeltaTableLessons;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.StreamingQueryProgress;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * One run of the session query, three input batches, its outputs and state captured after each; the
 * tests read what it left. Time moves by event time only (the watermark), except the alert
 * cooldown, a TTL, which counts processing time: it is 1 ms here, so it has passed by the next
 * batch.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SessionTimeoutExampleTest {

  private static final Duration GAP = Duration.ofMinutes(10);

  private final SparkSession spark = SharedSpark.session();
  private Path dir;
  private Path input;
  private String table;
  private Path checkpoint;
  private final List<List<String>> outputAfter = new ArrayList<>();
  private final List<List<String>> openSessionsAfter = new ArrayList<>();
  private final List<StreamingQueryProgress> progress = new ArrayList<>();

  @BeforeAll
  void runThreeBatches() throws Exception {
    dir = SharedSpark.scratch("sessions");
    input = dir.resolve("input");
    table = dir.resolve("sessions").toString();
    checkpoint = dir.resolve("checkpoint");
    SessionTimeoutExample.addEvents(input, "batch-1", "a@10:00", "a@10:01", "a@10:02", "b@10:00");
    StreamingQuery q =
        SessionTimeoutExample.start(
            spark, input, table, checkpoint, SessionTimeoutExample.ROCKSDB, GAP);
    try {
      q.processAllAvailable();
      capture();
      SessionTimeoutExample.addEvents(input, "batch-2", "c@10:30");
      q.processAllAvailable();
      capture();
      SessionTimeoutExample.addEvents(input, "batch-3", "a@11:00", "a@11:01", "a@11:02");
      q.processAllAvailable();
      capture();
      progress.addAll(List.of(q.recentProgress()));
    } finally {
      q.stop();
    }
  }

  private void capture() {
    outputAfter.add(
        spark
            .read()
            .format("delta")
            .load(table)
            .selectExpr(
                "concat_ws(' ', user, kind, events, date_format(session_start, 'HH:mm'),"
                    + " date_format(session_end, 'HH:mm'))")
            .orderBy("session_end", "user")
            .as(org.apache.spark.sql.Encoders.STRING())
            .collectAsList());
    openSessionsAfter.add(
        SessionTimeoutExample.readState(spark, checkpoint, "events")
            .selectExpr("concat(key.value, '=', value.value)")
            .orderBy("key")
            .as(org.apache.spark.sql.Encoders.STRING())
            .collectAsList());
  }

  @Test
  void nothingIsEmittedWhileTheWatermarkIsBeforeTheTimers() {
    // batch 1 leaves the watermark at 10:02; the timers are at 10:10 (b) and 10:12 (a)
    assertThat(outputAfter.get(0)).isEmpty();
    assertThat(openSessionsAfter.get(0)).containsExactly("a=3", "b=1");
  }

  @Test
  void theTimersFireWhenALaterEventMovesTheWatermarkPastThem() {
    // batch 2's event at 10:30 moves the watermark to 10:30: a's and b's timers fire, c's
    // (10:40) does not; the expired sessions' state is cleared
    System.out.println("after batch 2: " + outputAfter.get(1));
    assertThat(outputAfter.get(1))
        .containsExactly("b closed 1 10:00 10:00", "a closed 3 10:00 10:02");
    assertThat(openSessionsAfter.get(1)).containsExactly("c=1");
    assertThat(customMetric("numExpiredTimers")).isPositive();
  }

  @Test
  void aLaterEventStartsANewSessionReadBackWithTheStateDataSource() {
    System.out.println("after batch 3: " + outputAfter.get(2));
    // a's events at 11:00-11:02 open a new session and move the watermark past c's timer
    assertThat(outputAfter.get(2))
        .containsExactly(
            "b closed 1 10:00 10:00", "a closed 3 10:00 10:02", "c closed 1 10:30 10:30");
    assertThat(openSessionsAfter.get(2)).containsExactly("a=3");
    Row a =
        SessionTimeoutExample.readState(spark, checkpoint, "start")
            .where("key.value = 'a'")
            .first();
    assertThat(a.<Row>getAs("value").getLong(0)).isEqualTo(at("11:00"));
  }

  @Test
  void aDifferentQueryOnThisCheckpointIsRefusedAndNothingCommittedIsLost() throws Exception {
    // given: what the session query committed, and new data arriving
    long version = DeltaTableLessons.version(spark, table);
    long rows = spark.read().format("delta").load(table).count();
    List<String> commits = files(checkpoint.resolve("commits"));
    SessionTimeoutExample.addEvents(input, "batch-4", "d@12:00");

    // when: a windowed count is started on the session query's checkpoint
    StreamingQuery other =
        spark
            .readStream()
            .schema(SessionTimeoutExample.EVENT_SCHEMA)
            .json(input.toString())
            .withWatermark("event_time", "0 seconds")
            .groupBy(window(col("event_time"), "10 minutes"))
            .count()
            .writeStream()
            .format("delta")
            .outputMode("append")
            .option("checkpointLocation", checkpoint.toString())
            .start(dir.resolve("window-counts").toString());
    try {
      // then: one line naming the checkpoint, with Spark's condition
      assertThatThrownBy(() -> CheckpointGuard.processAllAvailable(other, checkpoint))
          .isInstanceOf(UsageException.class)
          .satisfies(e -> System.out.println("other query: " + e.getMessage()))
          .hasMessageContaining(checkpoint.toAbsolutePath().toString())
          .hasMessageContaining("different query");
    } finally {
      other.stop();
    }
    // and nothing the first query committed changed
    assertThat(DeltaTableLessons.version(spark, table)).isEqualTo(version);
    assertThat(spark.read().format("delta").load(table).count()).isEqualTo(rows);
    assertThat(files(checkpoint.resolve("commits"))).isEqualTo(commits);
  }

  private static List<String> files(Path folder) throws java.io.IOException {
    try (var s = java.nio.file.Files.list(folder)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  private long customMetric(String name) {
    return progress.stream()
        .flatMap(p -> java.util.Arrays.stream(p.stateOperators()))
        .mapToLong(op -> op.customMetrics().getOrDefault(name, 0L))
        .sum();
  }

  @Test
  void withoutRocksDbTheQueryIsRefused() {
    Path other = SharedSpark.scratch("sessions-hdfs");
    SessionTimeoutExample.addEvents(other.resolve("input"), "batch-1", "a@10:00");
    assertThatThrownBy(
            () -> {
              StreamingQuery q =
                  SessionTimeoutExample.start(
                      spark,
                      other.resolve("input"),
                      other.resolve("table").toString(),
                      other.resolve("checkpoint"),
                      "org.apache.spark.sql.execution.streaming.state.HDFSBackedStateStoreProvider",
                      GAP);
              try {
                q.processAllAvailable();
              } finally {
                q.stop();
              }
            })
        .satisfies(e -> System.out.println("HDFS provider: " + e.getMessage()))
        .hasMessageContaining("STORE_BACKEND_NOT_SUPPORTED_FOR_TWS");
  }
}
