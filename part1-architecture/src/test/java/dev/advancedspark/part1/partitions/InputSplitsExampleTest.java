package dev.advancedspark.part1.partitions;

import static org.assertj.core.api.Assertions.assertThat;

import dev.advancedspark.common.io.SparkFolders;
import dev.advancedspark.common.metrics.RunMetrics;
import dev.advancedspark.common.testkit.SharedSpark;
import dev.advancedspark.part1.partitions.InputSplitsExample.SplitSettings;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class InputSplitsExampleTest {

  private static final long MIB = 1024L * 1024;

  private static final SparkSession spark = SharedSpark.session();
  private static Path singleFile;
  private static Path eightFiles;

  @BeforeAll
  static void writeFiles() {
    singleFile = InputSplitsExample.writeRows(spark, 5_000, 1, SharedSpark.scratch("splits-1"));
    eightFiles = InputSplitsExample.writeRows(spark, 2_000, 8, SharedSpark.scratch("splits-8"));
  }

  @Test
  void smallerMaxPartitionBytesCutsOneFileIntoThePredictedNumberOfPartitions() {
    // given: one Parquet file of about 100 KiB
    List<Long> sizes = SparkFolders.dataFileSizes(singleFile);
    assertThat(sizes).hasSize(1);
    SplitSettings defaults = SplitSettings.of(spark);
    long small = 16 * 1024;

    // when
    int plannedDefault =
        InputSplitsExample.plannedScanPartitions(spark, singleFile, defaults.maxPartitionBytes());
    int plannedSmall = InputSplitsExample.plannedScanPartitions(spark, singleFile, small);
    RunMetrics scan = InputSplitsExample.scan(spark, singleFile, small);

    // then: 128 MiB -> the 4 MiB open cost floor -> one split; 16 KiB -> ceil(size / 16 KiB)
    assertThat(plannedDefault)
        .isEqualTo(InputSplitsExample.predictPartitions(sizes, defaults))
        .isEqualTo(1);
    assertThat(plannedSmall)
        .isEqualTo(
            InputSplitsExample.predictPartitions(sizes, defaults.withMaxPartitionBytes(small)))
        .isEqualTo((int) ((sizes.get(0) + small - 1) / small))
        .isGreaterThan(plannedDefault);
    assertThat(scan.jobs()).isEqualTo(1);
    assertThat(scan.tasks()).isEqualTo(plannedSmall);
  }

  @Test
  void openCostPacksManySmallFilesIntoFewerPartitions() {
    // given: 8 tiny files; 4 cores here, so maxSplitBytes = (8 x (size + 4 MiB)) / 4 ~ 8 MiB
    List<Long> sizes = SparkFolders.dataFileSizes(eightFiles);
    SplitSettings defaults = SplitSettings.of(spark);

    // when
    int planned =
        InputSplitsExample.plannedScanPartitions(spark, eightFiles, defaults.maxPartitionBytes());

    // then: each file "costs" 4 MiB, so two fit in a partition: 8 files, 4 tasks
    assertThat(sizes).hasSize(8);
    assertThat(defaults.minPartitionNum()).isEqualTo(4);
    assertThat(planned)
        .isEqualTo(InputSplitsExample.predictPartitions(sizes, defaults))
        .isEqualTo(4);
  }

  @Test
  void predictionFollowsSparksFormulaOnWorkedExamples() {
    SplitSettings eightCores = new SplitSettings(128 * MIB, 4 * MIB, 8);
    // One 1 GiB file: bytesPerCore = 129 MiB > 128 MiB, so 128 MiB splits: 8 partitions.
    assertThat(InputSplitsExample.predictPartitions(List.of(1024 * MIB), eightCores)).isEqualTo(8);
    // One 100 MiB file on 8 cores: maxSplitBytes drops to (100 + 4) / 8 = 13 MiB -> 8 splits.
    assertThat(InputSplitsExample.maxSplitBytes(List.of(100 * MIB), eightCores))
        .isEqualTo(13 * MIB);
    assertThat(InputSplitsExample.predictPartitions(List.of(100 * MIB), eightCores)).isEqualTo(8);
    // No files, no partitions.
    assertThat(InputSplitsExample.predictPartitions(List.of(), eightCores)).isZero();
  }
}
