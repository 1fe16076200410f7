package dev.advancedspark.part4.spot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.advancedspark.common.cluster.SparkDaemons;
import dev.advancedspark.common.cluster.StandaloneCluster;
import dev.advancedspark.common.testkit.SharedSpark;
import dev.advancedspark.part4.spot.SpotDecommission.Loss;
import dev.advancedspark.part4.spot.SpotDecommission.Report;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * A standalone cluster of three one-core workers on 127.0.0.1 (workers handle {@code SIGPWR}); each
 * test runs an application with two executors and takes one away between two jobs that share a
 * shuffle: first without notice, then with graceful decommissioning.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SpotDecommissionIT {

  private static final long ROWS = 20_000;
  private static final Duration WAIT = Duration.ofMinutes(2);

  private static StandaloneCluster cluster;
  private static Report withoutNotice;

  @BeforeAll
  static void startTheCluster() {
    cluster =
        StandaloneCluster.builder()
            .workers(3)
            .coresPerWorker(1)
            .memoryPerWorker("1g")
            // The workers register a SIGPWR handler only with this set.
            .conf("spark.decommission.enabled", "true")
            .workDir(SharedSpark.workDir().resolve("spot-decommission-it"))
            .start();
  }

  @AfterAll
  static void stopTheCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  private static Report run(String appName, Loss loss, Map<String, String> conf) {
    Map<String, String> all = new HashMap<>(conf);
    // Two executors of one core, on two of the three workers: one survives the loss.
    all.put("spark.cores.max", "2");
    // A decommissioning executor re-checks its blocks this often before it exits (default 30 s).
    all.put("spark.storage.decommission.replicationReattemptInterval", "2s");
    // Not part of the lesson: executors with the C1 compiler and the serial GC spare the 2 cores.
    all.put("spark.executor.extraJavaOptions", String.join(" ", SparkDaemons.SMALL_JVM_OPTIONS));
    SparkSession spark = cluster.session(appName, all);
    try {
      cluster.awaitRegisteredExecutors(spark, 2, WAIT);
      return SpotDecommission.loseAnExecutorBetweenJobs(spark, cluster, loss, ROWS, WAIT);
    } finally {
      spark.stop();
    }
  }

  @Test
  @Order(1)
  void anExecutorKilledWithoutNoticeTakesItsShuffleFilesAlongAndTheMapTasksRunAgain() {
    // given an application without decommissioning
    // when the executor that ran map tasks is killed between the two jobs
    withoutNotice = run("spot-killed", Loss.KILLED_WITHOUT_NOTICE, Map.of());
    System.out.println("Killed without notice: " + withoutNotice);

    // then both jobs give the right sums
    assertThat(withoutNotice.firstResult()).isEqualTo(SpotDecommission.expectedSums(ROWS));
    assertThat(withoutNotice.secondResult()).isEqualTo(withoutNotice.firstResult());
    // and the second job re-ran exactly the map tasks whose output died with the executor
    assertThat(withoutNotice.mapTasksBefore()).isPositive();
    assertThat(withoutNotice.secondJobMapTasks()).isEqualTo(withoutNotice.mapTasksBefore());
    assertThat(withoutNotice.secondJobTasks().keySet())
        .anyMatch(k -> k.startsWith(mapStage(withoutNotice)));
  }

  @Test
  @Order(2)
  void aDecommissionedExecutorMigratesItsShuffleFilesAndNothingIsRecomputed() {
    // given an application with graceful decommissioning and block migration
    // when the executor that ran map tasks gets SIGPWR between the two jobs
    Report decommissioned =
        run(
            "spot-executor-decommissioned",
            Loss.EXECUTOR_DECOMMISSIONED,
            SpotDecommission.decommissionConf());
    System.out.println("Decommissioned: " + decommissioned);

    // then both jobs give the right sums
    assertThat(decommissioned.firstResult()).isEqualTo(SpotDecommission.expectedSums(ROWS));
    assertThat(decommissioned.secondResult()).isEqualTo(decommissioned.firstResult());
    // and the driver removed the executor as decommissioned, after it had run map tasks
    assertThat(decommissioned.removedReason()).containsIgnoringCase("decommission");
    assertThat(decommissioned.mapTasksBefore()).isPositive();
    // and the second job found every map output (migrated to the survivor): no map task re-ran
    assertThat(decommissioned.secondJobMapTasks()).isZero();
    assertThat(decommissioned.secondJobTasks().keySet())
        .noneMatch(k -> k.startsWith(mapStage(decommissioned)));
    // which is fewer recomputed tasks than when the executor was killed without notice
    assertThat(withoutNotice).as("the without-notice run (Order 1)").isNotNull();
    assertThat(decommissioned.secondJobMapTasks()).isLessThan(withoutNotice.secondJobMapTasks());
  }

  @Test
  @Order(3)
  void decommissioningAWorkerDropsEveryMapOutputOnItsHostSoOnOneHostAllMapTasksRunAgain() {
    // given an application with graceful decommissioning, on a cluster whose workers share a host
    // when a worker (not an executor) gets SIGPWR between the two jobs
    Report worker =
        run(
            "spot-worker-decommissioned",
            Loss.WORKER_DECOMMISSIONED,
            SpotDecommission.decommissionConf());
    System.out.println("Worker decommissioned: " + worker);

    // then the sums are still right
    assertThat(worker.secondResult()).isEqualTo(SpotDecommission.expectedSums(ROWS));
    assertThat(worker.removedReason()).containsIgnoringCase("worker decommissioned");
    // but the driver took the whole host (127.0.0.1) as gone and dropped every map output on it,
    // the survivor's and the migrated ones included: all four map tasks ran again
    assertThat(worker.secondJobMapTasks()).isEqualTo(4);
  }

  /** The prefix of the second job's map stage in {@link Report#secondJobTasks()} keys. */
  private static String mapStage(Report r) {
    return "stage " + r.secondJobMapStageId() + " attempt ";
  }
}
