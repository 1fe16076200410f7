package dev.advancedspark.benchmarks.caching;

import static org.assertj.core.api.Assertions.assertThat;

import dev.advancedspark.common.plan.JoinStrategy;
import dev.advancedspark.common.plan.Plans;
import dev.advancedspark.common.testkit.SharedSpark;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.storage.StorageLevel;
import org.junit.jupiter.api.Test;

class CachingBenchmarksTest {

  private final SparkSession spark = SharedSpark.session();

  @Test
  void persistedInputIsReadFromTheCacheAtTheAskedLevel() {
    for (String level : new String[] {"MEMORY_ONLY_SER", "DISK_ONLY"}) {
      // given the shared input persisted at a level
      Dataset<Row> base = CachingBenchmark.base(spark, 1_000);
      CachingBenchmark.persist(base, level);
      try {
        // when a reuse query runs
        SparkPlan plan = Plans.finalPlan(CachingBenchmark.reuse(base, 1));

        // then it scans the cache, stored at that level
        assertThat(Plans.readsCache(plan)).as(level).isTrue();
        assertThat(base.storageLevel()).isEqualTo(StorageLevel.fromString(level));
      } finally {
        base.unpersist(true);
      }
    }
  }

  @Test
  void withoutCacheEveryReuseRecomputesTheInput() {
    Dataset<Row> base = CachingBenchmark.base(spark, 1_000);
    CachingBenchmark.persist(base, "NONE");

    SparkPlan plan = Plans.finalPlan(CachingBenchmark.reuse(base, 0));

    assertThat(Plans.readsCache(plan)).isFalse();
  }

  @Test
  void theJoinedInputRecomputesASortMergeJoinUnlessCached() {
    Dataset<Row> base = CachingBenchmark.base(spark, 1_000, "joined");

    SparkPlan uncached = Plans.finalPlan(CachingBenchmark.reuse(base, 0));
    CachingBenchmark.persist(base, "MEMORY_ONLY");
    try {
      SparkPlan cached = Plans.finalPlan(CachingBenchmark.reuse(base, 0));

      assertThat(Plans.joinStrategies(uncached)).containsExactly(JoinStrategy.SORT_MERGE);
      assertThat(Plans.readsCache(cached)).isTrue();
      assertThat(Plans.joinStrategies(cached)).isEmpty();
    } finally {
      base.unpersist(true);
    }
  }

  @Test
  void checkpointsCutTheLineageOfJoins() {
    spark
        .sparkContext()
        .setCheckpointDir(SharedSpark.scratch("checkpoints").toAbsolutePath().toString());
    Dataset<Row> corrections = CheckpointBenchmark.corrections(spark);
    Dataset<Row> long5 = CheckpointBenchmark.iterate(spark, corrections, 500, 5);

    for (String mode : new String[] {"none", "checkpoint", "localCheckpoint"}) {
      // when the iterative result is truncated (or not) and then used
      Dataset<Row> result = CheckpointBenchmark.truncate(long5, mode);
      SparkPlan plan = Plans.finalPlan(CheckpointBenchmark.action(result, 0));

      // then only the untruncated plan still runs the 5 joins
      long joins =
          Plans.joinStrategies(plan).stream().filter(j -> j == JoinStrategy.BROADCAST_HASH).count();
      assertThat(joins).as(mode).isEqualTo(mode.equals("none") ? 5 : 0);
      assertThat(result.count()).isEqualTo(500);
    }
  }
}
