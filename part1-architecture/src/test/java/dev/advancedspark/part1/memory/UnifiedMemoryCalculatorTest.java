package dev.advancedspark.part1.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.advancedspark.common.UsageException;
import dev.advancedspark.common.testkit.SharedSpark;
import dev.advancedspark.part1.memory.UnifiedMemoryCalculator.Breakdown;
import dev.advancedspark.part1.memory.UnifiedMemoryCalculator.MemorySettings;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.memory.UnifiedMemoryManager;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

class UnifiedMemoryCalculatorTest {

  private static final long MIB = 1024L * 1024;
  private static final long GIB = 1024 * MIB;

  @Test
  void formulaMatchesTheStorageMemoryTheRunningSparkReports() {
    // given: local mode, where the driver JVM is the executor and Spark sizes its memory manager
    // from this JVM's Runtime.maxMemory()
    SparkSession spark = SharedSpark.session();
    SparkConf conf = spark.sparkContext().getConf();

    // when
    Breakdown expected =
        UnifiedMemoryCalculator.breakdown(
            Runtime.getRuntime().maxMemory(), MemorySettings.of(conf));
    Map<String, Long> reported = UnifiedMemoryCalculator.reportedMaxStorageMemory(spark);

    // then: to the byte (an idle block manager: no execution memory borrowed at registration)
    assertThat(reported).hasSize(1);
    assertThat(reported.values()).containsExactly(expected.maxStorageMemoryReported());
  }

  @Test
  void unifiedAndStorageMemoryEqualWhatSparksOwnMemoryManagerComputes() {
    // Spark's UnifiedMemoryManager, built for a heap of the given size (spark.testing.memory is
    // how Spark's own tests stand in for Runtime.maxMemory()), is the reference: no formula here.
    String[][] cases = {{"2g", "0.6", "0.5"}, {"4g", "0.6", "0.5"}, {"8g", "0.75", "0.3"}};
    for (String[] c : cases) {
      long heap = org.apache.spark.network.util.JavaUtils.byteStringAsBytes(c[0]);
      SparkConf conf =
          new SparkConf(false)
              .set("spark.executor.memory", c[0])
              .set("spark.testing.memory", String.valueOf(heap))
              .set("spark.memory.fraction", c[1])
              .set("spark.memory.storageFraction", c[2]);

      Breakdown ours = UnifiedMemoryCalculator.breakdown(heap, MemorySettings.of(conf));
      UnifiedMemoryManager spark = UnifiedMemoryManager.apply(conf, 1);

      assertThat(ours.unifiedBytes()).as(c[0] + " unified").isEqualTo(spark.maxHeapMemory());
      assertThat(ours.storageBytes())
          .as(c[0] + " storage region")
          .isEqualTo(spark.onHeapStorageMemoryPool().poolSize());
      assertThat(ours.executionBytes())
          .as(c[0] + " execution region")
          .isEqualTo(spark.onHeapExecutionMemoryPool().poolSize());
    }
  }

  @Test
  void fourGigabyteExecutorHas2277MiBOfUnifiedMemoryHalfOfItForStorage() {
    // given
    MemorySettings settings = MemorySettings.defaults(4 * GIB);

    // when
    Breakdown b = UnifiedMemoryCalculator.forExecutor(settings);

    // then: (4096 - 300) x 0.6 = 2277.6 MiB; user memory is the other 40 %
    assertThat(UnifiedMemoryCalculator.mib(b.unifiedBytes())).isCloseTo(2277.6, within(0.01));
    assertThat(UnifiedMemoryCalculator.mib(b.storageBytes())).isCloseTo(1138.8, within(0.01));
    assertThat(UnifiedMemoryCalculator.mib(b.userBytes())).isCloseTo(1518.4, within(0.01));
    assertThat(b.reservedBytes() + b.userBytes() + b.unifiedBytes()).isEqualTo(4 * GIB);
    assertThat(b.storageBytes() + b.executionBytes()).isEqualTo(b.unifiedBytes());
  }

  @Test
  void overheadIsTenPercentButNeverBelow384MiB() {
    // given/when
    Breakdown small = UnifiedMemoryCalculator.forExecutor(MemorySettings.defaults(2 * GIB));
    Breakdown large = UnifiedMemoryCalculator.forExecutor(MemorySettings.defaults(8 * GIB));

    // then: 10 % of 2 GiB is 204 MiB, so the 384 MiB floor applies; 10 % of 8 GiB is 819 MiB
    assertThat(small.overheadBytes()).isEqualTo(384 * MIB);
    assertThat(small.containerBytes()).isEqualTo((2048 + 384) * MIB);
    assertThat(large.overheadBytes()).isEqualTo(819 * MIB);
    assertThat(large.containerBytes()).isEqualTo((8192 + 819) * MIB);
  }

  @Test
  void explicitOverheadAndOffHeapAreAddedToTheContainer() {
    // given: spark.executor.memoryOverhead=1g, spark.memory.offHeap.enabled with 2g
    SparkConf conf =
        new SparkConf(false)
            .set("spark.executor.memory", "4g")
            .set("spark.executor.memoryOverhead", "1g")
            .set("spark.memory.offHeap.enabled", "true")
            .set("spark.memory.offHeap.size", "2g")
            .set("spark.memory.fraction", "0.75");

    // when
    Breakdown b = UnifiedMemoryCalculator.forExecutor(MemorySettings.of(conf));

    // then
    assertThat(b.overheadBytes()).isEqualTo(GIB);
    assertThat(b.offHeapBytes()).isEqualTo(2 * GIB);
    assertThat(b.containerBytes()).isEqualTo(7 * GIB);
    assertThat(UnifiedMemoryCalculator.mib(b.unifiedBytes())).isCloseTo(2847.0, within(0.01));
    assertThat(b.maxStorageMemoryReported()).isEqualTo(b.unifiedBytes() + 2 * GIB);
  }

  @Test
  void heapBelowSparksMinimumIsRefusedWithTheReason() {
    assertThatThrownBy(
            () -> UnifiedMemoryCalculator.forExecutor(MemorySettings.defaults(400 * MIB)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("below Spark's minimum of 450.0 MiB");
  }

  @Test
  void badSizeOnTheCommandLineIsAUsageError() {
    assertThatThrownBy(
            () ->
                UnifiedMemoryCalculator.settingsFrom(
                    UnifiedMemoryCalculator.ARGS.parse("--executor-memory", "lots")))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("--executor-memory")
        .hasMessageContaining("'lots'");
    MemorySettings read =
        UnifiedMemoryCalculator.settingsFrom(
            UnifiedMemoryCalculator.ARGS.parse(
                "--executor-memory", "8g", "--overhead", "1g", "--off-heap", "512m"));
    assertThat(read.executorMemoryBytes()).isEqualTo(8 * GIB);
    assertThat(read.overheadBytes()).isEqualTo(GIB);
    assertThat(read.offHeapBytes()).isEqualTo(512 * MIB);
  }
}
