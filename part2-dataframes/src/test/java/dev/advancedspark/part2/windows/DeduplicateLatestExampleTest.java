package dev.advancedspark.part2.windows;

import static dev.advancedspark.common.testkit.DataFrameAssert.assertThatDataFrame;
import static dev.advancedspark.common.testkit.DataFrameAssert.row;
import static org.assertj.core.api.Assertions.assertThat;

import dev.advancedspark.common.plan.Plans;
import dev.advancedspark.common.testkit.SharedSpark;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.execution.SparkPlan;
import org.junit.jupiter.api.Test;

class DeduplicateLatestExampleTest {

  private final SparkSession spark = SharedSpark.session();

  @Test
  void keepsTheLatestVersionAndANullTimestampOnlyWinsAlone() {
    // given c1's versions out of order, c2 with a newer-looking row without timestamp, c3 only that
    Dataset<Row> changes = DeduplicateLatestExample.changesFixture(spark);

    // when
    Dataset<Row> current =
        DeduplicateLatestExample.latestPerKey(changes, "customer", "updated_at", "seq")
            .select("customer", "seq", "tier");

    // then
    assertThatDataFrame(current)
        .containsExactlyInAnyOrder(
            row("c1", 2, "gold"), row("c2", 5, "silver"), row("c3", 7, "bronze"));
  }

  @Test
  void deduplicationNeedsOneShuffleByTheKey() {
    SparkPlan plan =
        Plans.finalPlan(
            DeduplicateLatestExample.latestPerKey(
                DeduplicateLatestExample.changesFixture(spark), "customer", "updated_at", "seq"));

    assertThat(Plans.shuffleCount(plan)).isEqualTo(1);
  }
}
