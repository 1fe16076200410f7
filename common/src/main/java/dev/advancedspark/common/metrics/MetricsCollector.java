package dev.advancedspark.common.metrics;

import dev.advancedspark.common.io.Sinks;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Supplier;
import org.apache.spark.executor.TaskMetrics;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerExecutorRemoved;
import org.apache.spark.scheduler.SparkListenerJobEnd;
import org.apache.spark.scheduler.SparkListenerStageCompleted;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.SparkSession;

/**
 * Measures a block of Spark work with a {@link SparkListener}: jobs, stages, tasks, shuffle, spill,
 * GC, input and task skew, summed into one {@link RunMetrics}.
 *
 * <pre>{@code
 * Measured<Long> m = MetricsCollector.measure(spark, () -> orders.groupBy("customer_id").count().count());
 * assertThat(m.metrics().shuffleWriteBytes()).isPositive();
 * }</pre>
 *
 * <p>Listener events arrive asynchronously; {@code measure} waits until Spark's listener bus has
 * delivered every event of the block before it sums. Other work running in the same session at the
 * same time would be counted too: measure one thing at a time.
 */
public final class MetricsCollector extends SparkListener {

  /** A block's result and what it cost. */
  public record Measured<T>(T result, RunMetrics metrics, long wallMillis) {}

  private final List<TaskMetricsSnapshot> tasks = Collections.synchronizedList(new ArrayList<>());
  private final List<Integer> completedStages = Collections.synchronizedList(new ArrayList<>());
  private volatile int jobs;
  private volatile int failedTasks;
  private volatile int executorsRemoved;

  private record TaskMetricsSnapshot(
      long inputBytes,
      long inputRecords,
      long outputBytes,
      long shuffleWriteBytes,
      long shuffleWriteRecords,
      long shuffleReadBytes,
      long shuffleReadRecords,
      long memorySpill,
      long diskSpill,
      long gc,
      long run,
      long duration) {}

  /** Runs {@code block} and returns its result with the metrics of every task it ran. */
  public static <T> Measured<T> measure(SparkSession spark, Supplier<T> block) {
    MetricsCollector collector = new MetricsCollector();
    long[] wall = new long[1];
    T result =
        Listeners.during(
            spark.sparkContext(),
            collector,
            () -> {
              long start = System.nanoTime();
              try {
                return block.get();
              } finally {
                wall[0] = (System.nanoTime() - start) / 1_000_000;
              }
            });
    return new Measured<>(result, collector.snapshot(), wall[0]);
  }

  /** Runs {@code block} and returns the metrics of every task it ran. */
  public static RunMetrics metricsOf(SparkSession spark, Runnable block) {
    return measure(
            spark,
            () -> {
              block.run();
              return null;
            })
        .metrics();
  }

  /**
   * Runs {@code ds} to the end ({@link Sinks#runToNoop}: every column of every row computed, no row
   * collected) and returns what it cost.
   */
  public static Measured<Void> measureFullRun(Dataset<?> ds) {
    return measure(
        ds.sparkSession(),
        () -> {
          Sinks.runToNoop(ds);
          return null;
        });
  }

  /** The metrics of {@link #measureFullRun}: a query run to the end, nothing collected. */
  public static RunMetrics metricsOfFullRun(Dataset<?> ds) {
    return measureFullRun(ds).metrics();
  }

  @Override
  public void onJobEnd(SparkListenerJobEnd jobEnd) {
    jobs++;
  }

  @Override
  public void onStageCompleted(SparkListenerStageCompleted stageCompleted) {
    if (stageCompleted.stageInfo().failureReason().isEmpty()) {
      completedStages.add(stageCompleted.stageInfo().stageId());
    }
  }

  @Override
  public void onExecutorRemoved(SparkListenerExecutorRemoved executorRemoved) {
    executorsRemoved++;
  }

  @Override
  public void onTaskEnd(SparkListenerTaskEnd taskEnd) {
    if (!taskEnd.taskInfo().successful()) {
      failedTasks++;
    }
    TaskMetrics m = taskEnd.taskMetrics();
    if (m == null) {
      tasks.add(
          new TaskMetricsSnapshot(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, taskEnd.taskInfo().duration()));
      return;
    }
    tasks.add(
        new TaskMetricsSnapshot(
            m.inputMetrics().bytesRead(),
            m.inputMetrics().recordsRead(),
            m.outputMetrics().bytesWritten(),
            m.shuffleWriteMetrics().bytesWritten(),
            m.shuffleWriteMetrics().recordsWritten(),
            m.shuffleReadMetrics().totalBytesRead(),
            m.shuffleReadMetrics().recordsRead(),
            m.memoryBytesSpilled(),
            m.diskBytesSpilled(),
            m.jvmGCTime(),
            m.executorRunTime(),
            taskEnd.taskInfo().duration()));
  }

  private RunMetrics snapshot() {
    List<TaskMetricsSnapshot> all;
    synchronized (tasks) {
      all = new ArrayList<>(tasks);
    }
    long[] durations = all.stream().mapToLong(TaskMetricsSnapshot::duration).sorted().toArray();
    long max = durations.length == 0 ? 0 : durations[durations.length - 1];
    long median = durations.length == 0 ? 0 : durations[durations.length / 2];
    return new RunMetrics(
        jobs,
        completedStages.size(),
        all.size(),
        failedTasks,
        all.stream().mapToLong(TaskMetricsSnapshot::inputBytes).sum(),
        all.stream().mapToLong(TaskMetricsSnapshot::inputRecords).sum(),
        all.stream().mapToLong(TaskMetricsSnapshot::outputBytes).sum(),
        all.stream().mapToLong(TaskMetricsSnapshot::shuffleWriteBytes).sum(),
        all.stream().mapToLong(TaskMetricsSnapshot::shuffleWriteRecords).sum(),
        all.stream().mapToLong(TaskMetricsSnapshot::shuffleReadBytes).sum(),
        all.stream().mapToLong(TaskMetricsSnapshot::shuffleReadRecords).sum(),
        all.stream().mapToLong(TaskMetricsSnapshot::memorySpill).sum(),
        all.stream().mapToLong(TaskMetricsSnapshot::diskSpill).sum(),
        all.stream().mapToLong(TaskMetricsSnapshot::gc).sum(),
        all.stream().mapToLong(TaskMetricsSnapshot::run).sum(),
        max,
        median,
        executorsRemoved);
  }
}
