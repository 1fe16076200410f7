package dev.advancedspark.part1.partitions;

import static org.assertj.core.api.Assertions.assertThat;

import dev.advancedspark.common.SqlConfs;
import dev.advancedspark.common.metrics.RunMetrics;
import dev.advancedspark.common.plan.Plans;
import dev.advancedspark.common.testkit.SharedSpark;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.execution.CoalesceExec;
import org.junit.jupiter.api.Test;

class RepartitionVsCoalesceExampleTest {

  private static final long ROWS = 4_000;

  private final SparkSession spark = SharedSpark.session();
  private final Dataset<Row> input = RepartitionVsCoalesceExample.input(spark, ROWS, 8);

  @Test
  void repartitionShufflesEveryRowInTwoStages() {
    SqlConfs.with(
        spark,
        RepartitionVsCoalesceExample.STATIC_PLAN,
        () -> {
          // given
          Dataset<Row> ds = RepartitionVsCoalesceExample.repartitioned(input, 2);

          // when
          RunMetrics m = RepartitionVsCoalesceExample.runFully(spark, ds);

          // then: 8 map tasks write every row to shuffle files, 2 reduce tasks read them
          assertThat(Plans.shuffleCount(Plans.plannedPlan(ds))).isEqualTo(1);
          assertThat(m.stages()).isEqualTo(2);
          assertThat(m.tasks()).isEqualTo(8 + 2);
          assertThat(m.shuffleWriteRecords()).isEqualTo(ROWS);
          assertThat(RepartitionVsCoalesceExample.rowsPerPartition(ds))
              .hasSize(2)
              .allSatisfy(n -> assertThat(n).isBetween(ROWS / 2 - 100, ROWS / 2 + 100));
        });
  }

  @Test
  void coalesceMergesPartitionsWithoutAShuffle() {
    SqlConfs.with(
        spark,
        RepartitionVsCoalesceExample.STATIC_PLAN,
        () -> {
          // given
          Dataset<Row> ds = RepartitionVsCoalesceExample.coalesced(input, 2);

          // when
          RunMetrics m = RepartitionVsCoalesceExample.runFully(spark, ds);

          // then: one stage of 2 tasks, each reading 4 of the 8 input partitions in place
          assertThat(Plans.shuffleCount(Plans.plannedPlan(ds))).isZero();
          assertThat(Plans.find(Plans.plannedPlan(ds), CoalesceExec.class)).hasSize(1);
          assertThat(m.stages()).isEqualTo(1);
          assertThat(m.tasks()).isEqualTo(2);
          assertThat(m.shuffleWriteBytes()).isZero();
          assertThat(RepartitionVsCoalesceExample.rowsPerPartition(ds))
              .containsExactly(2_000L, 2_000L);
        });
  }

  @Test
  void coalesceCannotRaiseThePartitionCountButRepartitionCan() {
    SqlConfs.with(
        spark,
        RepartitionVsCoalesceExample.STATIC_PLAN,
        () -> {
          List<Long> coalesced =
              RepartitionVsCoalesceExample.rowsPerPartition(
                  RepartitionVsCoalesceExample.coalesced(input, 16));
          List<Long> repartitioned =
              RepartitionVsCoalesceExample.rowsPerPartition(
                  RepartitionVsCoalesceExample.repartitioned(input, 16));

          assertThat(coalesced).hasSize(8);
          assertThat(repartitioned).hasSize(16);
          assertThat(repartitioned.stream().mapToLong(Long::longValue).sum()).isEqualTo(ROWS);
        });
  }

  @Test
  void repartitionToSeveralPartitionsSortsEveryMapTasksRowsFirstButNotToOne() {
    // given Spark's default, and the same settings with the sort before a round-robin shuffle off
    Map<String, String> sortOff = new HashMap<>(RepartitionVsCoalesceExample.STATIC_PLAN);
    sortOff.put(RepartitionVsCoalesceExample.SORT_BEFORE_REPARTITION, "false");

    // when the same 8 ordered input partitions are repartitioned to 2 and to 1 partitions
    long toTwo = orderBreaks(RepartitionVsCoalesceExample.STATIC_PLAN, 2);
    long toOne = orderBreaks(RepartitionVsCoalesceExample.STATIC_PLAN, 1);
    long toTwoUnsorted = orderBreaks(sortOff, 2);

    // then only the shuffle to two partitions sorted each map task's rows (by their hash): its
    // ids break their order about every other row; the others only between map tasks' blocks
    assertThat(toTwo).isGreaterThan(ROWS / 4);
    assertThat(toOne).isLessThan(8);
    assertThat(toTwoUnsorted).isLessThan(2 * 8);
  }

  private long orderBreaks(Map<String, String> settings, int partitions) {
    return SqlConfs.with(
        spark,
        settings,
        () ->
            RepartitionVsCoalesceExample.orderBreaks(
                RepartitionVsCoalesceExample.repartitioned(input, partitions)));
  }
}
