package dev.advancedspark.part2.pushdown;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import dev.advancedspark.common.data.DataGenerators;
import dev.advancedspark.common.data.DataGenerators.OrdersSpec;
import dev.advancedspark.common.testkit.SharedSpark;
import dev.advancedspark.part2.pushdown.ParquetLookups.Lookup;
import java.nio.file.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class RowGroupSkippingExampleTest {

  private static final SparkSession spark = SharedSpark.session();
  private static final long ROWS = 20_000;
  private static final Column CUSTOMER_42 = col("customer_id").equalTo(42);
  private static Path unsorted;
  private static Path sorted;

  @BeforeAll
  static void writeBothLayoutsWithSmallRowGroups() {
    Dataset<Row> orders = DataGenerators.orders(spark, OrdersSpec.of(ROWS));
    Path dir = SharedSpark.scratch("row-group-skipping");
    unsorted = ParquetLookups.writeParquet(orders, dir.resolve("unsorted"), null, 32_768);
    sorted = ParquetLookups.writeParquet(orders, dir.resolve("sorted"), "customer_id", 32_768);
  }

  @Test
  void aSmallBlockSizeGivesManyRowGroupsEvenOnSmallData() {
    assertThat(ParquetLookups.rowGroups(unsorted)).isGreaterThanOrEqualTo(4);
    assertThat(ParquetLookups.rowGroups(sorted)).isGreaterThanOrEqualTo(4);
  }

  @Test
  void sortedLayoutReadsFewerBytesAndRecordsForTheSameFilter() {
    Lookup before = ParquetLookups.lookup(spark, "unsorted", unsorted, CUSTOMER_42);
    Lookup after = ParquetLookups.lookup(spark, "sorted", sorted, CUSTOMER_42);

    assertThat(after.matches()).isEqualTo(before.matches()).isPositive();
    assertThat(after.inputRecords()).isLessThan(before.inputRecords());
    assertThat(after.inputBytes()).isLessThan(before.inputBytes());
    // Skipping works on whole row groups: the sorted file reads at most a couple of them.
    int groups = after.rowGroups();
    assertThat(after.inputRecords()).isLessThanOrEqualTo(2 * ROWS / groups + ROWS / groups);
  }

  @Test
  void theFilterReachesTheParquetReader() {
    Lookup sortedLookup = ParquetLookups.lookup(spark, "sorted", sorted, CUSTOMER_42);

    assertThat(sortedLookup.pushedFilters())
        .contains("IsNotNull(customer_id)", "EqualTo(customer_id,42)");
  }
}
