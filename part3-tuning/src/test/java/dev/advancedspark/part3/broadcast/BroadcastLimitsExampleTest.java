package dev.advancedspark.part3.broadcast;

import static org.assertj.core.api.Assertions.assertThat;

import dev.advancedspark.common.data.DataGenerators;
import dev.advancedspark.common.data.DataGenerators.OrdersSpec;
import dev.advancedspark.common.data.Skew;
import dev.advancedspark.common.plan.JoinStrategy;
import dev.advancedspark.common.testkit.SharedSpark;
import dev.advancedspark.common.testkit.SparkVersion;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

class BroadcastLimitsExampleTest {

  private static final long CUSTOMERS = 20_000;
  private final SparkSession spark = SharedSpark.session();
  private final Dataset<Row> customers = DataGenerators.customers(spark, CUSTOMERS, 42);
  private final Dataset<Row> orders =
      DataGenerators.orders(
          spark, new OrdersSpec(40_000, CUSTOMERS, 100, Skew.parse("uniform"), 0, 42));

  @Test
  void belowTheThresholdTheSmallSideIsBroadcastAndMinusOneTurnsItOff() {
    assertThat(BroadcastLimitsExample.strategyWith(spark, orders, customers, Map.of()))
        .containsExactly(JoinStrategy.BROADCAST_HASH);
    assertThat(
            BroadcastLimitsExample.strategyWith(
                spark,
                orders,
                customers,
                Map.of(
                    "spark.sql.autoBroadcastJoinThreshold", "-1",
                    "spark.sql.adaptive.autoBroadcastJoinThreshold", "-1")))
        .containsExactly(JoinStrategy.SORT_MERGE);
  }

  @Test
  void aHintCannotBroadcastARelationAboveMaxBroadcastTableSize() {
    // when: a 1 MiB cap (the default is 8 GiB) under a relation of 20,000 customers
    String error = BroadcastLimitsExample.hintedJoinWithMaxSize(spark, orders, customers, "1m");
    String fine = BroadcastLimitsExample.hintedJoinWithMaxSize(spark, orders, customers, "8g");

    // then
    System.out.println(error);
    if (SparkVersion.atLeast(4, 1)) {
      assertThat(error).startsWith("Cannot broadcast the table that is larger than 1024.0 KiB");
    } else {
      // before 4.1 there is no such setting: the cap is a fixed 8 GiB and the hint is obeyed
      assertThat(error).isNull();
    }
    assertThat(fine).isNull();
  }
}
