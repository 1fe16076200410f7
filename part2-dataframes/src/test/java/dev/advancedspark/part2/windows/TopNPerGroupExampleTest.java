package dev.advancedspark.part2.windows;

import static dev.advancedspark.common.testkit.DataFrameAssert.assertThatDataFrame;
import static dev.advancedspark.common.testkit.DataFrameAssert.row;
import static org.assertj.core.api.Assertions.assertThat;

import dev.advancedspark.common.SqlConfs;
import dev.advancedspark.common.testkit.SharedSpark;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

class TopNPerGroupExampleTest {

  private final SparkSession spark = SharedSpark.session();
  private final Dataset<Row> sales = TopNPerGroupExample.salesFixture(spark);

  @Test
  void rowNumberRankAndDenseRankDisagreeOnTies() {
    // given reps where Bo and Cy tie at 300 and Ed has no sales figure
    // when
    Dataset<Row> ranked =
        TopNPerGroupExample.rankWithinGroups(sales, "region", "sales")
            .select("region", "rep", "row_number", "rank", "dense_rank");

    // then ties share rank and dense_rank; rank skips 3, dense_rank does not; null ranks last
    assertThatDataFrame(ranked)
        .containsExactlyInAnyOrder(
            row("north", "Ann", 1, 1, 1),
            row("north", "Bo", 2, 2, 2),
            row("north", "Cy", 3, 2, 2),
            row("north", "Di", 4, 4, 3),
            row("north", "Ed", 5, 5, 4),
            row("south", "Flo", 1, 1, 1),
            row("south", "Gus", 2, 2, 2));
  }

  @Test
  void topNKeepsExactlyNRowsAndBreaksTiesByTheTieBreaker() {
    Dataset<Row> top2 = TopNPerGroupExample.topN(sales, "region", "sales", "rep", 2);

    assertThatDataFrame(top2)
        .containsExactlyInAnyOrder(
            row("north", "Ann", 500), row("north", "Bo", 300),
            row("south", "Flo", 400), row("south", "Gus", 100));
  }

  @Test
  void topNValuesWithTiesKeepsEveryTiedRow() {
    Dataset<Row> top2 = TopNPerGroupExample.topNValuesWithTies(sales, "region", "sales", 2);

    assertThatDataFrame(top2)
        .containsExactlyInAnyOrder(
            row("north", "Ann", 500),
            row("north", "Bo", 300),
            row("north", "Cy", 300),
            row("south", "Flo", 400),
            row("south", "Gus", 100));
  }

  @Test
  void rankFilterBecomesAWindowGroupLimitBeforeTheShuffle() {
    // A Dataset keeps the plan it was first planned with: build one per setting.
    boolean limited =
        TopNPerGroupExample.usesWindowGroupLimit(
            TopNPerGroupExample.topN(sales, "region", "sales", "rep", 2));
    boolean limitedWhenSwitchedOff =
        SqlConfs.with(
            spark,
            Map.of("spark.sql.optimizer.windowGroupLimitThreshold", "-1"),
            () ->
                TopNPerGroupExample.usesWindowGroupLimit(
                    TopNPerGroupExample.topN(sales, "region", "sales", "rep", 2)));

    assertThat(limited).isTrue();
    assertThat(limitedWhenSwitchedOff).isFalse();
  }

  @Test
  void theGroupLimitRunsBeforeTheShuffleSoOnlyEachTasksTopRowsCrossIt() {
    // given: 2,000 orders in 2 map tasks, 5 statuses
    Dataset<Row> orders =
        dev.advancedspark.common.data.DataGenerators.orders(
                spark, dev.advancedspark.common.data.DataGenerators.OrdersSpec.of(2_000))
            .repartition(2);

    // when
    TopNPerGroupExample.GroupLimitRun limited = TopNPerGroupExample.run(spark, orders, 3, "1000");
    TopNPerGroupExample.GroupLimitRun unlimited = TopNPerGroupExample.run(spark, orders, 3, "-1");

    // then: the limit sits under the exchange; at most n rows per status and map task cross the
    // shuffle that ranks (plus the 2,000 rows of the test's own repartition)
    assertThat(limited.limitBeforeShuffle()).isTrue();
    assertThat(unlimited.limitBeforeShuffle()).isFalse();
    assertThat(limited.shuffleRecords() - 2_000).isPositive().isLessThanOrEqualTo(3L * 5 * 2);
    assertThat(unlimited.shuffleRecords() - 2_000).isEqualTo(2_000);
  }
}
