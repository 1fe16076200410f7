package dev.advancedspark.part2.shuffles;

import static org.assertj.core.api.Assertions.assertThat;

import dev.advancedspark.common.data.DataGenerators;
import dev.advancedspark.common.data.DataGenerators.OrdersSpec;
import dev.advancedspark.common.testkit.DataFrameAssert;
import dev.advancedspark.common.testkit.SharedSpark;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

class PartialAggregationExampleTest {

  private static final long ROWS = 20_000;
  private static final long CUSTOMERS = 100;
  private final SparkSession spark = SharedSpark.session();
  private final Dataset<Row> orders =
      DataGenerators.orders(spark, OrdersSpec.of(ROWS).withCustomers(CUSTOMERS));

  @Test
  void groupByAggregatesBeforeTheShuffleAndShufflesFarFewerRecordsThanRows() {
    ShuffleRun run = ShuffleRun.of(spark, PartialAggregationExample.revenuePerCustomer(orders));

    assertThat(PartialAggregationExample.aggregateModes(run.plan()))
        .containsExactly("Final", "Partial");
    assertThat(run.shuffles()).isEqualTo(1);
    int mapTasks = orders.rdd().getNumPartitions();
    // At most one partial row per customer and map task crosses the shuffle.
    assertThat(run.metrics().shuffleWriteRecords()).isLessThanOrEqualTo(CUSTOMERS * mapTasks);
    assertThat(run.metrics().shuffleWriteRecords()).isLessThan(ROWS / 10);
  }

  @Test
  void theWindowVersionShufflesEveryRow() {
    ShuffleRun window =
        ShuffleRun.of(spark, PartialAggregationExample.revenuePerCustomerViaWindow(orders));

    assertThat(window.metrics().shuffleWriteRecords()).isEqualTo(ROWS);
  }

  @Test
  void bothVersionsGiveTheSameTotals() {
    DataFrameAssert.assertThatDataFrame(PartialAggregationExample.revenuePerCustomer(orders))
        .withTolerance(1e-6)
        .hasSameRowsAs(PartialAggregationExample.revenuePerCustomerViaWindow(orders));
  }
}
