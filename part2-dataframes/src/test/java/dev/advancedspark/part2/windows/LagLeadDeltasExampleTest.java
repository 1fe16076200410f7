package dev.advancedspark.part2.windows;

import static dev.advancedspark.common.testkit.DataFrameAssert.assertThatDataFrame;
import static dev.advancedspark.common.testkit.DataFrameAssert.row;
import static org.assertj.core.api.Assertions.assertThat;

import dev.advancedspark.common.plan.Plans;
import dev.advancedspark.common.testkit.SharedSpark;
import java.sql.Date;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.window.WindowExec;
import org.junit.jupiter.api.Test;

class LagLeadDeltasExampleTest {

  private final SparkSession spark = SharedSpark.session();

  @Test
  void deltasAreNullOnTheFirstRowAndAroundAMissingValue() {
    // given s1 with a missing reading on 3 January
    Dataset<Row> readings = LagLeadDeltasExample.readingsFixture(spark);

    // when
    Dataset<Row> deltas =
        LagLeadDeltasExample.withDeltas(readings)
            .select("sensor", "day", "previous", "delta", "next_day", "next_reading_day")
            .orderBy("sensor", "day");

    // then
    assertThatDataFrame(deltas)
        .containsExactly(
            row("s1", d("2026-01-01"), null, null, d("2026-01-02"), d("2026-01-02")),
            // lead gives the next row's day even though its reading is missing
            row("s1", d("2026-01-02"), 100, 10, d("2026-01-03"), d("2026-01-04")),
            row("s1", d("2026-01-03"), 110, null, d("2026-01-04"), d("2026-01-04")),
            row("s1", d("2026-01-04"), null, null, null, null),
            row("s2", d("2026-01-01"), null, null, d("2026-01-05"), d("2026-01-05")),
            row("s2", d("2026-01-05"), 7, 2, null, null));
  }

  @Test
  void lagAndLeadOverOneSpecRunInOneWindowOperatorAfterOneShuffle() {
    SparkPlan plan =
        Plans.finalPlan(
            LagLeadDeltasExample.withDeltas(LagLeadDeltasExample.readingsFixture(spark)));

    // one shuffle and one sort for all of them; lag and lead run in one window operator, the
    // frame over a computed column in a second one on the same sorted rows
    assertThat(Plans.shuffleCount(plan)).isEqualTo(1);
    assertThat(Plans.find(plan, org.apache.spark.sql.execution.SortExec.class)).hasSize(1);
    assertThat(Plans.find(plan, WindowExec.class)).hasSize(2);
    assertThat(Plans.find(plan, WindowExec.class))
        .anySatisfy(w -> assertThat(w.windowExpression().mkString()).contains("lag(", "lead("));
  }

  private static Date d(String day) {
    return Date.valueOf(day);
  }
}
