package dev.advancedspark.common.testkit;

import static dev.advancedspark.common.testkit.DataFrameAssert.assertThatDataFrame;
import static dev.advancedspark.common.testkit.DataFrameAssert.row;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

class DataFrameAssertTest {

  private final SparkSession spark = SharedSpark.session();
  private final StructType schema =
      new StructType().add("customer_id", DataTypes.LongType).add("total", DataTypes.DoubleType);
  private final Dataset<Row> totals =
      spark.createDataFrame(List.of(row(1L, 30.0), row(2L, 12.5), row(3L, null)), schema);

  @Test
  void passesOnTheSameRowsInAnyOrderWithinTolerance() {
    assertThatDataFrame(totals)
        .hasColumns("customer_id", "total")
        .hasRowCount(3)
        .withTolerance(1e-6)
        .containsExactlyInAnyOrder(row(3L, null), row(2, 12.5000001), row(1L, 30.0));
  }

  @Test
  void failsWithADiffNamingTheOneDifferentCell() {
    assertThatThrownBy(
            () ->
                assertThatDataFrame(totals)
                    .containsExactlyInAnyOrder(row(1L, 30.0), row(2L, 13.5), row(3L, null)))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("1 of 3 rows differ")
        .hasMessageContaining("expected [2, 13.5]")
        .hasMessageContaining("actual   [2, 12.5]")
        .hasMessageContaining("total: expected 13.5 but was 12.5");
  }

  @Test
  void orderedComparisonReportsTheRowIndex() {
    assertThatThrownBy(
            () ->
                assertThatDataFrame(totals.orderBy("customer_id"))
                    .containsExactly(row(1L, 30.0), row(3L, null), row(2L, 12.5)))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("in order")
        .hasMessageContaining("row 1")
        .hasMessageContaining("customer_id: expected 3 but was 2");
  }

  @Test
  void reportsMissingAndExtraRows() {
    assertThatThrownBy(
            () ->
                assertThatDataFrame(totals).containsExactlyInAnyOrder(row(1L, 30.0), row(2L, 12.5)))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("expected 2 rows, got 3")
        .hasMessageContaining("expected (no row)");
  }
}
