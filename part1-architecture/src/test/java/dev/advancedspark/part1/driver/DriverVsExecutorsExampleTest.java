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
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.broadcast.Broadcast;
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
  void broadcastShipsAHandleInsteadOfTheWholeLookupAndGivesTheSameAnswer() {
    // given
    Map<Long, String> lookup = DriverVsExecutorsExample.countryByCustomer(spark, CUSTOMERS);
    Broadcast<Map<Long, String>> handle = DriverVsExecutorsExample.broadcast(spark, lookup);
    MapFunction<Row, String> heavy = DriverVsExecutorsExample.capturingTheMap(lookup);
    MapFunction<Row, String> light = DriverVsExecutorsExample.capturingABroadcast(handle);

    try {
      // when
      long heavyBytes = DriverVsExecutorsExample.closureBytes(heavy);
      long lightBytes = DriverVsExecutorsExample.closureBytes(light);
      long viaMap =
          DriverVsExecutorsExample.ordersFrom(
              DriverVsExecutorsExample.countriesOf(orders, heavy), "DE");
      long viaBroadcast =
          DriverVsExecutorsExample.ordersFrom(
              DriverVsExecutorsExample.countriesOf(orders, light), "DE");

      // then: 5,000 entries make a closure of tens of KiB; the handle is about 2 KiB whatever
      // the size of the map
      assertThat(lookup).hasSize((int) CUSTOMERS);
      assertThat(lightBytes).isLessThan(4_096);
      assertThat(heavyBytes).isGreaterThan(20 * lightBytes);
      assertThat(viaBroadcast).isEqualTo(viaMap).isPositive();
    } finally {
      handle.destroy();
    }
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
  }
}
