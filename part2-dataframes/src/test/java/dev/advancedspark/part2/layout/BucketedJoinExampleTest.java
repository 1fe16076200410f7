package dev.advancedspark.part2.layout;

import static org.assertj.core.api.Assertions.assertThat;

import dev.advancedspark.common.SqlConfs;
import dev.advancedspark.common.data.DataGenerators;
import dev.advancedspark.common.data.DataGenerators.OrdersSpec;
import dev.advancedspark.common.plan.JoinStrategy;
import dev.advancedspark.common.testkit.DataFrameAssert;
import dev.advancedspark.common.testkit.SharedSpark;
import dev.advancedspark.part2.layout.BucketedJoinExample.JoinRun;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class BucketedJoinExampleTest {

  private static final SparkSession spark = SharedSpark.session();
  // Unique per run: the in-memory catalog forgets tables between JVMs, their folders stay.
  private static final String SUFFIX = "_" + System.nanoTime();
  private static final String PLAIN_ORDERS = "orders_plain" + SUFFIX;
  private static final String PLAIN_CUSTOMERS = "customers_plain" + SUFFIX;
  private static final String BUCKETED_ORDERS = "orders_bucketed" + SUFFIX;
  private static final String BUCKETED_CUSTOMERS = "customers_bucketed" + SUFFIX;

  @BeforeAll
  static void saveTheSameDataPlainAndBucketed() {
    Dataset<Row> orders = DataGenerators.orders(spark, OrdersSpec.of(4_000).withCustomers(500));
    Dataset<Row> customers = DataGenerators.customers(spark, 500, 42);
    BucketedJoinExample.savePlain(orders, PLAIN_ORDERS);
    BucketedJoinExample.savePlain(customers, PLAIN_CUSTOMERS);
    BucketedJoinExample.saveBucketed(orders, BUCKETED_ORDERS, "customer_id", 4);
    BucketedJoinExample.saveBucketed(customers, BUCKETED_CUSTOMERS, "customer_id", 4);
  }

  @AfterAll
  static void dropTheTables() {
    BucketedJoinExample.dropTables(
        spark, PLAIN_ORDERS, PLAIN_CUSTOMERS, BUCKETED_ORDERS, BUCKETED_CUSTOMERS);
  }

  @Test
  void plainTablesShuffleBothSidesOfTheJoin() {
    JoinRun plain = BucketedJoinExample.run(spark, PLAIN_ORDERS, PLAIN_CUSTOMERS);

    assertThat(plain.strategies()).containsExactly(JoinStrategy.SORT_MERGE);
    assertThat(plain.shuffles()).isEqualTo(2);
    assertThat(plain.shuffleWriteBytes()).isPositive();
  }

  @Test
  void bucketedTablesJoinWithoutAnExchange() {
    JoinRun bucketed = BucketedJoinExample.run(spark, BUCKETED_ORDERS, BUCKETED_CUSTOMERS);

    assertThat(bucketed.strategies()).containsExactly(JoinStrategy.SORT_MERGE);
    assertThat(bucketed.shuffles()).isZero();
    assertThat(bucketed.shuffleWriteBytes()).isZero();
  }

  @Test
  void sortByRemovesTheJoinsSortsOnlyWithTheLegacyBucketedScanOrdering() {
    // when: the same bucketed, sorted tables (one file per bucket), by default and with the flag
    JoinRun byDefault = BucketedJoinExample.run(spark, BUCKETED_ORDERS, BUCKETED_CUSTOMERS);
    JoinRun legacy =
        BucketedJoinExample.run(
            spark,
            BUCKETED_ORDERS,
            BUCKETED_CUSTOMERS,
            java.util.Map.of("spark.sql.legacy.bucketedTableScan.outputOrdering", "true"));

    // then: Spark 4 still sorts both sides (no shuffle, though); the legacy ordering drops them
    assertThat(byDefault.sorts()).isEqualTo(2);
    assertThat(legacy.sorts()).isZero();
    assertThat(legacy.shuffles()).isZero();
    assertThat(legacy.rows()).isEqualTo(byDefault.rows());
  }

  @Test
  void bothLayoutsGiveTheSameRows() {
    SqlConfs.with(
        spark,
        BucketedJoinExample.NO_BROADCAST,
        () ->
            DataFrameAssert.assertThatDataFrame(
                    BucketedJoinExample.ordersWithCountry(
                        spark, BUCKETED_ORDERS, BUCKETED_CUSTOMERS))
                .hasSameRowsAs(
                    BucketedJoinExample.ordersWithCountry(spark, PLAIN_ORDERS, PLAIN_CUSTOMERS)));
  }
}
