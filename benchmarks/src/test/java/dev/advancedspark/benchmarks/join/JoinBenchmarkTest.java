package dev.advancedspark.benchmarks.join;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.advancedspark.benchmarks.join.JoinBenchmark.CometCoverage;
import dev.advancedspark.benchmarks.join.JoinBenchmark.Strategy;
import dev.advancedspark.common.SqlConfs;
import dev.advancedspark.common.plan.JoinStrategy;
import dev.advancedspark.common.plan.Plans;
import dev.advancedspark.common.testkit.SharedSpark;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.execution.SparkPlan;
import org.junit.jupiter.api.Test;

class JoinBenchmarkTest {

  private final SparkSession spark = SharedSpark.session();
  private final Dataset<Row> orders = JoinBenchmark.orders(spark, 2_000, 50);
  private final Dataset<Row> customers = JoinBenchmark.customers(spark, 50);

  @Test
  void eachHintPinsItsStrategyEvenWithAdaptiveExecution() {
    SqlConfs.with(
        spark,
        JoinBenchmark.conf(true),
        () -> {
          for (Strategy s :
              new Strategy[] {
                Strategy.BROADCAST_HASH, Strategy.SHUFFLED_HASH, Strategy.SORT_MERGE
              }) {
            // given the suite's settings, when the join runs, then the plan has the named join
            Dataset<Row> joined = JoinBenchmark.join(orders, customers, s);
            SparkPlan plan = JoinBenchmark.verify(joined, s);
            assertThat(joined.count()).isEqualTo(2_000);
            assertThat(Plans.joinStrategies(plan)).hasSize(1);
          }
        });
  }

  @Test
  void bucketedTablesJoinWithoutAnyShuffle() {
    SqlConfs.with(
        spark,
        JoinBenchmark.conf(false),
        () -> {
          // given both sides bucketed on the key into the same number of buckets
          Dataset<Row> o = JoinBenchmark.saveBucketed(spark, orders, "test_orders_bucketed");
          Dataset<Row> c = JoinBenchmark.saveBucketed(spark, customers, "test_customers_bucketed");

          // when they are joined
          SparkPlan plan =
              JoinBenchmark.verify(
                  JoinBenchmark.join(o, c, Strategy.BUCKETED_SORT_MERGE),
                  Strategy.BUCKETED_SORT_MERGE);

          // then a sort-merge join runs with no exchange
          assertThat(Plans.joinStrategies(plan)).containsExactly(JoinStrategy.SORT_MERGE);
          assertThat(Plans.shuffleCount(plan)).isZero();
        });
  }

  @Test
  void setUpFailsWhenSparkRunsAnotherStrategy() {
    // given a broadcast-hinted join, checked as if it were meant to be a sort-merge join
    Dataset<Row> joined =
        SqlConfs.with(
            spark,
            JoinBenchmark.conf(true),
            () -> JoinBenchmark.join(orders, customers, Strategy.BROADCAST_HASH));

    // then the check refuses to measure it
    assertThatThrownBy(() -> JoinBenchmark.verify(joined, Strategy.SORT_MERGE))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("expected SORT_MERGE");
  }

  @Test
  void theCometCheckRefusesAJoinThatRanOnSparkAndNamesWhatFellBack() {
    // given a sort-merge join in a session without Comet's plugin
    Dataset<Row> joined =
        SqlConfs.with(
            spark,
            JoinBenchmark.conf(true),
            () -> JoinBenchmark.join(orders, customers, Strategy.SORT_MERGE));

    // then the Comet variant's check refuses to measure it as Comet, naming what ran on Spark
    assertThatThrownBy(() -> JoinBenchmark.verifyComet(spark, joined, Strategy.SORT_MERGE))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("expected CometSortMergeJoin")
        .hasMessageContaining("left to Spark [");

    // and the coverage lists the operators that ran, without AQE's and codegen's wrappers
    CometCoverage coverage =
        JoinBenchmark.cometCoverage(Plans.finalPlan(joined), Strategy.SORT_MERGE);
    assertThat(coverage.nativeOperators()).isEmpty();
    assertThat(coverage.conversions()).isEmpty();
    assertThat(coverage.toRowTransitions()).isZero();
    assertThat(coverage.sparkOperators())
        .contains("SortMergeJoin", "Exchange", "Sort")
        .doesNotContain("AdaptiveSparkPlan", "WholeStageCodegen", "InputAdapter")
        .noneMatch(op -> op.endsWith("QueryStage"));
  }

  @Test
  void shapesSizeTheDimension() {
    assertThat(JoinBenchmark.dimensionRows("small-dim", 10_000_000)).isEqualTo(100_000);
    assertThat(JoinBenchmark.dimensionRows("two-large", 10_000_000)).isEqualTo(5_000_000);
    assertThatThrownBy(() -> JoinBenchmark.dimensionRows("huge", 1))
        .hasMessageContaining("small-dim or two-large");
  }
}
