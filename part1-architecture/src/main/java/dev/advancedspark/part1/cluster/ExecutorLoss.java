package dev.advancedspark.part1.cluster;

import dev.advancedspark.common.cluster.ExecutorProcess;
import dev.advancedspark.common.cluster.StandaloneCluster;
import dev.advancedspark.common.metrics.Listeners;
import dev.advancedspark.common.metrics.MetricsCollector;
import dev.advancedspark.common.metrics.MetricsCollector.Measured;
import dev.advancedspark.common.metrics.RunMetrics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerExecutorRemoved;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.SparkListenerTaskStart;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Fault tolerance on a real cluster: kills one executor JVM with {@code kill -9} while a job runs,
 * and records what the scheduler did about it. The job still returns its rows: Spark marks the
 * executor lost, fails the task it was running ({@code ExecutorLostFailure}), runs that task again
 * on another executor, and the worker starts a replacement executor.
 */
public final class ExecutorLoss {

  private ExecutorLoss() {}

  /** One task attempt that ended, as the driver's listener saw it. */
  public record TaskEnd(
      int stageId, int index, int attempt, String executorId, boolean successful, String reason) {}

  /**
   * What happened.
   *
   * @param rows the job's result, despite the lost executor
   * @param killed the executor JVM that was killed
   * @param metrics the job's metrics (failed tasks, executors removed)
   * @param removedExecutors the executor ids the driver was told are gone
   * @param taskEnds every task attempt that ended while the job ran
   */
  public record Report(
      List<Row> rows,
      ExecutorProcess killed,
      RunMetrics metrics,
      long wallMillis,
      Set<String> removedExecutors,
      List<TaskEnd> taskEnds) {

    /** The attempts that died with the killed executor. */
    public List<TaskEnd> lostTasks() {
      return taskEnds.stream()
          .filter(t -> !t.successful() && t.executorId().equals(killed.executorId()))
          .toList();
    }

    /** The successful attempts, on other executors, of the tasks that were lost. */
    public List<TaskEnd> reruns() {
      List<TaskEnd> lost = lostTasks();
      return taskEnds.stream()
          .filter(TaskEnd::successful)
          .filter(t -> !t.executorId().equals(killed.executorId()))
          .filter(
              t ->
                  lost.stream().anyMatch(l -> l.stageId() == t.stageId() && l.index() == t.index()))
          .toList();
    }
  }

  /**
   * Starts {@code job} (which must run for seconds: see {@link ClusterManagersExample#slowedDown}),
   * waits until its first task runs, kills the executor running it, and waits for the job to
   * finish.
   */
  public static Report killOneExecutorMidJob(
      SparkSession spark, StandaloneCluster cluster, Supplier<List<Row>> job, Duration timeout) {
    String appId = spark.sparkContext().applicationId();
    Recorder recorder = new Recorder();
    return Listeners.during(
        spark.sparkContext(),
        recorder,
        () -> {
          CompletableFuture<Measured<List<Row>>> running =
              CompletableFuture.supplyAsync(() -> MetricsCollector.measure(spark, job));
          SparkListenerTaskStart first =
              Listeners.await(recorder.firstStart, timeout, "a task to start");
          String victimId = first.taskInfo().executorId();
          ExecutorProcess victim =
              cluster.executorProcesses(appId).stream()
                  .filter(e -> e.executorId().equals(victimId))
                  .findFirst()
                  .orElseThrow(
                      () ->
                          new IllegalStateException(
                              "No process found for executor " + victimId + " of " + appId));
          // kill -9: no shutdown hook, no goodbye to the driver; the worker sees its child exit.
          victim.process().destroyForcibly();
          Listeners.await(victim.process().onExit(), timeout, "executor " + victimId + " to exit");
          Measured<List<Row>> result = Listeners.await(running, timeout, "the job to finish");
          return new Report(
              result.result(),
              victim,
              result.metrics(),
              result.wallMillis(),
              Set.copyOf(recorder.removed),
              new ArrayList<>(recorder.ended));
        });
  }

  /** Listener events arrive on Spark's listener bus thread: keep them in thread-safe holders. */
  private static final class Recorder extends SparkListener {
    final CompletableFuture<SparkListenerTaskStart> firstStart = new CompletableFuture<>();
    final List<TaskEnd> ended = new CopyOnWriteArrayList<>();
    final Set<String> removed = ConcurrentHashMap.newKeySet();

    @Override
    public void onTaskStart(SparkListenerTaskStart taskStart) {
      firstStart.complete(taskStart);
    }

    @Override
    public void onTaskEnd(SparkListenerTaskEnd e) {
      ended.add(
          new TaskEnd(
              e.stageId(),
              e.taskInfo().index(),
              e.taskInfo().attemptNumber(),
              e.taskInfo().executorId(),
              e.taskInfo().successful(),
              e.reason().getClass().getSimpleName().replace("$", "")));
    }

    @Override
    public void onExecutorRemoved(SparkListenerExecutorRemoved executorRemoved) {
      removed.add(executorRemoved.executorId());
    }
  }
}
