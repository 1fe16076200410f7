package dev.advancedspark.part2.layout;

import static org.apache.spark.sql.functions.col;
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
}
