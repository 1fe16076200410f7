package dev.advancedspark.part2.windows;

import static dev.advancedspark.common.testkit.DataFrameAssert.assertThatDataFrame;
import static dev.advancedspark.common.testkit.DataFrameAssert.row;
import static org.assertj.core.api.Assertions.assertThat;

import dev.advancedspark.common.data.DataGenerators;
import dev.advancedspark.common.data.Skew;
import dev.advancedspark.common.plan.Plans;
import dev.advancedspark.common.testkit.SharedSpark;
import java.sql.Timestamp;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.execution.SparkPlan;
import org.junit.jupiter.api.Test;

class SessionizationExampleTest {

  private final SparkSession spark = SharedSpark.session();

  private static Timestamp ts(String s) {
    return Timestamp.valueOf("2026-01-01 " + s);
  }

  @Test
  void aGapLongerThanThirtyMinutesStartsANewSession() {
    // given u1 idle for 40 minutes and then 2 hours; u2 never idle for 30 minutes
    Dataset<Row> clicks = SessionizationExample.clicksFixture(spark);

    // when
    Dataset<Row> sessions = SessionizationExample.sessions(clicks, "user_id", "ts", 1800);

    // then
    assertThatDataFrame(sessions)
        .containsExactlyInAnyOrder(
            row("u1", 1L, ts("10:00:00"), ts("10:29:00"), 3L),
            row("u1", 2L, ts("11:09:00"), ts("11:10:00"), 2L),
            row("u1", 3L, ts("13:10:00"), ts("13:10:00"), 1L),
            row("u2", 1L, ts("10:00:00"), ts("10:20:00"), 2L));
  }

  @Test
  void everyEventKeepsItsSessionNumberWithOneShuffle() {
    Dataset<Row> numbered =
        SessionizationExample.sessionize(
            SessionizationExample.clicksFixture(spark), "user_id", "ts", 1800);

    SparkPlan plan = Plans.finalPlan(numbered);

    assertThat(numbered.count()).isEqualTo(8);
    // lag and the running sum share (user, ts): one shuffle for the whole sessionization
    assertThat(Plans.shuffleCount(plan)).isEqualTo(1);
  }

  @Test
  void windowSessionsMatchSparksSessionWindowOnGeneratedClicks() {
    Dataset<Row> clicks = DataGenerators.clickstream(spark, 3_000, 50, Skew.zipf(1.1), 7);

    Dataset<Row> viaWindow =
        SessionizationExample.sessions(clicks, "user_id", "event_ts", 1800)
            .select("user_id", "start", "end", "events");
    Dataset<Row> viaSessionWindow =
        SessionizationExample.sessionsWithSessionWindow(clicks, "user_id", "event_ts", 1800);

    assertThat(viaWindow.count()).isGreaterThan(50);
    assertThatDataFrame(viaWindow).hasSameRowsAs(viaSessionWindow);
  }
}
