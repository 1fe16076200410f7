package dev.advancedspark.part2.joins;

import static org.apache.spark.sql.functions.col;

import dev.advancedspark.common.ExampleArgs;
import dev.advancedspark.common.Examples;
import dev.advancedspark.common.RunnableExample;
import dev.advancedspark.common.SqlConfs;
import dev.advancedspark.common.data.DataGenerators;
import dev.advancedspark.common.data.DataGenerators.OrdersSpec;
import dev.advancedspark.common.metrics.MetricsCollector;
import dev.advancedspark.common.metrics.MetricsCollector.Measured;
import dev.advancedspark.common.metrics.RunMetrics;
import dev.advancedspark.common.plan.JoinStrategy;
import dev.advancedspark.common.plan.Plans;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.adaptive.AdaptiveSparkPlanExec;

/**
 * Adaptive query execution turning a planned sort-merge join into a broadcast hash join at run
 * time, because the filtered side turned out to be small.
 *
 * <p>The planner only has estimates: without column statistics a filter is assumed to keep every
 * row, so "customers of one segment with id below N" is estimated as big as all customers and the
 * plan is a sort-merge join. AQE runs the shuffle stages first, sees the real size of the filtered
 * side and, when it is under the broadcast threshold ({@code
 * spark.sql.adaptive.autoBroadcastJoinThreshold}, by default the same as {@code
 * spark.sql.autoBroadcastJoinThreshold}), re-plans the join as a broadcast hash join and reads the
 * big side's shuffle output locally instead of by reducer.
 *
 * <p>Read the planned plan before executing: AQE updates its plan node in place as stages finish,
 * so after a run {@code executedPlan()} shows the final plan.
 *
 * <pre>
 * bin/run-example AdaptiveJoinExample
 * bin/run-example AdaptiveJoinExample --rows 2M --customers 200k
 * </pre>
 *
 * Expected output: the estimated and the actual size of the filtered customers, "planned:
 * [SORT_MERGE]", "ran: [BROADCAST_HASH]", and shuffle bytes and time with AQE on and off.
 */
@RunnableExample("AQE turns a planned sort-merge join into a broadcast join at run time")
public final class AdaptiveJoinExample {

  static final ExampleArgs ARGS =
      ExampleArgs.forExample("AdaptiveJoinExample")
          .option("rows", "200000", "generated orders")
          .option("customers", "20000", "generated customers")
          .option("threshold", "100k", "broadcast threshold in bytes (Spark's default is 10M)");

  private AdaptiveJoinExample() {}

  /** The join strategies before and after a run, and the plan that ran. */
  public record PlannedAndFinal(
      List<JoinStrategy> planned, List<JoinStrategy> ran, SparkPlan finalPlan) {}

  /**
   * Orders of the first {@code maxCustomerId} customers: a selective filter the planner can't size.
   */
  public static Dataset<Row> ordersOfFirstCustomers(
      Dataset<Row> orders, Dataset<Row> customers, long maxCustomerId) {
    return orders.join(customers.filter(col("customer_id").leq(maxCustomerId)), "customer_id");
  }

  /** Reads the planned strategy first (AQE mutates its plan node in place), then runs the query. */
  public static PlannedAndFinal plannedAndFinal(Dataset<Row> query) {
    List<JoinStrategy> planned = Plans.joinStrategies(Plans.plannedPlan(query));
    SparkPlan ran = Plans.finalPlan(query);
    return new PlannedAndFinal(planned, Plans.joinStrategies(ran), ran);
  }

  /** The optimizer's size estimate of a DataFrame, in bytes. */
  public static BigInteger estimatedBytes(Dataset<Row> df) {
    return df.queryExecution().optimizedPlan().stats().sizeInBytes().bigInteger();
  }

  /** Settings for the lesson: one broadcast threshold for planner and AQE, AQE on or off. */
  public static Map<String, String> settings(long thresholdBytes, boolean adaptive) {
    return Map.of(
        "spark.sql.adaptive.enabled", String.valueOf(adaptive),
        "spark.sql.autoBroadcastJoinThreshold", String.valueOf(thresholdBytes));
  }

  public static void main(String[] args) {
    Examples.run(
        args,
        ARGS,
        "AdaptiveJoinExample",
        (spark, opts) -> {
          long customersN = opts.getLong("customers");
          long threshold = opts.getLong("threshold");
          Dataset<Row> orders =
              DataGenerators.orders(
                  spark, OrdersSpec.of(opts.getLong("rows")).withCustomers(customersN));
          Dataset<Row> customers = DataGenerators.customers(spark, customersN, 42);
          long few = Math.max(1, customersN / 500);
          Dataset<Row> filtered = customers.filter(col("customer_id").leq(few));
          System.out.printf(
              "filtered customers: estimated %s bytes by the planner, %d rows really;"
                  + " broadcast threshold %d bytes%n",
              estimatedBytes(filtered), filtered.count(), threshold);
          for (boolean adaptive : new boolean[] {true, false, true}) {
            SqlConfs.with(
                spark,
                settings(threshold, adaptive),
                () -> run(spark, ordersOfFirstCustomers(orders, customers, few), adaptive));
          }
          System.out.println("(the first AQE run warms the JVM up; compare the last two)");
        });
  }

  /**
   * Runs the query once and returns the plan that ran. {@code Plans.finalPlan} only executes an
   * adaptive plan (to fix its final form); a static plan is executed here.
   */
  static SparkPlan execute(Dataset<Row> query) {
    SparkPlan plan = Plans.finalPlan(query);
    if (!(plan instanceof AdaptiveSparkPlanExec)) {
      query.queryExecution().toRdd().count();
    }
    return plan;
  }

  private static void run(SparkSession spark, Dataset<Row> query, boolean adaptive) {
    List<JoinStrategy> planned = Plans.joinStrategies(Plans.plannedPlan(query));
    Measured<SparkPlan> m = MetricsCollector.measure(spark, () -> execute(query));
    RunMetrics r = m.metrics();
    System.out.printf(
        "AQE %-5s planned: %-14s ran: %-18s shuffle write=%s shuffle read=%s wall=%d ms%n",
        adaptive,
        planned,
        Plans.joinStrategies(m.result()),
        RunMetrics.bytes(r.shuffleWriteBytes()),
        RunMetrics.bytes(r.shuffleReadBytes()),
        m.wallMillis());
  }
}
