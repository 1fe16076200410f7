package dev.advancedspark.common.metrics;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.advancedspark.common.data.DataGenerators;
import dev.advancedspark.common.data.DataGenerators.OrdersSpec;
import dev.advancedspark.common.testkit.SharedSpark;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
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
  void countsATaskThatFailed() {
    // given a one-task job whose task throws (local mode does not retry it)
    Dataset<Long> oneTask = spark.range(0, 10, 1, 1).as(Encoders.LONG());

    // when
    RunMetrics failing =
        MetricsCollector.metricsOf(
            spark,
            () -> {
              Throwable thrown =
                  catchThrowable(
                      () ->
                          oneTask
                              .map(
                                  (MapFunction<Long, Long>)
                                      id -> {
                                        if (id == 7) {
                                          throw new IllegalStateException("bad record 7");
                                        }
                                        return id;
                                      },
                                  Encoders.LONG())
                              .collectAsList());
              assertThat(thrown).hasStackTraceContaining("bad record 7");
            });
    RunMetrics passing = MetricsCollector.metricsOf(spark, oneTask::collectAsList);

    // then
    assertThat(failing.tasks()).isEqualTo(1);
    assertThat(failing.failedTasks()).isEqualTo(1);
    assertThat(passing.failedTasks()).isZero();
    assertThat(failing.summary()).contains("(failed 1)");
  }

  @Test
  void taskSkewIsTheLongestTaskOverTheMedianOne() {
    assertThat(withTaskMillis(900, 100).taskSkew()).isEqualTo(9.0);
    assertThat(withTaskMillis(100, 100).taskSkew()).isEqualTo(1.0);
    // a median of 0 ms (tiny tasks) must not divide by zero
    assertThat(withTaskMillis(0, 0).taskSkew()).isEqualTo(1.0);
    assertThat(withTaskMillis(12, 0).taskSkew()).isEqualTo(12.0);
  }

  private static RunMetrics withTaskMillis(long max, long median) {
    return new RunMetrics(1, 1, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, max, median, 0);
  }

  @Test
  void formatsBytesForReaders() {
    assertThat(RunMetrics.bytes(512)).isEqualTo("512 B");
    assertThat(RunMetrics.bytes(1536)).isEqualTo("1.5 KiB");
    assertThat(RunMetrics.bytes(3L << 30)).isEqualTo("3.0 GiB");
  }
}
