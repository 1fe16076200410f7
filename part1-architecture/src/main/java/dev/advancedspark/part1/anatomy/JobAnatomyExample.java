package dev.advancedspark.part1.anatomy;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;

import dev.advancedspark.common.ExampleArgs;
import dev.advancedspark.common.Examples;
import dev.advancedspark.common.RunnableExample;
import dev.advancedspark.common.SparkSessions;
import dev.advancedspark.common.SqlConfs;
import dev.advancedspark.common.data.DataFiles;
import dev.advancedspark.common.data.DataFiles.Format;
import dev.advancedspark.common.data.DataGenerators;
import dev.advancedspark.common.data.DataGenerators.OrdersSpec;
import dev.advancedspark.common.metrics.MetricsCollector;
import dev.advancedspark.common.metrics.RunMetrics;
import dev.advancedspark.common.plan.Plans;
import dev.advancedspark.common.plan.Plans.Phases;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.exchange.ShuffleExchangeExec;

/**
 * The anatomy of a Spark job: one action becomes jobs, each job stages, each stage tasks. Narrow
 * transformations (filter, select) stay inside a stage; every wide one (groupBy, join, repartition)
 * puts a shuffle, and so a stage boundary, into the plan. Nothing runs before the action.
 *
 * <pre>
 * bin/run-example JobAnatomyExample
 * bin/run-example JobAnatomyExample --rows 10M --band-width 5000
 * </pre>
 *
 * Expected output: "jobs after 4 transformations: 0"; the parsed, analyzed, optimized and physical
 * plans of one SQL query; then, for a query with two shuffles, the predicted stages and tasks next
 * to the ones a listener counted, first with adaptive execution off (1 job, 3 stages, equal counts)
 * and then on (one job per shuffle stage, fewer reduce tasks after coalescing).
 */
@RunnableExample("Jobs, stages, tasks: narrow vs wide, lazy evaluation, the four plan phases")
public final class JobAnatomyExample {

  static final ExampleArgs ARGS =
      ExampleArgs.forExample("JobAnatomyExample")
          .count("rows", "1000000", "orders to generate")
          .count("band-width", "1000", "width of the revenue bands of the second aggregation");

  /**
   * AQE re-plans between stages: it coalesces small shuffle partitions and runs each shuffle stage
   * as its own job. Off, the plan Spark prints is the plan that runs, so counts can be predicted.
   */
  public static final Map<String, String> STATIC_PLAN =
      Map.of("spark.sql.adaptive.enabled", "false");

  private JobAnatomyExample() {}

  /** Narrow transformations only: each output partition depends on one input partition. */
  public static Dataset<Row> validOrderLines(Dataset<Row> orders) {
    return orders
        .filter(col("status").notEqual("cancelled"))
        .select(col("customer_id"), col("amount"), col("quantity"));
  }

  /** One wide transformation: rows of one customer must meet, so Spark shuffles by customer_id. */
  public static Dataset<Row> revenuePerCustomer(Dataset<Row> orders) {
    return validOrderLines(orders)
        .groupBy("customer_id")
        .agg(sum("amount").as("revenue"), count(lit(1)).as("orders"));
  }

  /** Two wide transformations keyed differently: two shuffles, three stages. */
  public static Dataset<Row> customersPerRevenueBand(Dataset<Row> orders, double bandWidth) {
    return revenuePerCustomer(orders)
        .withColumn("band", floor(col("revenue").divide(bandWidth)))
        .groupBy("band")
        .agg(count(lit(1)).as("customers"));
  }

  /** What the physical plan says an action on {@code ds} will run, when AQE is off. */
  public record Prediction(int shuffles, int stages, int tasks, List<Integer> tasksPerStage) {}

  /**
   * Reads the stages and tasks off the physical plan without running anything: one stage per
   * shuffle exchange (its map side, one task per input partition) plus the result stage (one task
   * per output partition). Call it with AQE off: AQE changes the partition counts at run time.
   */
  public static Prediction predict(Dataset<Row> ds) {
    SparkPlan plan = Plans.plannedPlan(ds);
    // Plans.find walks top-down; stages run bottom-up, so reverse for execution order.
    List<ShuffleExchangeExec> exchanges =
        new ArrayList<>(Plans.find(plan, ShuffleExchangeExec.class));
    Collections.reverse(exchanges);
    List<Integer> perStage = new ArrayList<>();
    for (ShuffleExchangeExec exchange : exchanges) {
      // numMappers is the partition count of the RDD feeding the exchange: the map-side tasks.
      perStage.add(exchange.numMappers());
    }
    perStage.add(ds.queryExecution().toRdd().getNumPartitions());
    int tasks = perStage.stream().mapToInt(Integer::intValue).sum();
    return new Prediction(exchanges.size(), exchanges.size() + 1, tasks, List.copyOf(perStage));
  }

