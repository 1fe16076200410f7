package dev.advancedspark.part2.layout;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;
import static org.assertj.core.api.Assertions.assertThat;

import dev.advancedspark.common.data.DataGenerators;
import dev.advancedspark.common.data.DataGenerators.OrdersSpec;
import dev.advancedspark.common.io.SparkFolders;
import dev.advancedspark.common.testkit.SharedSpark;
import java.nio.file.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

class SmallFilesExampleTest {

  private static final SparkSession spark = SharedSpark.session();
  private static final int INPUT_PARTITIONS = 4;
  // January only: 31 folders keep the test quick; the effect is the same for 90 or 365.
  private static final Dataset<Row> januaryOrders =
      DataGenerators.withOrderDate(DataGenerators.orders(spark, OrdersSpec.of(3_000)))
          .where(col("order_date").lt("2026-02-01"))
          .repartition(INPUT_PARTITIONS);

  @Test
  void aNaivePartitionedWriteWritesAFilePerTaskAndFolder() {
    Path path = SharedSpark.scratch("small-files-naive");

    SmallFilesExample.writeNaive(januaryOrders, "order_date", path);

    assertThat(SmallFilesExample.countFolders(path)).isEqualTo(31);
    // ~24 rows per day over 4 round-robin tasks: every task has rows for every day.
    assertThat(SparkFolders.dataFiles(path).size()).isEqualTo(31 * INPUT_PARTITIONS);
  }

  @Test
  void repartitioningByThePartitionColumnWritesOneFilePerFolder() {
    Path path = SharedSpark.scratch("small-files-repartitioned");

    SmallFilesExample.writeRepartitioned(januaryOrders, "order_date", path);

    assertThat(SmallFilesExample.countFolders(path)).isEqualTo(31);
    assertThat(SparkFolders.dataFiles(path).size()).isEqualTo(31);
    assertThat(spark.read().parquet(path.toString()).count()).isEqualTo(januaryOrders.count());
  }

  @Test
  void maxRecordsPerFileSplitsEachFolderIntoCappedFiles() {
    Path path = SharedSpark.scratch("small-files-capped");
    long cap = 10;

    SmallFilesExample.writeCapped(januaryOrders, "order_date", path, cap);

    long expectedFiles =
        januaryOrders.groupBy("order_date").count().collectAsList().stream()
            .mapToLong(r -> (r.getLong(1) + cap - 1) / cap)
            .sum();
    assertThat(SmallFilesExample.countFolders(path)).isEqualTo(31);
    assertThat(SparkFolders.dataFiles(path).size()).isEqualTo(expectedFiles).isGreaterThan(31);
    assertThat(spark.read().parquet(path.toString()).count()).isEqualTo(januaryOrders.count());
  }

  @Test
  void withAHotDayRepartitionWritesItInOneTaskWhileRebalanceSplitsIt() {
    // given: 90 % of the orders on one day
    Dataset<Row> hotDay =
        januaryOrders.withColumn(
            "order_date",
            when(col("order_id").mod(10).lt(9), lit("2026-01-15")).otherwise(col("order_date")));
    Path repartitioned = SharedSpark.scratch("small-files-hot-repartition");
    Path rebalanced = SharedSpark.scratch("small-files-hot-rebalance");
    // AQE's target partition size scaled down to the test data (a few KiB per file)
    java.util.Map<String, String> aqe =
        java.util.Map.of(
            "spark.sql.adaptive.enabled", "true",
            "spark.sql.adaptive.advisoryPartitionSizeInBytes", "4k");

    // when
    dev.advancedspark.common.SqlConfs.with(
        spark,
        aqe,
        () -> {
          SmallFilesExample.writeRepartitioned(hotDay, "order_date", repartitioned);
          SmallFilesExample.writeRebalanced(hotDay, "order_date", rebalanced);
        });

    // then: repartition(col) gives the hot day one file, written by one task; rebalance splits
    // it over several tasks, and both keep every row
    assertThat(SparkFolders.dataFiles(repartitioned.resolve("order_date=2026-01-15")).size())
        .isEqualTo(1);
    assertThat(SparkFolders.dataFiles(rebalanced.resolve("order_date=2026-01-15")).size())
        .isGreaterThan(2);
    assertThat(spark.read().parquet(rebalanced.toString()).count()).isEqualTo(hotDay.count());
    assertThat(spark.read().parquet(repartitioned.toString()).count()).isEqualTo(hotDay.count());
  }
}
