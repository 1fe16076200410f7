package dev.advancedspark.common.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.advancedspark.common.testkit.SharedSpark;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/**
 * Starts real Master and Worker JVMs on loopback. Each test checks that nothing it started is left
 * running afterwards, pass or fail.
 */
class StandaloneClusterIT {

  private static final Duration TIMEOUT = Duration.ofSeconds(90);

  private static Path dir(String name) {
    return SharedSpark.workDir().resolve("standalone-cluster-it").resolve(name);
  }

  @Test
  void startsWorkersAsSeparateProcessesWhoseExecutorsRunTheTasks() throws Exception {
    // given a cluster of two one-core workers
    List<ProcessHandle> started = new ArrayList<>();
    try (StandaloneCluster cluster =
        StandaloneCluster.builder().workers(2).coresPerWorker(1).workDir(dir("two")).start()) {
      started.add(cluster.masterProcess());
      started.addAll(cluster.workerProcesses());
      MasterStatus status = cluster.status();
      assertThat(status.url()).isEqualTo(cluster.masterUrl());
      assertThat(status.aliveWorkers()).isEqualTo(2);
      assertThat(status.workers()).allSatisfy(w -> assertThat(w.host()).isEqualTo("127.0.0.1"));

      // when an application runs a job on it
      SparkSession spark = cluster.sessionBuilder("standalone-cluster-it").getOrCreate();
      try {
        List<ExecutorProcess> executors = cluster.awaitRegisteredExecutors(spark, 2, TIMEOUT);
        executors.forEach(e -> started.add(e.process()));
        long sum = spark.range(1, 1001, 1, 4).selectExpr("sum(id)").first().getLong(0);
        List<Long> taskPids =
            spark
                .range(0, 4, 1, 4)
                .map((MapFunction<Long, Long>) i -> ProcessHandle.current().pid(), Encoders.LONG())
                .distinct()
                .collectAsList();

        // then the tasks ran in the two executor JVMs the workers launched, not in this JVM
        assertThat(sum).isEqualTo(500_500L);
        Set<Long> executorPids = new HashSet<>();
        executors.forEach(e -> executorPids.add(e.pid()));
        assertThat(executorPids).hasSize(2).doesNotContain(ProcessHandle.current().pid());
        assertThat(new HashSet<>(taskPids)).isEqualTo(executorPids);
        Set<Long> workerPids = new HashSet<>();
        cluster.workerProcesses().forEach(w -> workerPids.add(w.pid()));
        assertThat(executors)
            .allSatisfy(e -> assertThat(e.process().parent().map(ProcessHandle::pid)).isPresent())
            .allSatisfy(
                e ->
                    assertThat(workerPids)
                        .contains(e.process().parent().map(ProcessHandle::pid).orElseThrow()));
        assertThat(cluster.status().activeApps())
            .extracting(MasterStatus.App::id)
            .containsExactly(spark.sparkContext().applicationId());
      } finally {
        spark.stop();
      }
    }
    // and closing the cluster ended every process it started
    assertThat(started).hasSize(5).noneMatch(ProcessHandle::isAlive);
  }

  @Test
  void aPortAlreadyInUseIsReportedByNumber() throws Exception {
    // given a port that something else holds
    try (ServerSocket taken = new ServerSocket()) {
      taken.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
      int port = taken.getLocalPort();

      // when the cluster is asked to use it, then the error names the port
      assertThatThrownBy(
              () ->
                  StandaloneCluster.builder()
                      .workers(1)
                      .masterPort(port)
                      .workDir(dir("port"))
                      .start())
          .isInstanceOf(StandaloneClusterException.class)
          .hasMessageContaining("Port " + port)
          .hasMessageContaining("already in use");
    }
    assertThat(ProcessHandle.current().children()).noneMatch(ProcessHandle::isAlive);
  }

  @Test
  void aWorkerWithTheWrongSecretNeverRegistersAndTheTimeoutNamesTheLogs() {
    // given workers that present a different secret than the master asks for
    StandaloneCluster.Builder builder =
        StandaloneCluster.builder()
            .workers(1)
            .workDir(dir("wrong-secret"))
            .masterConf("spark.authenticate", "true")
            .masterConf("spark.authenticate.secret", "master-secret")
            .workerConf("spark.authenticate", "true")
            .workerConf("spark.authenticate.secret", "not-the-master-secret")
            .workerTimeout(Duration.ofSeconds(15));

    // when the cluster starts, then it gives up after the deadline with a readable message
    assertThatThrownBy(builder::start)
        .isInstanceOf(StandaloneClusterException.class)
        .hasMessageContaining("Timed out after 15000 ms waiting for 1 worker(s) to register")
        .hasMessageContaining("(0 registered)")
        .hasMessageContaining(
            dir("wrong-secret").resolve("logs").resolve("worker-0.log").toString());
    // and the master and worker it had started are gone
    assertThat(ProcessHandle.current().children()).noneMatch(ProcessHandle::isAlive);
    // and the worker's log says why: the master refused its authentication
    assertThat(dir("wrong-secret").resolve("logs").resolve("worker-0.log"))
        .content()
        .contains("SaslException");
  }

  @Test
  void aSessionIsRefusedWhileThisJvmRunsASparkContextForAnotherMaster() {
    // given a running cluster and a local session in this JVM
    try (StandaloneCluster cluster =
        StandaloneCluster.builder().workers(1).workDir(dir("second-context")).start()) {
      SparkSession local = SharedSpark.session();
      try {
        // when a session on the cluster is asked for, then the error says why, instead of
        // getOrCreate() silently handing back the local session
        assertThatThrownBy(() -> cluster.session("second", Map.of()))
            .isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("A SparkContext for local[2] is already running in this JVM")
            .hasMessageContaining(cluster.masterUrl());
      } finally {
        local.stop();
      }
    }
  }

  @Test
  void aMasterThatDiesIsReportedWithItsExitCodeAndLog() throws Exception {
    // given a running cluster
    try (StandaloneCluster cluster =
        StandaloneCluster.builder().workers(1).workDir(dir("master-dies")).start()) {
      ProcessHandle master = cluster.masterProcess();

      // when its master is killed
      master.destroyForcibly();
      master.onExit().get(30, TimeUnit.SECONDS);

      // then the launcher says so, naming the pid and the log
      assertThatThrownBy(cluster::status)
          .isInstanceOf(StandaloneClusterException.class)
          .hasMessageContaining("The Spark master (pid " + master.pid() + ") exited with code 137")
          .hasMessageContaining(cluster.masterLog().toString());
      assertThatThrownBy(() -> cluster.awaitAliveWorkers(1, Duration.ofSeconds(5)))
          .isInstanceOf(StandaloneClusterException.class)
          .hasMessageContaining("exited");
    }
    assertThat(ProcessHandle.current().children()).noneMatch(ProcessHandle::isAlive);
  }
}