  /** Runs the action ({@code collect}) and counts jobs, stages and tasks with a listener. */
  public static MetricsCollector.Measured<List<Row>> runAndCount(
      SparkSession spark, Dataset<Row> ds) {
    return MetricsCollector.measure(spark, ds::collectAsList);
  }

  /** The jobs that building a chain of transformations runs: zero, until an action. */
  public static RunMetrics metricsOfBuildingOnly(SparkSession spark, long rows, double bandWidth) {
    return MetricsCollector.metricsOf(
        spark,
        () -> {
          Dataset<Row> orders = DataGenerators.orders(spark, OrdersSpec.of(rows));
          Dataset<Row> bands = customersPerRevenueBand(orders, bandWidth);
          // Even optimizing and planning the query is driver-side work: still no job.
          bands.queryExecution().executedPlan();
        });
  }

  /**
   * The parsed (unresolved), analyzed (names and types resolved against the catalog), optimized
   * (rules such as constant folding and filter push-down applied) and physical (operators and
   * exchanges chosen) plans of one SQL query over {@code view}.
   */
  public static Phases planPhases(SparkSession spark, String view) {
    // tag::plan-phases[]
    Dataset<Row> q =
        spark.sql(
            "SELECT customer_id, sum(amount) AS revenue FROM "
                + view
                + " WHERE quantity > 2 + 3 GROUP BY customer_id");
    // parsed: 'UnresolvedRelation, '(quantity > (2 + 3))
    // analyzed: columns bound to ids and types
    // optimized: (quantity#3 > 5), pruned columns
    // physical: HashAggregate, Exchange hashpartitioning
    return Plans.phases(q);
    // end::plan-phases[]
  }

  /**
   * What the example prints.
   *
   * @param jobsBeforeAction jobs run while building and planning the query (zero)
   * @param phases the four plans of a SQL query over a Parquet copy of the orders
   * @param predicted shuffles, stages and tasks predicted from the static plan
   * @param staticRun what the query did with AQE off
   * @param adaptiveRun what it did with AQE on
   */
  public record Anatomy(
      long jobsBeforeAction,
      Phases phases,
      Prediction predicted,
      RunMetrics staticRun,
      RunMetrics adaptiveRun) {}

  /** The lesson end to end, for {@code main}. */
  public static Anatomy anatomy(SparkSession spark, long rows, double bandWidth, Path dir) {
    Dataset<Row> orders = DataGenerators.orders(spark, OrdersSpec.of(rows));
    long jobsBeforeAction = metricsOfBuildingOnly(spark, rows, bandWidth).jobs();
    // The plan phases read a Parquet copy: short plans, and a scan that shows push-down.
    Path parquet = DataFiles.write(orders, Format.PARQUET, dir);
    spark.read().parquet(parquet.toAbsolutePath().toString()).createOrReplaceTempView("orders");
    Phases phases = planPhases(spark, "orders");
    Prediction[] predicted = new Prediction[1];
    RunMetrics staticRun =
        SqlConfs.with(
            spark,
            STATIC_PLAN,
            () -> {
              Dataset<Row> q = customersPerRevenueBand(orders, bandWidth);
              predicted[0] = predict(q);
              return runAndCount(spark, q).metrics();
            });
    RunMetrics adaptiveRun =
        SqlConfs.with(
            spark,
            Map.of("spark.sql.adaptive.enabled", "true"),
            () -> runAndCount(spark, customersPerRevenueBand(orders, bandWidth)).metrics());
    return new Anatomy(jobsBeforeAction, phases, predicted[0], staticRun, adaptiveRun);
  }

  public static void main(String[] args) {
    Examples.run(
        args,
        ARGS,
        (spark, opts) -> {
          Anatomy a =
              anatomy(
                  spark,
                  opts.getLong("rows"),
                  opts.getDouble("band-width"),
                  SparkSessions.TARGET.resolve("job-anatomy/orders"));
          System.out.printf(
              "jobs after 4 transformations (filter, select, groupBy, groupBy) and planning: %d%n",
              a.jobsBeforeAction());
          System.out.println("\n== Parsed ==\n" + a.phases().parsed());
          System.out.println("== Analyzed ==\n" + a.phases().analyzed());
          System.out.println("== Optimized ==\n" + a.phases().optimized());
          System.out.println("== Physical ==\n" + a.phases().physical());
          Prediction p = a.predicted();
          RunMetrics m = a.staticRun();
          System.out.printf(
              "AQE off: predicted %d shuffles -> %d stages, tasks per stage %s = %d%n",
              p.shuffles(), p.stages(), p.tasksPerStage(), p.tasks());
          System.out.printf(
              "AQE off: observed  jobs=%d stages=%d tasks=%d%n", m.jobs(), m.stages(), m.tasks());
          RunMetrics on = a.adaptiveRun();
          System.out.printf(
              "AQE on:  observed  jobs=%d stages=%d tasks=%d"
                  + " (a job per shuffle stage; small partitions coalesced)%n",
              on.jobs(), on.stages(), on.tasks());
        });
  }
}
