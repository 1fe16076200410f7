package dev.advancedspark.part2.layout;

import static org.assertj.core.api.Assertions.assertThat;

import dev.advancedspark.common.data.DataGenerators;
import dev.advancedspark.common.data.DataGenerators.OrdersSpec;
import dev.advancedspark.common.testkit.DataFrameAssert;
import dev.advancedspark.common.testkit.SharedSpark;
import dev.advancedspark.part2.layout.PartitionPruningExample.ScanStats;
import java.nio.file.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class PartitionPruningExampleTest {

  private static final SparkSession spark = SharedSpark.session();
  private static Dataset<Row> orders;
  private static Dataset<Row> calendar;

  @BeforeAll
  static void writeOrdersPartitionedByDay() {
    Dataset<Row> generated =
        DataGenerators.withOrderDate(DataGenerators.orders(spark, OrdersSpec.of(3_000)));
    Path path = PartitionPruningExample.writeByDay(generated, SharedSpark.scratch("orders-by-day"));
    orders = PartitionPruningExample.readParquet(spark, path);
    calendar = PartitionPruningExample.calendar(spark, SharedSpark.scratch("calendar"));
  }

  @Test
  void aFilterOnThePartitionColumnReadsOnlyItsFolders() {
    ScanStats byTimestamp =
        PartitionPruningExample.scan(spark, "ts", PartitionPruningExample.weekByTimestamp(orders));
    ScanStats byPartition =
        PartitionPruningExample.scan(
            spark, "date", PartitionPruningExample.weekByPartition(orders));

    assertThat(byTimestamp.partitionFilters()).isEmpty();
    assertThat(byTimestamp.filesRead()).isEqualTo(90);
    assertThat(byPartition.partitionFilters())
        .anySatisfy(f -> assertThat(f).contains("order_date").contains(">= 2026-02-01"));
    assertThat(byPartition.partitionsRead()).isEqualTo(7);
    assertThat(byPartition.filesRead()).isEqualTo(7);
    assertThat(byPartition.inputBytes()).isLessThan(byTimestamp.inputBytes());
    DataFrameAssert.assertThatDataFrame(PartitionPruningExample.weekByPartition(orders))
        .hasSameRowsAs(PartitionPruningExample.weekByTimestamp(orders));
  }

  @Test
  void dynamicPruningReadsOnlyTheWeekendFoldersOfTheFactTable() {
    ScanStats withoutDpp = PartitionPruningExample.weekendJoin(spark, orders, calendar, false);
    ScanStats withDpp = PartitionPruningExample.weekendJoin(spark, orders, calendar, true);

    assertThat(withoutDpp.partitionFilters()).noneMatch(f -> f.contains("dynamicpruning"));
    assertThat(withDpp.partitionFilters()).anyMatch(f -> f.contains("dynamicpruning"));
    // 90 days from Thursday 2026-01-01 hold 13 Saturdays and 13 Sundays; + 1 calendar file.
    assertThat(withoutDpp.filesRead()).isEqualTo(90 + 1);
    assertThat(withDpp.filesRead()).isEqualTo(26 + 1);
    assertThat(withDpp.inputBytes()).isLessThan(withoutDpp.inputBytes());
  }

  @Test
  void pruningDoesNotChangeTheAnswer() {
    DataFrameAssert.assertThatDataFrame(PartitionPruningExample.weekendRevenue(orders, calendar))
        .withTolerance(1e-6)
        .hasSameRowsAs(
            PartitionPruningExample.weekendRevenue(
                DataGenerators.withOrderDate(DataGenerators.orders(spark, OrdersSpec.of(3_000))),
                calendar));
  }
}
