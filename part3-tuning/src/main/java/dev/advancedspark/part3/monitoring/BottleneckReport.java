package dev.advancedspark.part3.monitoring;

import dev.advancedspark.common.metrics.RunMetrics;
import dev.advancedspark.part3.monitoring.StageTaskTimes.StageTasks;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads a run's metrics the way an engineer reads the Spark UI, as a pure function: from {@link
 * RunMetrics} (and, for skew, the task times of each stage) to findings, each with the numbers that
 * prove it and the usual fix. No finding means none of the five rules fired, not that the job is
 * fast.
 *
 * <ul>
 *   <li>task skew: in one stage, the longest task is {@code maxSkew} times the median and at least
 *       {@code minSkewGapMillis} longer;
 *   <li>spill: any bytes spilled;
 *   <li>GC: garbage collection above {@code maxGcShare} of task time, and at least {@code
 *       minGcMillis};
 *   <li>shuffle-heavy: at least {@code minShuffleBytes} written to shuffle files, and more than
 *       {@code maxShuffleToInput} times the bytes read from the input;
 *   <li>failed tasks: any task that failed (Spark retried it) or a lost executor.
 * </ul>
 *
 * The floors ({@code minSkewGapMillis}, {@code minGcMillis}, {@code minShuffleBytes}) keep the
 * report quiet about ratios between small numbers: 40 ms against 5 ms is 8x and nothing to fix.
 *
 * <p>Input bytes are only as good as the reader's accounting: with Parquet's vectored reads ({@code
 * parquet.hadoop.vectored.io.enabled}, on by default here with Spark 4.2.0) a scan's column chunks
 * are not counted, so the shuffle-heavy rule can fire on a shuffle smaller than its real input.
 * Measure with vectored reads off when that rule matters.
 */
public final class BottleneckReport {

  /** What a finding is about. */
  public enum Kind {
    TASK_SKEW,
    SPILL,
    GC_PRESSURE,
    SHUFFLE_HEAVY,
    FAILED_TASKS
  }

  /** One bottleneck: its kind, the evidence (numbers from the run) and the usual fix. */
  public record Finding(Kind kind, String evidence, String advice) {
    @Override
    public String toString() {
      return kind + ": " + evidence + " -> " + advice;
    }
  }

  /** The limits above which a rule fires. */
  public record Thresholds(
      double maxSkew,
      long minSkewGapMillis,
      double maxGcShare,
      long minGcMillis,
      double maxShuffleToInput,
      long minShuffleBytes) {

    public Thresholds {
      if (maxSkew < 1 || maxGcShare <= 0 || maxGcShare >= 1 || maxShuffleToInput <= 0) {
        throw new IllegalArgumentException(
            "maxSkew must be >= 1, maxGcShare in (0, 1), maxShuffleToInput > 0");
      }
      if (minSkewGapMillis < 0 || minGcMillis < 0 || minShuffleBytes < 0) {
        throw new IllegalArgumentException("the floors must be >= 0");
      }
    }

    /** 5x skew and 1 s, 10 % GC and 1 s, shuffle above the input and 64 MiB. */
    public static Thresholds defaults() {
      return new Thresholds(5.0, 1_000, 0.10, 1_000, 1.0, 64L << 20);
    }

    public Thresholds withMinSkewGapMillis(long millis) {
      return new Thresholds(
          maxSkew, millis, maxGcShare, minGcMillis, maxShuffleToInput, minShuffleBytes);
    }

    public Thresholds withMinShuffleBytes(long bytes) {
      return new Thresholds(
          maxSkew, minSkewGapMillis, maxGcShare, minGcMillis, maxShuffleToInput, bytes);
    }
  }

  private BottleneckReport() {}

  /** The findings for a run, with the default thresholds and no per-stage task times. */
  public static List<Finding> analyze(RunMetrics m) {
    return analyze(m, List.of(), Thresholds.defaults());
  }

  // tag::rules[]
  /**
   * The findings for a run. With {@code stages} empty, skew is judged over all the run's tasks
   * (longest vs median); with them, per stage.
   */
  public static List<Finding> analyze(RunMetrics m, List<StageTasks> stages, Thresholds t) {
    List<Finding> out = new ArrayList<>();
    if (stages.isEmpty()) {
      skew("all tasks", m.maxTaskMillis(), m.medianTaskMillis(), m.tasks(), t).ifPresent(out::add);
    } else {
      for (StageTasks s : stages) {
        String where = "stage " + s.stageId() + " (" + s.durations().length + " tasks)";
        skew(where, s.maxMillis(), s.medianMillis(), s.durations().length, t).ifPresent(out::add);
      }
    }
    if (m.spilled()) {
      out.add(
          new Finding(
              Kind.SPILL,
              String.format(
                  "spilled %s from memory, %s to disk",
                  RunMetrics.bytes(m.memorySpillBytes()), RunMetrics.bytes(m.diskSpillBytes())),
              "give each task less data (more partitions) or more execution memory"));
    }
    double gcShare =
        m.executorRunMillis() == 0 ? 0 : (double) m.jvmGcMillis() / m.executorRunMillis();
    if (gcShare > t.maxGcShare() && m.jvmGcMillis() >= t.minGcMillis()) {
      out.add(
          new Finding(
              Kind.GC_PRESSURE,
              String.format(
                  "GC took %.0f%% of task time (%,d of %,d ms)",
                  100 * gcShare, m.jvmGcMillis(), m.executorRunMillis()),
              "fewer live objects: DataFrames over RDDs of objects, serialized caching, more"
                  + " memory per core"));
    }
    if (m.shuffleWriteBytes() >= t.minShuffleBytes()
        && m.shuffleWriteBytes() > t.maxShuffleToInput() * m.inputBytes()) {
      out.add(
          new Finding(
              Kind.SHUFFLE_HEAVY,
              String.format(
                  "shuffle wrote %s for %s of input",
                  RunMetrics.bytes(m.shuffleWriteBytes()), RunMetrics.bytes(m.inputBytes())),
              "shuffle less: filter and project first, pre-aggregate, broadcast the small side"));
    }
    if (m.failedTasks() > 0 || m.executorsRemoved() > 0) {
      out.add(
          new Finding(
              Kind.FAILED_TASKS,
              String.format(
                  "%d of %d tasks failed and were retried, %d executors lost",
                  m.failedTasks(), m.tasks(), m.executorsRemoved()),
              "read the first failure's stack trace: retries hide bad data, OOMs and lost nodes"));
    }
    return out;
  }

  // end::rules[]

  private static Optional<Finding> skew(
      String where, long max, long median, int tasks, Thresholds t) {
    if (tasks < 2) {
      return Optional.empty();
    }
    double ratio = (double) max / Math.max(1, median);
    if (ratio <= t.maxSkew() || max - median < t.minSkewGapMillis()) {
      return Optional.empty();
    }
    return Optional.of(
        new Finding(
            Kind.TASK_SKEW,
            String.format(
                "%s: longest task %,d ms, median %,d ms (%.1fx)", where, max, median, ratio),
            "find the hot key: salt it, let AQE split a skewed join, or repartition evenly"));
  }
}
