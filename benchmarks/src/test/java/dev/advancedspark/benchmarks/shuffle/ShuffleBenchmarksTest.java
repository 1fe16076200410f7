package dev.advancedspark.benchmarks.shuffle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.advancedspark.common.SqlConfs;
import dev.advancedspark.common.data.DataGenerators;
import dev.advancedspark.common.data.DataGenerators.OrdersSpec;
import dev.advancedspark.common.plan.Plans;
import dev.advancedspark.common.testkit.SharedSpark;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

class ShuffleBenchmarksTest {

  private final SparkSession spark = SharedSpark.session();

  @Test
  void adaptiveExecutionCoalescesTwoHundredTinyPartitions() {
    Dataset<Row> orders =
        DataGenerators.orders(spark, OrdersSpec.of(5_000).withCustomers(500))
            .select("customer_id", "amount", "quantity");

    // when the same aggregation runs in each mode
    int fixed =
        SqlConfs.with(
            spark,
            ShufflePartitionsBenchmark.conf("200"),
            () ->
                ShufflePartitionsBenchmark.verify(
                    ShufflePartitionsBenchmark.aggregate(orders), "200"));
    int rightSized =
        SqlConfs.with(
            spark,
            ShufflePartitionsBenchmark.conf("right-sized"),
            () ->
                ShufflePartitionsBenchmark.verify(
                    ShufflePartitionsBenchmark.aggregate(orders), "right-sized"));
    int coalesced =
        SqlConfs.with(
            spark,
            ShufflePartitionsBenchmark.conf("aqe-coalesce"),
            () ->
                ShufflePartitionsBenchmark.verify(
                    ShufflePartitionsBenchmark.aggregate(orders), "aqe-coalesce"));

    // then the static modes run their fixed count, AQE merges the tiny partitions
    assertThat(fixed).isEqualTo(200);
    assertThat(rightSized).isEqualTo(ShufflePartitionsBenchmark.RIGHT_SIZED);
    assertThat(coalesced).isLessThan(200);
  }

  @Test
  void coalesceAvoidsTheShuffleThatRepartitionAdds() {
    Dataset<Row> upstream = RepartitionVsCoalesceBenchmark.upstream(spark, 2_000);

    var repartitioned =
        RepartitionVsCoalesceBenchmark.verify(
            RepartitionVsCoalesceBenchmark.reduce(upstream, "repartition", 1), "repartition");
    var coalesced =
        RepartitionVsCoalesceBenchmark.verify(
            RepartitionVsCoalesceBenchmark.reduce(upstream, "coalesce", 1), "coalesce");

    assertThat(Plans.shuffleCount(repartitioned)).isEqualTo(1);
    assertThat(Plans.shuffleCount(coalesced)).isZero();
  }

  @Test
  void reduceByKeyCombinesOnTheMapSideAndGroupByKeyDoesNot() {
    JavaPairRDD<Long, Long> pairs = ReduceByKeyBenchmark.pairs(spark, 4_000);

    JavaPairRDD<Long, Long> reduced = ReduceByKeyBenchmark.sumByKey(pairs, "reduceByKey");
    JavaPairRDD<Long, Long> grouped = ReduceByKeyBenchmark.sumByKey(pairs, "groupByKey");

    assertThat(ReduceByKeyBenchmark.mapSideCombine(reduced.rdd())).isTrue();
    assertThat(ReduceByKeyBenchmark.mapSideCombine(grouped.rdd())).isFalse();
    // Same sums either way: 0 + 1 + ... + 3999.
    assertThat(reduced.values().reduce(Long::sum)).isEqualTo(3_999L * 4_000 / 2);
    assertThat(grouped.collectAsMap()).isEqualTo(reduced.collectAsMap());
  }
}
