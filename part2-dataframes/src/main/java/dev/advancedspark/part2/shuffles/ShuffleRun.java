package dev.advancedspark.part2.shuffles;

import dev.advancedspark.common.metrics.MetricsCollector;
import dev.advancedspark.common.metrics.MetricsCollector.Measured;
import dev.advancedspark.common.metrics.RunMetrics;
import dev.advancedspark.common.plan.Plans;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.execution.SparkPlan;

/**
 * One execution of a query: the plan that ran, what its tasks did, and how long it took. The
 * before/after comparisons of this package are pairs of these.
 *
 * @param plan the executed physical plan (AQE's final plan when AQE was on)
 * @param metrics tasks, shuffle bytes and records of the run
 * @param wallMillis wall time of the run
 */
public record ShuffleRun(SparkPlan plan, RunMetrics metrics, long wallMillis) {

  /**
   * Executes {@code query} once without collecting its rows and keeps the plan of that execution.
   * It runs the Dataset's own plan ({@code toRdd}), as {@link Plans#finalPlan} does: a write or a
   * collect would plan a new copy, whose metrics the plan kept here would not show.
   */
  public static ShuffleRun of(SparkSession spark, Dataset<?> query) {
    Measured<Long> m =
        MetricsCollector.measure(spark, () -> query.queryExecution().toRdd().count());
    return new ShuffleRun(query.queryExecution().executedPlan(), m.metrics(), m.wallMillis());
  }

  /** Shuffle exchanges that ran (reused ones not counted). */
  public int shuffles() {
    return Plans.shuffleCount(plan);
  }

  /** One line for an example's output. */
  public String summary() {
    return String.format(
        "exchanges=%d reused=%d tasks=%4d shuffle write=%10s / %,10d records  time=%5d ms",
        shuffles(),
        Plans.reusedExchangeCount(plan),
        metrics.tasks(),
        RunMetrics.bytes(metrics.shuffleWriteBytes()),
        metrics.shuffleWriteRecords(),
        wallMillis);
  }
}
