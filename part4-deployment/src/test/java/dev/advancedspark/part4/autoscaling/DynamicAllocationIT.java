package dev.advancedspark.part4.autoscaling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.advancedspark.common.cluster.SparkDaemons;
import dev.advancedspark.common.cluster.StandaloneCluster;
import dev.advancedspark.common.testkit.SharedSpark;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Dynamic allocation on a standalone cluster of two one-core workers on 127.0.0.1. */
class DynamicAllocationIT {

  private static final Duration WAIT = Duration.ofMinutes(2);

  private static StandaloneCluster cluster;

  @BeforeAll
  static void startTheCluster() {
    cluster =
        StandaloneCluster.builder()
            .workers(2)
            .coresPerWorker(1)
            .memoryPerWorker("1g")
            .workDir(SharedSpark.workDir().resolve("dynamic-allocation-it"))
            .start();
  }

  @AfterAll
  static void stopTheCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void executorsAreRequestedUnderLoadAndReleasedWhenIdleDownToMinExecutors() {
    // given an application that may scale between one and two executors
    Map<String, String> conf = new HashMap<>(DynamicAllocation.conf(1, 2));
    // Not part of the lesson: executors with the C1 compiler and the serial GC spare the 2 cores.
    conf.put("spark.executor.extraJavaOptions", String.join(" ", SparkDaemons.SMALL_JVM_OPTIONS));
    SparkSession spark = cluster.session("dynamic-allocation", conf);
    try {
      // when a job of four busy tasks runs (busy until a second executor came), and then nothing
      DynamicAllocation.Report report =
          DynamicAllocation.scaleUpThenDown(
              spark, 1, 4, cluster.workDir().resolve("scaled-up"), 60_000, WAIT);
      System.out.println("Dynamic allocation: " + report);

      // then the result is right
      assertThat(report.result()).isEqualTo(DynamicAllocation.expectedSums(4));
      // and it started at the minimum, was given a second executor while tasks waited
      assertThat(report.executorsAtStart()).isEqualTo(1);
      assertThat(report.addedDuringJob()).isPositive();
      assertThat(report.peakExecutors()).isEqualTo(2);
      assertThat(report.events()).anyMatch(e -> e.startsWith("during job: added executor"));
      // and gave executors back once idle, down to minExecutors and not below
      assertThat(report.removed()).isPositive();
      assertThat(report.executorsAtEnd()).isEqualTo(1);
      assertThat(report.events()).anyMatch(e -> e.contains("removed executor"));
    } finally {
      spark.stop();
    }
  }

  @Test
  void withoutShuffleTrackingOrAShuffleServiceSparkRefusesDynamicAllocation() {
    // given dynamic allocation with shuffle tracking off and no external shuffle service
    Map<String, String> conf = new HashMap<>(DynamicAllocation.conf(1, 2));
    conf.put("spark.dynamicAllocation.shuffleTracking.enabled", "false");

    // when / then the SparkContext does not start, and says what is needed
    assertThatThrownBy(() -> cluster.session("dynamic-allocation-refused", conf))
        .hasMessageContaining("Dynamic allocation of executors requires one of the following")
        .hasMessageContaining("spark.shuffle.service.enabled")
        .hasMessageContaining("spark.dynamicAllocation.shuffleTracking.enabled");
  }
}
