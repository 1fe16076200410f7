package dev.advancedspark.part2.shuffles;

import static org.assertj.core.api.Assertions.assertThat;

import dev.advancedspark.common.data.DataGenerators;
import dev.advancedspark.common.data.DataGenerators.OrdersSpec;
import dev.advancedspark.common.testkit.SharedSpark;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

class AqeCoalescingExampleTest {

  private final SparkSession spark = SharedSpark.session();
  private final Dataset<Row> orders =
      DataGenerators.orders(spark, OrdersSpec.of(5_000).withCustomers(500));
  private final int mapTasks = orders.rdd().getNumPartitions();

  @Test
  void withoutAqeEveryOneOfTheFixedPartitionsIsATask() {
    ShuffleRun off = AqeCoalescingExample.run(spark, orders, false);

    assertThat(off.metrics().tasks()).isEqualTo(mapTasks + AqeCoalescingExample.FIXED_PARTITIONS);
    assertThat(AqeCoalescingExample.coalescedPartitions(off.plan())).isZero();
  }

  @Test
  void aqeCoalescesTheTinyPartitionsIntoOneTask() {
    ShuffleRun on = AqeCoalescingExample.run(spark, orders, true);

    // A few KiB of shuffle output against a 64 MiB advisory size: one reduce partition.
    assertThat(AqeCoalescingExample.coalescedPartitions(on.plan())).isEqualTo(1);
    assertThat(on.metrics().tasks()).isEqualTo(mapTasks + 1);
  }
}
