package dev.advancedspark.part3.monitoring;

import dev.advancedspark.common.metrics.Listeners;
import dev.advancedspark.common.metrics.MetricsCollector;
import dev.advancedspark.common.metrics.RunMetrics;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerStageSubmitted;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.SparkSession;

/**
 * Task durations per stage, from a {@link SparkListener}: skew is a property of one stage (one hot
 * partition among its siblings), and the whole-run median of {@link RunMetrics} mixes the short
 * tasks of one stage with the long ones of another.
 */
public final class StageTaskTimes extends SparkListener {

  /** The tasks of one stage (attempts included). */
  public record StageTasks(int stageId, String name, long[] durations) {

    public long maxMillis() {
      return Arrays.stream(durations).max().orElse(0);
    }

    public long medianMillis() {
      long[] sorted = durations.clone();
      Arrays.sort(sorted);
      return sorted.length == 0 ? 0 : sorted[sorted.length / 2];
    }

    /** The longest task over the median one; 1.0 for an empty or single-task stage. */
    public double skew() {
      long median = medianMillis();
      return durations.length < 2 ? 1.0 : (double) maxMillis() / Math.max(1, median);
    }
  }

  /** What a block of work did: the summed metrics and the task times of each stage. */
  public record Observed(RunMetrics metrics, List<StageTasks> stages) {}

  private final Map<Integer, List<Long>> durations = new ConcurrentHashMap<>();
  private final Map<Integer, String> names = new ConcurrentHashMap<>();

  /** Runs {@code block} and returns its metrics with the task times of every stage it ran. */
  public static Observed observe(SparkSession spark, Runnable block) {
    StageTaskTimes times = new StageTaskTimes();
    RunMetrics metrics =
        Listeners.during(
            spark.sparkContext(), times, () -> MetricsCollector.metricsOf(spark, block));
    return new Observed(metrics, times.stages());
  }

  @Override
  public void onStageSubmitted(SparkListenerStageSubmitted stageSubmitted) {
    names.put(stageSubmitted.stageInfo().stageId(), stageSubmitted.stageInfo().name());
  }

  @Override
  public void onTaskEnd(SparkListenerTaskEnd taskEnd) {
    durations
        .computeIfAbsent(taskEnd.stageId(), id -> new CopyOnWriteArrayList<>())
        .add(taskEnd.taskInfo().duration());
  }

  private List<StageTasks> stages() {
    List<StageTasks> out = new ArrayList<>();
    new TreeMap<>(durations)
        .forEach(
            (id, times) ->
                out.add(
                    new StageTasks(
                        id,
                        names.getOrDefault(id, "stage " + id),
                        times.stream().mapToLong(Long::longValue).toArray())));
    return out;
  }
}
