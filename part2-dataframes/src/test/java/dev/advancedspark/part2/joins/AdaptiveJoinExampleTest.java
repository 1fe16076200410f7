package dev.advancedspark.part2.joins;

import static dev.advancedspark.common.testkit.DataFrameAssert.assertThatDataFrame;
import static org.assertj.core.api.Assertions.assertThat;

import dev.advancedspark.common.SqlConfs;
import dev.advancedspark.common.data.DataGenerators;
import dev.advancedspark.common.data.DataGenerators.OrdersSpec;
import dev.advancedspark.common.plan.JoinStrategy;
import dev.advancedspark.common.testkit.SharedSpark;
import dev.advancedspark.part2.joins.AdaptiveJoinExample.PlannedAndFinal;
import java.math.BigInteger;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.Test;

class AdaptiveJoinExampleTest {

  private static final long THRESHOLD = 100_000;

  private final SparkSession spark = SharedSpark.session();
  private final Dataset<Row> orders =
      DataGenerators.orders(spark, OrdersSpec.of(5_000).withCustomers(20_000));
  private final Dataset<Row> customers = DataGenerators.customers(spark, 20_000, 42);

  @Test
  void thePlannerOverestimatesTheFilteredSide() {
    Dataset<Row> filtered = customers.filter(functions.col("customer_id").leq(40));

    assertThat(AdaptiveJoinExample.estimatedBytes(filtered))
        .isGreaterThan(BigInteger.valueOf(THRESHOLD));
    assertThat(filtered.count()).isEqualTo(40);
  }

  @Test
  void aqeReplansTheSortMergeJoinAsABroadcastJoinAtRunTime() {
    PlannedAndFinal result =
        SqlConfs.with(
            spark,
            AdaptiveJoinExample.settings(THRESHOLD, true),
            () ->
                AdaptiveJoinExample.plannedAndFinal(
                    AdaptiveJoinExample.ordersOfFirstCustomers(orders, customers, 40)));

    assertThat(result.planned()).containsExactly(JoinStrategy.SORT_MERGE);
    assertThat(result.ran()).containsExactly(JoinStrategy.BROADCAST_HASH);
  }

  @Test
  void withoutAqeThePlannedSortMergeJoinRunsAndGivesTheSameRows() {
    Dataset<Row> adaptive =
        SqlConfs.with(
            spark,
            AdaptiveJoinExample.settings(THRESHOLD, true),
            () -> {
              Dataset<Row> q = AdaptiveJoinExample.ordersOfFirstCustomers(orders, customers, 40);
              return spark.createDataFrame(q.collectAsList(), q.schema());
            });
    PlannedAndFinal staticPlan =
        SqlConfs.with(
            spark,
            AdaptiveJoinExample.settings(THRESHOLD, false),
            () ->
                AdaptiveJoinExample.plannedAndFinal(
                    AdaptiveJoinExample.ordersOfFirstCustomers(orders, customers, 40)));

    assertThat(staticPlan.ran()).containsExactly(JoinStrategy.SORT_MERGE);
    assertThatDataFrame(adaptive)
        .hasSameRowsAs(AdaptiveJoinExample.ordersOfFirstCustomers(orders, customers, 40));
  }

  @Test
  void eachMeasuredRunExecutesTheQueryExactlyOnce() {
    // when
    AdaptiveJoinExample.Run staticRun =
        AdaptiveJoinExample.run(
            spark,
            AdaptiveJoinExample.ordersOfFirstCustomers(orders, customers, 40),
            THRESHOLD,
            false);

    // then: one job, and every shuffled byte read once (a second execution would read it again)
    assertThat(staticRun.ran()).containsExactly(JoinStrategy.SORT_MERGE);
    assertThat(staticRun.metrics().jobs()).isEqualTo(1);
    assertThat(staticRun.metrics().shuffleWriteBytes()).isPositive();
    assertThat(staticRun.metrics().shuffleReadBytes())
        .isEqualTo(staticRun.metrics().shuffleWriteBytes());
  }
}
