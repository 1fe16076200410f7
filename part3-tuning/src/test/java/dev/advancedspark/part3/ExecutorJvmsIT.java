package dev.advancedspark.part3;

import static org.assertj.core.api.Assertions.assertThat;

import dev.advancedspark.common.cluster.ExecutorProcess;
import dev.advancedspark.common.cluster.StandaloneCluster;
import dev.advancedspark.common.testkit.SharedSpark;
import dev.advancedspark.part3.gc.GcCollectorsExample;
import dev.advancedspark.part3.gc.GcCollectorsExample.Run;
import dev.advancedspark.part3.memory.ExecutorOomExample;
import dev.advancedspark.part3.memory.ExecutorOomExample.Outcome;
import dev.advancedspark.part3.monitoring.SparkDoctor.Rule;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Lessons that need executors in JVMs of their own (their own heap, their own collector), on one
 * standalone cluster shared by the class: two workers of one core and 1 GiB, executors of 512 MiB.
 * Each test runs its own application (executor JVM options are per application).
 */
class ExecutorJvmsIT {

  private static final Duration WAIT = Duration.ofMinutes(2);
  private static StandaloneCluster cluster;

  @BeforeAll
  static void startTheCluster() {
    // One SparkContext per JVM: an earlier IT in this Failsafe JVM may have left the shared local
    // session running (SharedSpark creates a new one when a later test asks).
    for (scala.Option<SparkSession> running :
        List.of(SparkSession.getActiveSession(), SparkSession.getDefaultSession())) {
      if (running.isDefined()) {
        running.get().stop();
      }
    }
    SparkSession.clearActiveSession();
    SparkSession.clearDefaultSession();
    cluster =
        StandaloneCluster.builder()
            .workers(2)
            .coresPerWorker(1)
            .memoryPerWorker("1g")
            .workDir(SharedSpark.workDir().resolve("executor-jvms-it"))
            .start();
  }

  @AfterAll
  static void stopTheCluster() {
    if (cluster != null) {
      List<ExecutorProcess> executors = cluster.executorProcesses();
      cluster.close();
      assertThat(executors).noneMatch(e -> e.process().isAlive());
    }
  }

  @Test
  void aTaskHoldingMoreThanTheExecutorHeapDiesOfOutOfMemoryAndTheFixesRun() {
    inApp(
        "executor-oom",
        ExecutorOomExample.oomAppConf(),
        spark -> {
          // given one executor with a 512 MiB heap, and 768 MiB of per-row state
          cluster.awaitRegisteredExecutors(spark, 1, WAIT);
          long rows = 768;
          int bytesPerRow = 1 << 20;

          // when the state is spread over 32 tasks, or folded away row by row (the fixes run
          // first, on the same executor, so that no replacement executor has to start after the
          // failure)
          Outcome morePartitions =
              ExecutorOomExample.run(
                  spark, () -> ExecutorOomExample.holdingState(spark, rows, bytesPerRow, 32));
          Outcome folded =
              ExecutorOomExample.run(
                  spark, () -> ExecutorOomExample.foldingState(spark, rows, bytesPerRow, 1));

          // then both run, count every row, and the doctor has nothing to say
          System.out.println("32 partitions: " + morePartitions + "\nfolded: " + folded);
          assertThat(morePartitions.rows()).isEqualTo(rows);
          assertThat(folded.rows()).isEqualTo(rows);
          assertThat(morePartitions.findings()).isEmpty();
          assertThat(folded.findings()).isEmpty();

          // when one task holds all of it, on that same executor
          Outcome oom =
              ExecutorOomExample.run(
                  spark, () -> ExecutorOomExample.holdingState(spark, rows, bytesPerRow, 1));

          // then the job fails with the executor's OutOfMemoryError (or its exit code 52, when
          // the JVM died before the task's failure reached the driver), and the doctor says so
          System.out.println("one partition: " + oom);
          assertThat(oom.failed()).isTrue();
          assertThat(oom.failure()).containsAnyOf("OutOfMemoryError", "exited with code 52");
          assertThat(oom.findings())
              .extracting(d -> d.rule())
              .containsAnyOf(Rule.TASK_FAILURES, Rule.LOST_EXECUTORS);
        });
  }

  @Test
  void eachExecutorRunsTheRequestedCollectorAndReportsItsGcTime() {
    long pairs = 300_000;
    for (String collector : List.of("G1", "Parallel")) {
      inApp(
          "gc-" + collector,
          GcCollectorsExample.appConf(collector),
          spark -> {
            // given two executors started with the collector's JVM option
            List<ExecutorProcess> executors = cluster.awaitRegisteredExecutors(spark, 2, WAIT);
            String option = GcCollectorsExample.COLLECTORS.get(collector);

            // when the shuffle-heavy job runs, and a probe task asks its JVM for its collectors
            Run run = GcCollectorsExample.measure(spark, pairs, 4);
            Map<Long, String> seen = GcCollectorsExample.collectorsSeenByTasks(spark, 8);

            // then every executor JVM has the option, and the JVMs really run that collector
            System.out.println(collector + ": " + run + " beans " + seen);
            assertThat(executors)
                .allSatisfy(
                    e ->
                        assertThat(GcCollectorsExample.gcOptionsOnCommandLine(e))
                            .containsExactly(option));
            assertThat(seen.keySet())
                .isSubsetOf(executors.stream().map(ExecutorProcess::pid).toList());
            assertThat(seen.values())
                .isNotEmpty()
                .allSatisfy(
                    names ->
                        assertThat(names)
                            .contains(
                                collector.equals("G1") ? "G1 Young Generation" : "PS Scavenge"));
            // and the job ran on both executors, each reporting GC time in its task metrics
            assertThat(run.groups()).isEqualTo(pairs / 100);
            assertThat(run.gcMillisByExecutor()).hasSize(2);
            assertThat(run.gcMillisByExecutor().values())
                .allSatisfy(ms -> assertThat(ms).isPositive());
          });
    }
  }

  private static void inApp(String name, Map<String, String> conf, Consumer<SparkSession> body) {
    SparkSession spark = cluster.session(name, conf);
    try {
      body.accept(spark);
    } finally {
      spark.stop();
      SparkSession.clearActiveSession();
      SparkSession.clearDefaultSession();
    }
  }
}
