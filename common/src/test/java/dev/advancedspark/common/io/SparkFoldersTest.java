package dev.advancedspark.common.io;

import static org.assertj.core.api.Assertions.assertThat;

import dev.advancedspark.common.data.DataFiles;
import dev.advancedspark.common.data.DataFiles.Format;
import dev.advancedspark.common.data.DataGenerators;
import dev.advancedspark.common.data.DataGenerators.OrdersSpec;
import dev.advancedspark.common.metrics.MetricsCollector;
import dev.advancedspark.common.metrics.RunMetrics;
import dev.advancedspark.common.testkit.SharedSpark;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

class SparkFoldersTest {

  private final SparkSession spark = SharedSpark.session();

  @Test
  void dataFilesAreWhatSparkReadsNotItsMarkersOrChecksums() throws Exception {
    // given a folder Spark wrote: part files, their .crc checksums and a _SUCCESS marker
    Path dir = SharedSpark.scratch("spark-folders").resolve("orders");
    DataFiles.write(
        DataGenerators.orders(spark, OrdersSpec.of(2_000)).repartition(3), Format.PARQUET, dir);

    // when
    var files = SparkFolders.dataFiles(dir);

    // then: the three part files only, and their sizes add up to the folder's data
    assertThat(files).hasSize(3).allMatch(p -> p.getFileName().toString().startsWith("part-"));
    assertThat(dir.resolve("_SUCCESS")).exists();
    try (var all = Files.list(dir)) {
      assertThat(all.count()).isGreaterThan(3);
    }
    long sum = 0;
    for (Path f : files) {
      sum += Files.size(f);
    }
    assertThat(SparkFolders.sizeOnDisk(dir)).isEqualTo(sum).isPositive();
    assertThat(SparkFolders.dataFileSizes(dir)).hasSize(3).allMatch(size -> size > 0);

    // and Spark reads exactly those rows back
    assertThat(spark.read().parquet(dir.toString()).count()).isEqualTo(2_000);

    // when wiped, the folder is gone
    SparkFolders.deleteRecursively(dir);
    assertThat(dir).doesNotExist();
    SparkFolders.deleteRecursively(dir); // a missing folder is not an error
  }

  @Test
  void theNoopSinkComputesEveryRowWithoutCollectingOne() {
    // given a query whose every row must be computed
    var query = DataGenerators.orders(spark, OrdersSpec.of(3_000)).repartition(2);

    // when it runs to the noop sink
    RunMetrics m = MetricsCollector.metricsOfFullRun(query);

    // then all rows went through the shuffle, and there was a job to measure
    assertThat(m.shuffleWriteRecords()).isEqualTo(3_000);
    assertThat(m.jobs()).isPositive();
  }
}
