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
            .select("sensor", "day", "previous", "delta", "next_day")
            .orderBy("sensor", "day");

    // then
    assertThatDataFrame(deltas)
        .containsExactly(
            row("s1", Date.valueOf("2026-01-01"), null, null, Date.valueOf("2026-01-02")),
            row("s1", Date.valueOf("2026-01-02"), 100, 10, Date.valueOf("2026-01-03")),
            row("s1", Date.valueOf("2026-01-03"), 110, null, Date.valueOf("2026-01-04")),
            row("s1", Date.valueOf("2026-01-04"), null, null, null),
            row("s2", Date.valueOf("2026-01-01"), null, null, Date.valueOf("2026-01-05")),
            row("s2", Date.valueOf("2026-01-05"), 7, 2, null));
  }

  @Test
  void lagAndLeadOverOneSpecRunInOneWindowOperatorAfterOneShuffle() {
    SparkPlan plan =
        Plans.finalPlan(
            LagLeadDeltasExample.withDeltas(LagLeadDeltasExample.readingsFixture(spark)));

    assertThat(Plans.shuffleCount(plan)).isEqualTo(1);
    assertThat(Plans.find(plan, WindowExec.class)).hasSize(1);
  }
}
