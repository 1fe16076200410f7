package dev.advancedspark.part1.cluster;

import static dev.advancedspark.part1.cluster.ClusterManagersExample.collectSorted;
import static dev.advancedspark.part1.cluster.ClusterManagersExample.orders;
import static dev.advancedspark.part1.cluster.ClusterManagersExample.revenueByStatus;
import static dev.advancedspark.part1.cluster.ClusterManagersExample.slowedDown;
import static dev.advancedspark.part1.cluster.ClusterManagersExample.taskPids;
import static org.assertj.core.api.Assertions.assertThat;

import dev.advancedspark.common.cluster.ExecutorProcess;
import dev.advancedspark.common.cluster.StandaloneCluster;
import dev.advancedspark.common.metrics.MetricsCollector;
import dev.advancedspark.common.metrics.MetricsCollector.Measured;
import dev.advancedspark.common.testkit.SharedSpark;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Runs {@link ClusterManagersExample}'s job on local[2] and on a real standalone cluster (a Master
 * and two one-core Worker JVMs on 127.0.0.1), then kills an executor JVM in the middle of a job.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterManagersIT {

  private static final long ROWS = 4_000;
  private static final Duration WAIT = Duration.ofMinutes(2);

  private static List<Row> localRows;
  private static Map<Long, Long> localTaskPids;
  private static StandaloneCluster cluster;
  private static SparkSession spark;

  @BeforeAll
  static void runLocallyWhileTheClusterStarts() {
    // The daemons start in JVMs of their own, so this JVM runs the local job meanwhile.
    CompletableFuture<StandaloneCluster> starting =
        CompletableFuture.supplyAsync(
            () ->
                StandaloneCluster.builder()
                    .workers(2)
                    .coresPerWorker(1)
                    .memoryPerWorker("1g")
                    .workDir(SharedSpark.workDir().resolve("cluster-managers-it"))
                    .start());
    try {
      SparkSession local = SharedSpark.session();
      localRows = collectSorted(revenueByStatus(orders(local, ROWS)));
      localTaskPids = taskPids(local, 4);
      // One SparkContext per JVM: the local one must go before we connect to the cluster.
      local.stop();
    } finally {
      // pass or fail, the cluster is kept, so that @AfterAll ends its processes
      cluster = starting.join();
    }
    spark =
        cluster.session(
            "ClusterManagersIT",
            // Four map tasks over two one-core executors: both are busy when one is killed.
            Map.of("spark.default.parallelism", "4", "spark.sql.shuffle.partitions", "4"));
  }

  @AfterAll
  static void stopEverything() {
    try {
      if (spark != null) {
        spark.stop();
      }
    } finally {
      if (cluster != null) {
        List<ExecutorProcess> executors = cluster.executorProcesses();
        cluster.close();
        assertThat(executors).noneMatch(e -> e.process().isAlive());
      }
    }
  }

  @Test
  @Order(1)
  void theSameJobGivesIdenticalRowsOnLocalAndOnTheStandaloneCluster() {
    // given two registered executors
    cluster.awaitRegisteredExecutors(spark, 2, WAIT);

    // when the job runs on the cluster
    Measured<List<Row>> onCluster =
        MetricsCollector.measure(spark, () -> collectSorted(revenueByStatus(orders(spark, ROWS))));

    // then it gives exactly the local rows, computed by tasks that exchanged data over a shuffle
    assertThat(onCluster.result()).hasSize(5).isEqualTo(localRows);
    assertThat(onCluster.result().stream().mapToLong(r -> r.getLong(1)).sum()).isEqualTo(ROWS);
    assertThat(onCluster.metrics().shuffleWriteRecords()).isPositive();
    assertThat(onCluster.metrics().failedTasks()).isZero();
  }

  @Test
  @Order(2)
  void executorsAreSeparateProcessesLaunchedByTheWorkers() {
    // given two registered executors
    List<ExecutorProcess> executors = cluster.awaitRegisteredExecutors(spark, 2, WAIT);
    long self = ProcessHandle.current().pid();

    // when tasks report the process they run in
    Map<Long, Long> pids = taskPids(spark, 4);

    // then on local every task ran inside this JVM, on the cluster in the two executor JVMs
    assertThat(localTaskPids.keySet()).containsExactly(self);
    Set<Long> executorPids =
        executors.stream().map(ExecutorProcess::pid).collect(Collectors.toSet());
    assertThat(executorPids).hasSize(2).doesNotContain(self);
    assertThat(pids.keySet()).isEqualTo(executorPids);
    Set<Long> workerPids =
        cluster.workerProcesses().stream().map(ProcessHandle::pid).collect(Collectors.toSet());
    assertThat(executors)
        .allSatisfy(
            e ->
                assertThat(workerPids)
                    .contains(e.process().parent().map(ProcessHandle::pid).orElse(-1L)));
  }

  @Test
  @Order(3)
  void killingAnExecutorMidJobLosesItsTaskAndSparkRunsItAgainElsewhere() {
    // given both executors up
    List<ExecutorProcess> before = cluster.awaitRegisteredExecutors(spark, 2, WAIT);

    // when the executor running the first task of a slow job (about 2 s per task) gets kill -9
    ExecutorLoss.Report report =
        ExecutorLoss.killOneExecutorMidJob(
            spark,
            cluster,
            () -> collectSorted(revenueByStatus(slowedDown(orders(spark, ROWS), 2))),
            WAIT);

    // then the job still gives the local rows
    assertThat(report.rows()).isEqualTo(localRows);
    assertThat(report.killed().process().isAlive()).isFalse();
    // and Spark saw the executor go and failed the task it was running
    String killed = report.killed().executorId();
    assertThat(report.removedExecutors()).contains(killed);
    assertThat(report.metrics().executorsRemoved()).isPositive();
    assertThat(report.metrics().failedTasks()).isPositive();
    assertThat(report.lostTasks())
        .isNotEmpty()
        .allSatisfy(t -> assertThat(t.reason()).isEqualTo("ExecutorLostFailure"));
    // and ran each lost task again, successfully, on another executor
    assertThat(report.lostTasks())
        .allSatisfy(
            lost ->
                assertThat(report.taskEnds())
                    .anySatisfy(
                        t -> {
                          assertThat(t.stageId()).isEqualTo(lost.stageId());
                          assertThat(t.index()).isEqualTo(lost.index());
                          assertThat(t.successful()).isTrue();
                          assertThat(t.executorId()).isNotEqualTo(killed);
                        }));
    // and the worker started a replacement executor, with a new id, for the application
    List<String> beforeIds = before.stream().map(ExecutorProcess::executorId).toList();
    assertThat(cluster.awaitRegisteredExecutors(spark, 2, WAIT))
        .extracting(ExecutorProcess::executorId)
        .doesNotContain(killed)
        .anyMatch(id -> !beforeIds.contains(id));
  }
}
