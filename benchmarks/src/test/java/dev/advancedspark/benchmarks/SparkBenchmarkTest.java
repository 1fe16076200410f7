package dev.advancedspark.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.advancedspark.benchmarks.baselines.EngineComparisonBenchmark;
import dev.advancedspark.benchmarks.baselines.GroupByBenchmark;
import dev.advancedspark.benchmarks.caching.CachingBenchmark;
import dev.advancedspark.benchmarks.caching.CheckpointBenchmark;
import dev.advancedspark.benchmarks.join.JoinBenchmark;
import dev.advancedspark.benchmarks.serialization.SerializationBenchmark;
import dev.advancedspark.benchmarks.shuffle.ReduceByKeyBenchmark;
import dev.advancedspark.benchmarks.shuffle.RepartitionVsCoalesceBenchmark;
import dev.advancedspark.benchmarks.shuffle.ShufflePartitionsBenchmark;
import java.util.List;
import org.apache.spark.launcher.JavaModuleOptions;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.annotations.Fork;

class SparkBenchmarkTest {

  static final List<Class<? extends SparkBenchmark>> SUITES =
      List.of(
          JoinBenchmark.class,
          ShufflePartitionsBenchmark.class,
          RepartitionVsCoalesceBenchmark.class,
          ReduceByKeyBenchmark.class,
          CachingBenchmark.class,
          CheckpointBenchmark.class,
          SerializationBenchmark.class,
          GroupByBenchmark.class,
          EngineComparisonBenchmark.class);

  @Test
  void forkedJvmsGetExactlySparksOwnJava17Flags() {
    // given Spark's list, as spark-submit passes it
    String[] spark = JavaModuleOptions.defaultModuleOptions().split(" ");

    // when the benchmarks fork a JVM
    String[] ours = JvmFlags.sparkFlags();

    // then they pass the same flags, in the same order
    assertThat(ours).containsExactly(spark);
  }

  @Test
  void noSuiteOverridesTheForkSettingsThatCarryTheFlags() {
    // A @Fork on a subclass replaces the inherited one, flags included.
    for (Class<? extends SparkBenchmark> suite : SUITES) {
      assertThat(suite.getDeclaredAnnotation(Fork.class)).as(suite.getSimpleName()).isNull();
      assertThat(suite.getAnnotation(Fork.class).value()).as(suite.getSimpleName()).isEqualTo(2);
    }
  }
}
