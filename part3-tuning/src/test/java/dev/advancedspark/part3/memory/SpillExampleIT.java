package dev.advancedspark.part3.memory;

import static org.assertj.core.api.Assertions.assertThat;

import dev.advancedspark.common.SparkSessions;
import dev.advancedspark.common.data.DataGenerators;
import dev.advancedspark.common.data.DataGenerators.OrdersSpec;
import dev.advancedspark.common.metrics.RunMetrics;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/**
 * An IT: {@code spark.memory.fraction} is read when the SparkContext starts, so each test builds
 * (and stops) its own {@code local[2]} session in the Failsafe JVM.
 */
class SpillExampleIT {

  private static final long ROWS = 400_000;

  @Test
  void aSortLargerThanTaskMemorySpillsAndMorePartitionsStopTheSpill() {
    withSession(
        SpillExample.SMALL_MEMORY_FRACTION,
        spark -> {
          // given: a ~15 MiB unified pool, so a task gets at most ~7 MiB of execution memory
          Dataset<Row> orders = DataGenerators.orders(spark, OrdersSpec.of(ROWS));
          assertThat(SpillExample.unifiedMemoryBytes(spark)).isLessThan(32L << 20);

          // when: 200,000 rows (~18 MiB as sort records) per task, then ~12,500 per task
          RunMetrics twoPartitions = SpillExample.sortAndMeasure(spark, orders, 2);
          RunMetrics manyPartitions = SpillExample.sortAndMeasure(spark, orders, 32);

          // then (the summaries land in target/failsafe-reports, for the README's figures)
          System.out.println("2 partitions:  " + twoPartitions.summary());
          System.out.println("32 partitions: " + manyPartitions.summary());
          assertThat(twoPartitions.memorySpillBytes()).isPositive();
          assertThat(twoPartitions.diskSpillBytes()).isPositive();
          assertThat(manyPartitions.memorySpillBytes()).isZero();
          assertThat(manyPartitions.diskSpillBytes()).isZero();
          assertThat(manyPartitions.shuffleWriteRecords()).isEqualTo(ROWS);
        });
  }

  @Test
  void moreMemoryStopsTheSpillWithTheSamePartitions() {
    withSession(
        "0.6",
        spark -> {
          // given: Spark's default fraction, hundreds of MiB of unified memory
          Dataset<Row> orders = DataGenerators.orders(spark, OrdersSpec.of(ROWS));
          assertThat(SpillExample.unifiedMemoryBytes(spark)).isGreaterThan(256L << 20);

          // when
          RunMetrics twoPartitions = SpillExample.sortAndMeasure(spark, orders, 2);

          // then
          System.out.println("2 partitions, fraction 0.6: " + twoPartitions.summary());
          assertThat(twoPartitions.spilled()).isFalse();
          assertThat(twoPartitions.shuffleWriteRecords()).isEqualTo(ROWS);
        });
  }

  private static void withSession(String memoryFraction, Consumer<SparkSession> body) {
    SparkSession spark =
        SparkSessions.forExample(
            new SparkSessions.Settings(
                "spill-it",
                "local[2]",
                Map.of("spark.memory.fraction", memoryFraction, "spark.ui.enabled", "false"),
                false));
    try {
      body.accept(spark);
    } finally {
      spark.stop();
      SparkSession.clearActiveSession();
      SparkSession.clearDefaultSession();
    }
  }
}
