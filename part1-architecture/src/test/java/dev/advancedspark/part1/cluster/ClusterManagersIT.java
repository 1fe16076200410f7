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
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.spark.ExecutorLostFailure;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerExecutorRemoved;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.SparkListenerTaskStart;
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
  static void runLocallyThenStartTheCluster() {
    SparkSession local = SharedSpark.session();
    localRows = collectSorted(revenueByStatus(orders(local, ROWS)));
    localTaskPids = taskPids(local, 4);
    // One SparkContext per JVM: the local one must go before we connect to the cluster.
    local.stop();

    cluster =
        StandaloneCluster.builder()
            .workers(2)
            .coresPerWorker(1)
            .memoryPerWorker("1g")
            .workDir(SharedSpark.workDir().resolve("cluster-managers-it"))
            .start();
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
  void killingAnExecutorMidJobLosesItsTasksAndSparkRunsThemAgainElsewhere() throws Exception {
    // given both executors up and a listener that sees tasks start and end
    List<ExecutorProcess> executors = cluster.awaitRegisteredExecutors(spark, 2, WAIT);
    TaskLog log = new TaskLog();
    spark.sparkContext().addSparkListener(log);
    try {
      // when a slow job (about 3 s per task) runs ...
      CompletableFuture<Measured<List<Row>>> job =
          CompletableFuture.supplyAsync(
              () ->
                  MetricsCollector.measure(
                      spark,
                      () -> collectSorted(revenueByStatus(slowedDown(orders(spark, ROWS), 3)))));
      // ... and the executor running its first task is killed with kill -9 while that task runs
      SparkListenerTaskStart first = log.firstStart.get(WAIT.toSeconds(), TimeUnit.SECONDS);
      String victimId = first.taskInfo().executorId();
      ExecutorProcess victim =
          executors.stream().filter(e -> e.executorId().equals(victimId)).findFirst().orElseThrow();
      assertThat(log.ended).noneMatch(e -> e.taskInfo().taskId() == first.taskInfo().taskId());
      victim.process().destroyForcibly();
      victim.process().onExit().get(30, TimeUnit.SECONDS);
      Measured<List<Row>> result = job.get(WAIT.toSeconds(), TimeUnit.SECONDS);

      // then the job still gives the local rows
      assertThat(result.result()).isEqualTo(localRows);
      // and Spark saw the executor go, failed the task it was running ...
      assertThat(log.removed).contains(victimId);
      assertThat(result.metrics().executorsRemoved()).isPositive();
      assertThat(result.metrics().failedTasks()).isPositive();
      List<SparkListenerTaskEnd> lost =
          log.ended.stream()
              .filter(e -> e.reason() instanceof ExecutorLostFailure)
              .filter(e -> e.taskInfo().executorId().equals(victimId))
              .toList();
      assertThat(lost).isNotEmpty();
      // ... and ran every lost task again, successfully, on another executor
      assertThat(lost)
          .allSatisfy(
              failed ->
                  assertThat(log.ended)
                      .anySatisfy(
                          retry -> {
                            assertThat(retry.stageId()).isEqualTo(failed.stageId());
                            assertThat(retry.taskInfo().index())
                                .isEqualTo(failed.taskInfo().index());
                            assertThat(retry.taskInfo().successful()).isTrue();
                            assertThat(retry.taskInfo().executorId()).isNotEqualTo(victimId);
                          }));
    } finally {
      spark.sparkContext().removeSparkListener(log);
    }
  }

  /** What the scheduler reported while the job ran. */
  static final class TaskLog extends SparkListener {
    final CompletableFuture<SparkListenerTaskStart> firstStart = new CompletableFuture<>();
    final List<SparkListenerTaskEnd> ended = new CopyOnWriteArrayList<>();
    final Set<String> removed = ConcurrentHashMap.newKeySet();

    @Override
    public void onTaskStart(SparkListenerTaskStart taskStart) {
      firstStart.complete(taskStart);
    }

    @Override
    public void onTaskEnd(SparkListenerTaskEnd taskEnd) {
      ended.add(taskEnd);
    }

    @Override
    public void onExecutorRemoved(SparkListenerExecutorRemoved executorRemoved) {
      removed.add(executorRemoved.executorId());
    }
  }
}
