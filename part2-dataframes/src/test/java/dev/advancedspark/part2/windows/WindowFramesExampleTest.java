package dev.advancedspark.part2.windows;

import static dev.advancedspark.common.testkit.DataFrameAssert.assertThatDataFrame;
import static dev.advancedspark.common.testkit.DataFrameAssert.row;

import dev.advancedspark.common.testkit.SharedSpark;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

class WindowFramesExampleTest {

  private final SparkSession spark = SharedSpark.session();
  private final Dataset<Row> payments = WindowFramesExample.paymentsFixture(spark);

  @Test
  void defaultRangeFrameGivesPeersOnTheSameDayTheSameRunningTotal() {
    // given two payments of account A on 2 January
    // when
    Dataset<Row> totals =
        WindowFramesExample.runningTotals(payments)
            .select("payment_id", "running_rows", "running_default")
            .orderBy("payment_id");

    // then ROWS adds them one at a time; the default RANGE frame adds both at once
    assertThatDataFrame(totals)
        .containsExactly(
            row(1, 10L, 10L),
            row(2, 30L, 45L),
            row(3, 45L, 45L),
            row(4, 50L, 50L),
            row(5, 100L, 100L),
            row(6, 7L, 7L),
            row(7, 7L, 7L));
  }

  @Test
  void threeRowsAndThreeDaysAveragesDifferWithDuplicateDaysAndGaps() {
    Dataset<Row> averages =
        WindowFramesExample.movingAverages(payments)
            .select("payment_id", "avg_3_rows", "avg_3_days")
            .orderBy("payment_id");

    // Payment 2: rows {10, 20}; days 1-2 Jan {10, 20, 15}. Payment 5 (5 Jan): rows {15, 5, 50},
    // days 3-5 Jan {5, 50}. B's null amount is skipped by avg.
    assertThatDataFrame(averages)
        .withTolerance(1e-9)
        .containsExactly(
            row(1, 10.0, 10.0),
            row(2, 15.0, 15.0),
            row(3, 15.0, 15.0),
            row(4, 40.0 / 3, 12.5),
            row(5, 70.0 / 3, 27.5),
            row(6, 7.0, 7.0),
            row(7, 7.0, 7.0));
  }
}
