package dev.advancedspark.part2.pushdown;

import static org.assertj.core.api.Assertions.assertThat;

import dev.advancedspark.common.data.DataFiles.Format;
import dev.advancedspark.common.data.DataGenerators;
import dev.advancedspark.common.data.DataGenerators.OrdersSpec;
import dev.advancedspark.common.testkit.SharedSpark;
import dev.advancedspark.part2.pushdown.FileFormatScanExample.ScanCost;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class FileFormatScanExampleTest {

  private static final SparkSession spark = SharedSpark.session();
  private static Dataset<Row> orders;
  private static Path dir;
  private static List<ScanCost> costs;

  @BeforeAll
  static void writeTheSameOrdersInEveryFormat() {
    orders = DataGenerators.orders(spark, OrdersSpec.of(20_000));
    dir = SharedSpark.scratch("file-format-scan");
    FileFormatScanExample.writeAllFormats(orders, dir);
    costs = FileFormatScanExample.compare(spark, dir, orders.schema(), 42);
  }

  private static ScanCost cost(Format format, String query) {
    return costs.stream()
        .filter(c -> c.format() == format && c.query().equals(query))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void parquetProjectionReadsFewerBytesThanCsvAndJson() {
    ScanCost parquet = cost(Format.PARQUET, "projection");

    assertThat(parquet.inputBytes()).isPositive();
    assertThat(parquet.inputBytes()).isLessThan(cost(Format.CSV, "projection").inputBytes());
    assertThat(parquet.inputBytes()).isLessThan(cost(Format.JSON, "projection").inputBytes());
    // Column pruning: one column of seven reads less than the filter, which needs every column.
    assertThat(parquet.inputBytes()).isLessThan(cost(Format.PARQUET, "filter").inputBytes());
  }

  @Test
  void rowFormatsReadEveryByteWhateverTheQueryNeeds() {
    for (Format rowFormat : List.of(Format.CSV, Format.JSON)) {
      assertThat(cost(rowFormat, "projection").fractionRead()).isGreaterThan(0.95);
      assertThat(cost(rowFormat, "filter").fractionRead()).isGreaterThan(0.95);
    }
  }

  @Test
  void theFilterIsPushedToEveryFormatButNoneReadsLessWhenTheValueIsInEveryRowGroup() {
    // PushedFilters lists the filter for all three formats; what it saves differs: CSV and JSON
    // still read and parse every line, and Parquet skips only row groups whose min/max statistics
    // exclude the value. Customer 42 is in every row group of these unsorted files, so Parquet
    // reads all of it too (RowGroupSkippingExample sorts the file to make the statistics useful).
    for (Format format : Format.values()) {
      assertThat(cost(format, "filter").pushedFilters()).contains("EqualTo(customer_id,42)");
      assertThat(cost(format, "filter").fractionRead()).as(format.name()).isGreaterThan(0.95);
    }
  }

  @Test
  void everyFormatFindsTheSameRows() {
    long expected = FileFormatScanExample.selectiveFilter(orders, 42).count();

    for (Format format : Format.values()) {
      Dataset<Row> read =
          FileFormatScanExample.read(
              spark, format, dir.resolve(format.sparkName()), orders.schema());
      assertThat(FileFormatScanExample.selectiveFilter(read, 42).count()).isEqualTo(expected);
    }
    assertThat(expected).isPositive();
  }
}
