package dev.advancedspark.part3.broadcast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.advancedspark.common.data.DataGenerators;
import dev.advancedspark.common.data.DataGenerators.OrdersSpec;
import dev.advancedspark.common.data.Skew;
import dev.advancedspark.common.plan.JoinStrategy;
import dev.advancedspark.common.plan.Plans;
import dev.advancedspark.common.testkit.SharedSpark;
import dev.advancedspark.part3.broadcast.BroadcastVariablesExample.DriverCost;
import dev.advancedspark.part3.broadcast.BroadcastVariablesExample.Shipping;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.execution.SparkPlan;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class BroadcastVariablesExampleTest {

  private static final int LOOKUP = 20_000;
  private static final long ROWS = 40_000;
  private static final int PARTITIONS = 4;

  private static final SparkSession spark = SharedSpark.session();
  private static final JavaSparkContext jsc =
      JavaSparkContext.fromSparkContext(spark.sparkContext());
  private static Map<Long, String> lookup;
  private static Dataset<Row> orders;
  private static JavaRDD<Long> ids;

  @BeforeAll
  static void data() {
    lookup = BroadcastVariablesExample.segments(LOOKUP);
    orders =
        DataGenerators.orders(
            spark, new OrdersSpec(ROWS, LOOKUP, 100, Skew.parse("uniform"), 0, 42));
    ids = BroadcastVariablesExample.customerIds(orders, PARTITIONS);
  }

  @AfterAll
  static void release() {
    ids.unpersist(true);
  }

  @Test
  void aCapturedMapTravelsInEveryClosureAndEveryTaskDeserializesItsOwnCopy() {
    // given
    long mapBytes = BroadcastVariablesExample.serializedSize(lookup);

    // when: two jobs over 4 partitions
    Shipping s = BroadcastVariablesExample.captured(ids, lookup, 2);

    // then: the closure is the map, and 8 tasks made 8 maps
    assertThat(s.closureBytes()).isGreaterThan(mapBytes);
    assertThat(s.tasks()).isEqualTo(2 * PARTITIONS);
    assertThat(s.copiesOnHeap()).isEqualTo(2 * PARTITIONS);
    assertThat(s.matched()).isEqualTo(ROWS);
  }

  @Test
  void aBroadcastVariableShipsAHandleAndAllTasksShareOneCopy() {
    // given
    Broadcast<Map<Long, String>> b = jsc.broadcast(lookup);
    try {
      // when
      Shipping s = BroadcastVariablesExample.broadcastVariable(ids, b, 2);

      // then: a closure of under 2 KiB against ~0.5 MiB, one map for 8 tasks (one executor)
      System.out.printf(
          "closure: captured %d B, broadcast %d B%n",
          BroadcastVariablesExample.serializedSize(
              new BroadcastVariablesExample.CapturedLookup(lookup)),
          s.closureBytes());
      assertThat(s.closureBytes()).isLessThan(2048);
      assertThat(BroadcastVariablesExample.serializedSize(lookup)).isGreaterThan(256 * 1024);
      assertThat(s.tasks()).isEqualTo(2 * PARTITIONS);
      assertThat(s.copiesOnHeap()).isEqualTo(1);
      assertThat(s.matched()).isEqualTo(ROWS);
    } finally {
      b.destroy();
    }
  }

  @Test
  void aBroadcastJoinBuildsTheLookupTableOnceAsAHashRelation() {
    // when
    Dataset<Row> joined =
        BroadcastVariablesExample.joinWithSegments(
            orders, BroadcastVariablesExample.segmentsTable(spark, LOOKUP));
    long rows = joined.count();
    SparkPlan plan = Plans.finalPlan(joined);

    // then
    assertThat(rows).isEqualTo(ROWS);
    assertThat(
            BroadcastVariablesExample.segmentsTable(spark, LOOKUP)
                .where("customer_id in (3, 20000)")
                .orderBy("customer_id")
                .collectAsList()
                .stream()
                .map(r -> r.getString(1)))
        .as("the table holds the map's pairs")
        .containsExactly(lookup.get(3L), lookup.get(20_000L));
    assertThat(Plans.joinStrategies(plan)).containsExactly(JoinStrategy.BROADCAST_HASH);
    assertThat(Plans.broadcastExchangeCount(plan)).isEqualTo(1);
    assertThat(BroadcastVariablesExample.broadcastDataSize(plan)).isGreaterThan(LOOKUP * 16L);
  }

  @Test
  void theDriverHoldsTheValueAndItsPiecesUntilDestroyNotUnpersist() {
    // given: a broadcast that has been used
    Broadcast<Map<Long, String>> b = jsc.broadcast(lookup);
    BroadcastVariablesExample.broadcastVariable(ids, b, 1);
    DriverCost before = BroadcastVariablesExample.driverCost(b);
    System.out.println("driver cost: " + before);

    // then: the deserialized map is several times its serialized, compressed pieces
    assertThat(before.pieces()).isPositive();
    assertThat(before.valueBytes()).isGreaterThan(2 * before.pieceBytes());

    // when: unpersist drops the executors' copies only; the broadcast stays usable
    b.unpersist(true);
    assertThat(BroadcastVariablesExample.driverCost(b)).isEqualTo(before);
    assertThat(BroadcastVariablesExample.broadcastVariable(ids, b, 1).matched()).isEqualTo(ROWS);

    // when: destroy frees the driver too (asynchronously: destroy() returns before the blocks are
    // gone), and any later use fails at once
    b.destroy();
    assertThat(BroadcastVariablesExample.useAfterDestroy(b))
        .contains("Attempted to use Broadcast(" + b.id() + ") after it was destroyed");
    assertThatThrownBy(() -> BroadcastVariablesExample.broadcastVariable(ids, b, 1))
        .hasStackTraceContaining("after it was destroyed");
    awaitFreed(b, Duration.ofSeconds(30));
  }

  /** Waits, with a deadline, until the driver's block manager no longer holds {@code b}. */
  private static void awaitFreed(Broadcast<?> b, Duration deadline) {
    long end = System.nanoTime() + deadline.toNanos();
    while (!BroadcastVariablesExample.driverCost(b).equals(new DriverCost(0, 0, 0))) {
      assertThat(System.nanoTime())
          .as("broadcast %d still on the driver after %s", b.id(), deadline)
          .isLessThan(end);
      LockSupport.parkNanos(10_000_000);
    }
  }
}
