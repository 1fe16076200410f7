package dev.advancedspark.common.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.advancedspark.common.testkit.SharedSpark;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Starts real Master and Worker JVMs on loopback. The tests that only use a cluster share one (two
 * one-core workers, started once for the class); the tests of failures (a taken port, a wrong
 * secret, a master that dies) start their own. Each checks that nothing it started is left running
 * afterwards, pass or fail.
 */
class StandaloneClusterIT {

  private static final Duration TIMEOUT = Duration.ofSeconds(90);

  /** Two one-core workers, shared by the tests that do not break it. */
  private static StandaloneCluster cluster;

  /** Every process the shared cluster started (daemons, executors), checked after close. */
  private static final List<ProcessHandle> started = new CopyOnWriteArrayList<>();

  private static Path dir(String name) {
    return SharedSpark.workDir().resolve("standalone-cluster-it").resolve(name);
  }

  @BeforeAll
  static void startTheSharedCluster() {
    cluster = StandaloneCluster.builder().workers(2).coresPerWorker(1).workDir(dir("two")).start();
    started.add(cluster.masterProcess());
    started.addAll(cluster.workerProcesses());
  }

  @AfterAll
  static void closingTheSharedClusterEndsEveryProcessItStarted() {
    if (cluster != null) {
      cluster.close();
      // master, both workers and every executor an application had on it
      assertThat(started).hasSizeGreaterThanOrEqualTo(3).noneMatch(ProcessHandle::isAlive);
    }
  }

  /** The pids of this JVM's child processes now, to tell a test's own children from the rest. */
  private static Set<Long> childPids() {
    Set<Long> pids = new HashSet<>();
    ProcessHandle.current().children().forEach(p -> pids.add(p.pid()));
    return pids;
  }

  /** The children started since {@code before} that still run. */
  private static List<ProcessHandle> aliveChildrenSince(Set<Long> before) {
    return ProcessHandle.current()
        .children()
        .filter(p -> !before.contains(p.pid()))
        .filter(ProcessHandle::isAlive)
        .toList();
  }

  @Test
  void startsWorkersAsSeparateProcessesWhoseExecutorsRunTheTasks() throws Exception {
    // given a cluster of two one-core workers
    MasterStatus status = cluster.status();
    assertThat(status.url()).isEqualTo(cluster.masterUrl());
    assertThat(status.aliveWorkers()).isEqualTo(2);
    assertThat(status.workers()).allSatisfy(w -> assertThat(w.host()).isEqualTo("127.0.0.1"));

    // when an application runs a job on it
    SparkSession spark = cluster.sessionBuilder("standalone-cluster-it").getOrCreate();
    List<ExecutorProcess> executors;
    try {
      executors = cluster.awaitRegisteredExecutors(spark, 2, TIMEOUT);
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
    // and when the application stops, its workers end its executor JVMs
    for (ExecutorProcess e : executors) {
      e.process().onExit().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    }
  }

  @Test
  void waitingForMoreWorkersThanRunEndsAtTheDeadlineAndNamesTheLogs() {
    // when the shared cluster's two workers are awaited as three, then the wait ends at its
    // deadline with what it waited for, what it saw and the logs to read
    assertThatThrownBy(() -> cluster.awaitAliveWorkers(3, Duration.ofMillis(500)))
        .isInstanceOf(StandaloneClusterException.class)
        .hasMessageContaining("Timed out after 500 ms waiting for 3 worker(s) to register")
        .hasMessageContaining("(2 registered)")
        .hasMessageContaining(cluster.workerLogs().get(1).toString());
    // and the cluster is still whole
    cluster.requireRunning();
  }

  @Test
  void aPortAlreadyInUseIsReportedByNumber() throws Exception {
    // given a port that something else holds
    Set<Long> before = childPids();
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
    assertThat(aliveChildrenSince(before)).isEmpty();
  }

  @Test
  void aWorkerWithTheWrongSecretIsReportedAtOnceWithTheReasonAndItsLog() {
    // given workers that present a different secret than the master asks for, and a deadline
    // far away: the worker retries for minutes, so only its log can end the wait early
    Set<Long> before = childPids();
    StandaloneCluster.Builder builder =
        StandaloneCluster.builder()
            .workers(1)
            .workDir(dir("wrong-secret"))
            .masterConf("spark.authenticate", "true")
            .masterConf("spark.authenticate.secret", "master-secret")
            .workerConf("spark.authenticate", "true")
            .workerConf("spark.authenticate.secret", "not-the-master-secret")
            .workerTimeout(Duration.ofSeconds(60));

    // when the cluster starts, then it gives up as soon as the master refuses the worker, with
    // the reason from the worker's log (not "timed out") and the log to read
    Path workerLog = dir("wrong-secret").resolve("logs").resolve("worker-0.log");
    assertThatThrownBy(builder::start)
        .isInstanceOf(StandaloneClusterException.class)
        .hasMessageContaining("Spark worker 0 could not authenticate with the master spark://")
        .hasMessageContaining("javax.security.sasl.SaslException")
        .hasMessageContaining("same spark.authenticate settings and secret")
        .hasMessageContaining("Worker log: " + workerLog)
        .hasMessageNotContaining("Timed out");
    // and the master and worker it had started are gone
    assertThat(aliveChildrenSince(before)).isEmpty();
    // and the worker's log says why: the master refused its authentication
    assertThat(workerLog).content().contains("SaslException");
  }

  @Test
  void aSessionIsRefusedWhileThisJvmRunsASparkContextForAnotherMaster() {
    // given a running cluster and a local session in this JVM
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

  @Test
  void aMasterThatDiesIsReportedWithItsExitCodeAndLog() throws Exception {
    // given a running cluster of its own (this test breaks it)
    Set<Long> before = childPids();
    try (StandaloneCluster own =
        StandaloneCluster.builder().workers(1).workDir(dir("master-dies")).start()) {
      ProcessHandle master = own.masterProcess();

      // when its master is killed
      master.destroyForcibly();
      master.onExit().get(30, TimeUnit.SECONDS);

      // then the launcher says so, naming the pid and the log
      assertThatThrownBy(own::status)
          .isInstanceOf(StandaloneClusterException.class)
          .hasMessageContaining("The Spark master (pid " + master.pid() + ") exited with code 137")
          .hasMessageContaining(own.masterLog().toString());
      assertThatThrownBy(() -> own.awaitAliveWorkers(1, Duration.ofSeconds(5)))
          .isInstanceOf(StandaloneClusterException.class)
          .hasMessageContaining("exited");
    }
    assertThat(aliveChildrenSince(before)).isEmpty();
  }
}
