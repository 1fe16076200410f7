package dev.advancedspark.part3.upgrade;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.pmod;

import dev.advancedspark.common.ExampleArgs;
import dev.advancedspark.common.Examples;
import dev.advancedspark.common.RunnableExample;
import dev.advancedspark.common.SqlConfs;
import dev.advancedspark.common.metrics.MetricsCollector;
import dev.advancedspark.common.metrics.RunMetrics;
import dev.advancedspark.common.plan.Plans;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.execution.SparkPlan;

/**
 * A job that behaves differently after an upgrade although its code did not change: diff the two
 * physical plans, find the operator that changed, find the setting whose default changed, pin it
 * for this job.
 *
 * <p>The reproduction flips one real default: {@code spark.sql.adaptive.enabled} was {@code false}
 * up to Spark 3.1 and is {@code true} since 3.2 (SPARK-33679). With AQE on, the aggregation's
 * shuffle is read through an {@code AQEShuffleRead coalesced}: the 8 small shuffle partitions of
 * the test become 1 task. For a small stage that is the point of AQE; for a post-shuffle stage that
 * does expensive work per row (a UDF, a model call) on a cluster of many cores, it is the job that
 * got slower after the upgrade: one task does what many did. The plan diff names the operator, the
 * task count confirms it, and {@code spark.sql.adaptive.coalescePartitions.enabled =false} (for
 * this job) gives the old plan back.
 *
 * <pre>
 * bin/run-example UpgradePlanDiffExample --rows 1M
 * </pre>
 */
@RunnableExample("A plan diff after a default changed (AQE on since Spark 3.2): the operator named")
public final class UpgradePlanDiffExample {

  static final ExampleArgs ARGS =
      ExampleArgs.forExample("UpgradePlanDiffExample")
          .count("rows", "200k", "rows aggregated")
          .count("partitions", "8", "shuffle partitions of the aggregation");

  /** The default as it was before the upgrade (Spark 3.0 and 3.1). */
  public static final Map<String, String> BEFORE = Map.of("spark.sql.adaptive.enabled", "false");

  /** The default after the upgrade (Spark 3.2 and later). */
  public static final Map<String, String> AFTER = Map.of("spark.sql.adaptive.enabled", "true");

  private UpgradePlanDiffExample() {}

  /** The job: orders per customer bucket, over {@code partitions} shuffle partitions. */
  public static Dataset<Row> ordersPerBucket(SparkSession spark, long rows, int partitions) {
    return spark
        .range(0, rows, 1, partitions)
        .groupBy(pmod(col("id").multiply(7919), lit(1_000)).as("bucket"))
        .agg(count(lit(1)).as("orders"));
  }

  /**
   * One run of the job under {@code conf}.
   *
   * @param plan the plan that ran (AQE's final plan when AQE is on)
   * @param metrics what its tasks did
   */
  public record Version(SparkPlan plan, RunMetrics metrics) {}

  // tag::plan-diff[]
  /** Runs the job with {@code conf} set (the rest of the session as it is) and keeps its plan. */
  public static Version runWith(
      SparkSession spark, Map<String, String> conf, long rows, int partitions) {
    Map<String, String> all = new LinkedHashMap<>(conf);
    all.put("spark.sql.shuffle.partitions", String.valueOf(partitions));
    SparkPlan[] plan = new SparkPlan[1];
    RunMetrics metrics =
        SqlConfs.with(
            spark,
            all,
            () ->
                MetricsCollector.metricsOf(
                    spark,
                    () -> plan[0] = Plans.finalPlan(ordersPerBucket(spark, rows, partitions))));
    return new Version(plan[0], metrics);
  }

  /** The diff an on-call engineer reads: which operators the new version runs differently. */
  public static PlanDiff diff(Version before, Version after) {
    return PlanDiff.between(before.plan(), after.plan());
  }

  // end::plan-diff[]

  /** The settings of the new version with the old behaviour pinned for this job. */
  public static Map<String, String> afterPinned() {
    // tag::pin-old-behaviour[]
    Map<String, String> pinned = new LinkedHashMap<>(AFTER);
    pinned.put("spark.sql.adaptive.coalescePartitions.enabled", "false");
    // end::pin-old-behaviour[]
    return pinned;
  }

  public static void main(String[] args) {
    Examples.run(
        args,
        ARGS,
        (spark, opts) -> {
          long rows = opts.getPositiveLong("rows");
          int partitions = opts.getPositiveInt("partitions");
          Version before = runWith(spark, BEFORE, rows, partitions);
          Version after = runWith(spark, AFTER, rows, partitions);
          Version pinned = runWith(spark, afterPinned(), rows, partitions);
          System.out.printf("before %s: %d tasks%n", BEFORE, before.metrics().tasks());
          System.out.printf("after  %s: %d tasks%n", AFTER, after.metrics().tasks());
          System.out.println(diff(before, after).describe());
          System.out.printf(
              "after, pinned %s: %d tasks; %s%n",
              afterPinned(), pinned.metrics().tasks(), diff(before, pinned).describe());
        });
  }
}
