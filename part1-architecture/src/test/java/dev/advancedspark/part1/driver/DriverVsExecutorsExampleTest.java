package dev.advancedspark.part1.driver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.advancedspark.common.data.DataGenerators;
import dev.advancedspark.common.data.DataGenerators.OrdersSpec;
import dev.advancedspark.common.testkit.SharedSpark;
import dev.advancedspark.part1.driver.DriverVsExecutorsExample.CountryService;
import dev.advancedspark.part1.driver.DriverVsExecutorsExample.Placement;
import java.io.NotSerializableException;
import java.util.Map;
import org.apache.spark.SparkException;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

class DriverVsExecutorsExampleTest {

  private static final long CUSTOMERS = 5_000;

  private final SparkSession spark = SharedSpark.session();
  private final Dataset<Row> orders =
      DataGenerators.orders(spark, OrdersSpec.of(2_000).withCustomers(CUSTOMERS));

  @Test
  void lambdasRunInExecutorTaskThreadsNotInTheDriverThread() {
    // when
    Placement where = DriverVsExecutorsExample.whereCodeRuns(orders);

    // then: local mode runs the executor inside the driver JVM, but in its own task threads
    assertThat(where.taskThreads())
        .isNotEmpty()
        .allSatisfy(t -> assertThat(t).startsWith("Executor task launch worker"))
        .doesNotContain(where.driverThread());
  }

  @Test
  void aCapturedMapMakesALargeTaskBinaryWhileABroadcastHandleKeepsItSmall() {
    // given: enough entries that the captured map alone passes Spark's 1000 KiB warning
    long customers = 80_000;
    Map<Long, String> lookup = DriverVsExecutorsExample.countryByCustomer(spark, customers);
    Broadcast<Map<Long, String>> handle = DriverVsExecutorsExample.broadcast(spark, lookup);

    try {
      // when
      TaskBinaryLog.Logged<Long> heavy =
          DriverVsExecutorsExample.countWithTaskBinaries(
              orders, DriverVsExecutorsExample.capturingTheMap(lookup), "DE");
      TaskBinaryLog.Logged<Long> light =
          DriverVsExecutorsExample.countWithTaskBinaries(
              orders, DriverVsExecutorsExample.capturingABroadcast(handle), "DE");

      // then: Spark itself reports the task binary of the stage that runs the lambda
      assertThat(heavy.largeTaskBinaries())
          .isNotEmpty()
          .allSatisfy(bytes -> assertThat(bytes).isGreaterThan(TaskBinaryLog.WARN_BYTES));
      assertThat(light.largeTaskBinaries()).isEmpty();
      assertThat(light.result()).isEqualTo(heavy.result()).isPositive();
    } finally {
      handle.destroy();
    }
  }

  @Test
  void theWarningParserReadsSparksByteStrings() {
    assertThat(TaskBinaryLog.bytes("1050.7", "KiB")).isEqualTo(1_075_917L);
    assertThat(TaskBinaryLog.bytes("4.0", "MiB")).isEqualTo(4L << 20);
  }

  @Test
  void capturingANonSerializableDriverObjectFailsWithTaskNotSerializable() {
    // given
    CountryService service = new CountryService(Map.of(1L, "DE"));

    // when/then: Spark serializes the task on the driver, before anything runs remotely
    assertThatThrownBy(() -> DriverVsExecutorsExample.countriesViaService(orders, service).count())
        .isInstanceOf(SparkException.class)
        .hasMessageContaining("Task not serializable")
        .rootCause()
        .isInstanceOf(NotSerializableException.class)
        .hasMessageContaining("CountryService");
    assertThat(DriverVsExecutorsExample.taskNotSerializable(orders, service))
        .startsWith("Task not serializable")
        .contains("CountryService")
        .doesNotContain("\n");
  }

  @Test
  void aFailureOtherThanTaskNotSerializableIsNotReportedAsTheLesson() {
    // given: input without a customer_id column fails before any task is serialized
    Dataset<Row> wrongInput = spark.range(3).toDF("id");
    CountryService service = new CountryService(Map.of(1L, "DE"));

    // when/then: that failure propagates instead of being printed as the expected lesson
    assertThatThrownBy(() -> DriverVsExecutorsExample.taskNotSerializable(wrongInput, service))
        .isInstanceOf(AnalysisException.class)
        .hasMessageNotContaining("Task not serializable");
  }
}
