package dev.advancedspark.part2.shuffles;

import static org.assertj.core.api.Assertions.assertThat;

import dev.advancedspark.common.SqlConfs;
import dev.advancedspark.common.data.DataGenerators;
import dev.advancedspark.common.data.DataGenerators.OrdersSpec;
import dev.advancedspark.common.plan.JoinStrategy;
import dev.advancedspark.common.plan.Plans;
import dev.advancedspark.common.testkit.DataFrameAssert;
import dev.advancedspark.common.testkit.SharedSpark;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

class ReusePartitioningExampleTest {

  private final SparkSession spark = SharedSpark.session();
  private final Dataset<Row> orders =
      DataGenerators.orders(spark, OrdersSpec.of(5_000).withCustomers(200).withProducts(50));
  private final Dataset<Row> customers = DataGenerators.customers(spark, 200, 42);

  @Test
  void groupByOnTwoKeysThenJoinOnOneShufflesTheOrdersTwice() {
    ShuffleRun before =
        ReusePartitioningExample.run(
            spark, ReusePartitioningExample.customerProductRevenue(orders, customers));

    assertThat(Plans.joinStrategies(before.plan())).containsExactly(JoinStrategy.SORT_MERGE);
    // orders by (customer_id, product_id), the aggregate by customer_id, customers by customer_id.
    assertThat(before.shuffles()).isEqualTo(3);
  }

  @Test
  void repartitioningByTheJoinKeyFirstRemovesOneExchange() {
    ShuffleRun before =
        ReusePartitioningExample.run(
            spark, ReusePartitioningExample.customerProductRevenue(orders, customers));
    ShuffleRun after =
        ReusePartitioningExample.run(
            spark, ReusePartitioningExample.customerProductRevenueRepartitioned(orders, customers));

    assertThat(after.shuffles()).isEqualTo(2);
    assertThat(after.shuffles()).isEqualTo(before.shuffles() - 1);
  }

  @Test
  void theAnswerDoesNotChange() {
    SqlConfs.with(
        spark,
        ReusePartitioningExample.NO_BROADCAST,
        () ->
            DataFrameAssert.assertThatDataFrame(
                    ReusePartitioningExample.customerProductRevenueRepartitioned(orders, customers))
                .withTolerance(1e-6)
                .hasSameRowsAs(ReusePartitioningExample.customerProductRevenue(orders, customers)));
  }
}
