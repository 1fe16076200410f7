package dev.advancedspark.common.metrics;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import dev.advancedspark.common.data.DataGenerators;
import dev.advancedspark.common.data.DataGenerators.OrdersSpec;
import dev.advancedspark.common.testkit.SharedSpark;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

class MetricsCollectorTest {

  private final SparkSession spark = SharedSpark.session();
  private final Dataset<Row> orders = DataGenerators.orders(spark, OrdersSpec.of(20_000));

  @Test
  void aGroupByWritesAndReadsShuffleBytes() {
    MetricsCollector.Measured<Long> m =
        MetricsCollector.measure(spark, () -> orders.groupBy("customer_id").count().count());

    assertThat(m.result()).isEqualTo(1_000L);
    assertThat(m.metrics().shuffleWriteBytes()).isPositive();
    assertThat(m.metrics().shuffleReadBytes()).isPositive();
    assertThat(m.metrics().stages()).isGreaterThanOrEqualTo(2);
  }

  @Test
  void aNarrowMapShufflesNothing() {
    RunMetrics m =
        MetricsCollector.metricsOf(
            spark,
            () ->
                orders
                    .select(col("amount").multiply(2).as("x"))
                    .write()
                    .format("noop")
                    .mode("overwrite")
                    .save());

    assertThat(m.shuffleWriteBytes()).isZero();
    assertThat(m.shuffleReadBytes()).isZero();
    assertThat(m.stages()).isEqualTo(1);
    assertThat(m.tasks()).isEqualTo(orders.rdd().getNumPartitions());
  }

  @Test
  void countsFailedTasksAndTaskSkew() {
    RunMetrics m =
        MetricsCollector.metricsOf(spark, () -> orders.groupBy("status").count().collectAsList());

    assertThat(m.failedTasks()).isZero();
    assertThat(m.maxTaskMillis()).isGreaterThanOrEqualTo(m.medianTaskMillis());
    assertThat(m.taskSkew()).isGreaterThanOrEqualTo(1.0);
    assertThat(m.summary()).contains("shuffleWrite=");
  }

  @Test
  void formatsBytesForReaders() {
    assertThat(RunMetrics.bytes(512)).isEqualTo("512 B");
    assertThat(RunMetrics.bytes(1536)).isEqualTo("1.5 KiB");
    assertThat(RunMetrics.bytes(3L << 30)).isEqualTo("3.0 GiB");
  }
}
