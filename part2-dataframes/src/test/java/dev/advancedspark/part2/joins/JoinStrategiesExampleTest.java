package dev.advancedspark.part2.joins;

import static dev.advancedspark.common.testkit.DataFrameAssert.assertThatDataFrame;
import static org.assertj.core.api.Assertions.assertThat;

import dev.advancedspark.common.SqlConfs;
import dev.advancedspark.common.data.DataGenerators;
import dev.advancedspark.common.data.DataGenerators.OrdersSpec;
import dev.advancedspark.common.plan.JoinStrategy;
import dev.advancedspark.common.plan.Plans;
import dev.advancedspark.common.testkit.SharedSpark;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.joins.BroadcastNestedLoopJoinExec;
import org.junit.jupiter.api.Test;

class JoinStrategiesExampleTest {

  private final SparkSession spark = SharedSpark.session();
  // 5% of orders without a customer: inner joins must drop them whatever the strategy.
  private final Dataset<Row> orders =
      DataGenerators.orders(spark, OrdersSpec.of(1_500).withCustomers(300).withNullFraction(0.05));
  private final Dataset<Row> customers = DataGenerators.customers(spark, 250, 42);

  /** AQE may switch a strategy at run time; these tests check the static choice. */
  private static final Map<String, String> NO_RUNTIME_BROADCAST =
      Map.of("spark.sql.adaptive.autoBroadcastJoinThreshold", "-1");

  private SparkPlan ran(Dataset<Row> query) {
    return SqlConfs.with(spark, NO_RUNTIME_BROADCAST, () -> Plans.finalPlan(query));
  }

  @Test
  void broadcastHintGivesABroadcastHashJoinWithoutShufflingTheOrders() {
    SparkPlan plan = ran(JoinStrategiesExample.broadcastHashJoin(orders, customers));

    assertThat(Plans.joinStrategies(plan)).containsExactly(JoinStrategy.BROADCAST_HASH);
    assertThat(Plans.shuffleCount(plan)).isZero();
    assertThat(Plans.broadcastExchangeCount(plan)).isEqualTo(1);
  }

  @Test
  void shuffleHashHintShufflesBothSidesAndSkipsTheSort() {
    SparkPlan plan = ran(JoinStrategiesExample.shuffledHashJoin(orders, customers));

    assertThat(Plans.joinStrategies(plan)).containsExactly(JoinStrategy.SHUFFLED_HASH);
    assertThat(Plans.shuffleCount(plan)).isEqualTo(2);
    assertThat(Plans.find(plan, org.apache.spark.sql.execution.SortExec.class)).isEmpty();
  }

  @Test
  void mergeHintGivesASortMergeJoinEvenWhenTheSideIsSmall() {
    SparkPlan plan = ran(JoinStrategiesExample.sortMergeJoin(orders, customers));

    assertThat(Plans.joinStrategies(plan)).containsExactly(JoinStrategy.SORT_MERGE);
    assertThat(Plans.shuffleCount(plan)).isEqualTo(2);
    assertThat(Plans.find(plan, org.apache.spark.sql.execution.SortExec.class)).hasSize(2);
  }

  @Test
  void theBroadcastThresholdDecidesAnUnhintedJoin() {
    SparkPlan underThreshold =
        SqlConfs.with(
            spark,
            Map.of("spark.sql.autoBroadcastJoinThreshold", "10MB"),
            () -> ran(JoinStrategiesExample.plainJoin(orders, customers)));
    SparkPlan thresholdOff =
        SqlConfs.with(
            spark,
            Map.of("spark.sql.autoBroadcastJoinThreshold", "-1"),
            () -> ran(JoinStrategiesExample.plainJoin(orders, customers)));

    assertThat(Plans.joinStrategies(underThreshold)).containsExactly(JoinStrategy.BROADCAST_HASH);
    assertThat(Plans.joinStrategies(thresholdOff)).containsExactly(JoinStrategy.SORT_MERGE);
  }

  @Test
  void everyStrategyReturnsTheSameRows() {
    Dataset<Row> expected = JoinStrategiesExample.sortMergeJoin(orders, customers);

    assertThat(expected.count()).isGreaterThan(1_000).isLessThan(1_500);
    assertThatDataFrame(JoinStrategiesExample.broadcastHashJoin(orders, customers))
        .hasSameRowsAs(expected);
    assertThatDataFrame(JoinStrategiesExample.shuffledHashJoin(orders, customers))
        .hasSameRowsAs(expected);
  }

  @Test
  void aRangeConditionIsABroadcastNestedLoopJoinComparingEveryPair() {
    Dataset<Row> bands = JoinStrategiesExample.amountBands(spark, 40);

    SparkPlan plan = ran(JoinStrategiesExample.amountBandJoin(orders, bands));

    assertThat(Plans.joinStrategies(plan)).containsExactly(JoinStrategy.BROADCAST_NESTED_LOOP);
    BroadcastNestedLoopJoinExec join = Plans.find(plan, BroadcastNestedLoopJoinExec.class).get(0);
    assertThat(join.condition().get().sql()).contains(">=").contains("<");
    // Its only SQL metric is output rows; the range checks, counted on the executors, are every
    // order against every band (the 5 % of orders with a null amount never reach the join: the
    // optimizer infers isnotnull(amount) from the condition and filters them out first).
    long withAmount = orders.where(orders.col("amount").isNotNull()).count();
    assertThat(withAmount).isLessThan(1_500);
    assertThat(JoinStrategiesExample.rangeChecks(spark, orders, bands, 0))
        .isEqualTo(withAmount * bands.count());
  }

  @Test
  void bucketingTheRangeTurnsItIntoAHashJoinWithTheSameRowsAndFarFewerComparisons() {
    Dataset<Row> bands = JoinStrategiesExample.amountBands(spark, 40);
    Dataset<Row> bucketed = JoinStrategiesExample.amountBandJoinBucketed(orders, bands, 50.0);

    SparkPlan plan = ran(bucketed);

    assertThat(Plans.joinStrategies(plan)).containsExactly(JoinStrategy.BROADCAST_HASH);
    assertThatDataFrame(bucketed)
        .hasSameRowsAs(JoinStrategiesExample.amountBandJoin(orders, bands));
    long checks = JoinStrategiesExample.rangeChecks(spark, orders, bands, 50.0);
    assertThat(checks)
        .isEqualTo(JoinStrategiesExample.bucketedCandidatePairs(orders, bands, 50.0))
        .isLessThan(orders.count() * bands.count() / 10);
  }
}
