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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.execution.SparkPlan;

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
          .count("rows", "200000", "generated orders")
          .count("customers", "20000", "generated customers")
          .size("threshold", "100k", "broadcast threshold in bytes (Spark's default is 10M)");

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

  /**
   * One measured run of the query.
   *
   * @param adaptive whether AQE was on
   * @param planned the join strategies planned before the run
   * @param ran the join strategies that ran
   * @param metrics shuffle bytes and tasks of the one execution
   * @param wallMillis wall time of the run
   */
  public record Run(
      boolean adaptive,
      List<JoinStrategy> planned,
      List<JoinStrategy> ran,
      RunMetrics metrics,
      long wallMillis) {}

  /** What the example prints: the filtered side's estimated and real size, and the runs. */
  public record Comparison(BigInteger estimatedBytes, long filteredRows, List<Run> runs) {}

  /**
   * Runs the join once with the given AQE setting: reads the planned strategy first (AQE mutates
   * its plan node in place), then executes the query exactly once ({@link Plans#finalPlan} runs
   * adaptive and static plans alike) inside the measured block.
   */
  public static Run run(SparkSession spark, Dataset<Row> query, long threshold, boolean adaptive) {
    return SqlConfs.with(
        spark,
        settings(threshold, adaptive),
        () -> {
          List<JoinStrategy> planned = Plans.joinStrategies(Plans.plannedPlan(query));
          Measured<SparkPlan> m = MetricsCollector.measure(spark, () -> Plans.finalPlan(query));
          return new Run(
              adaptive, planned, Plans.joinStrategies(m.result()), m.metrics(), m.wallMillis());
        });
  }

  /**
   * The lesson end to end: orders of the first {@code customers / 500} customers, run with AQE on
   * (a warm-up), off and on again.
   */
  public static Comparison compare(SparkSession spark, long rows, long customersN, long threshold) {
    Dataset<Row> orders =
        DataGenerators.orders(spark, OrdersSpec.of(rows).withCustomers(customersN));
    Dataset<Row> customers = DataGenerators.customers(spark, customersN, 42);
    long few = Math.max(1, customersN / 500);
    Dataset<Row> filtered = customers.filter(col("customer_id").leq(few));
    List<Run> runs = new ArrayList<>();
    for (boolean adaptive : new boolean[] {true, false, true}) {
      runs.add(run(spark, ordersOfFirstCustomers(orders, customers, few), threshold, adaptive));
    }
    return new Comparison(estimatedBytes(filtered), filtered.count(), runs);
  }

  public static void main(String[] args) {
    Examples.run(
        args,
        ARGS,
        (spark, opts) -> {
          long threshold = opts.getBytes("threshold");
          Comparison c =
              compare(
                  spark,
                  opts.getPositiveLong("rows"),
                  opts.getPositiveLong("customers"),
                  threshold);
          System.out.printf(
              "filtered customers: estimated %s bytes by the planner, %d rows really;"
                  + " broadcast threshold %d bytes%n",
              c.estimatedBytes(), c.filteredRows(), threshold);
          for (Run r : c.runs()) {
            System.out.printf(
                "AQE %-5s planned: %-14s ran: %-18s shuffle write=%s shuffle read=%s wall=%d ms%n",
                r.adaptive(),
                r.planned(),
                r.ran(),
                RunMetrics.bytes(r.metrics().shuffleWriteBytes()),
                RunMetrics.bytes(r.metrics().shuffleReadBytes()),
                r.wallMillis());
          }
          System.out.println("(the first AQE run warms the JVM up; compare the last two)");
        });
  }
}
