package dev.advancedspark.part3.monitoring;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.repeat;
import static org.apache.spark.sql.functions.sha2;

import dev.advancedspark.common.ExampleArgs;
import dev.advancedspark.common.Examples;
import dev.advancedspark.common.RunnableExample;
import dev.advancedspark.common.UsageException;
import dev.advancedspark.common.data.DataGenerators;
import dev.advancedspark.common.data.DataGenerators.OrdersSpec;
import dev.advancedspark.common.data.Skew;
import dev.advancedspark.common.io.Sinks;
import dev.advancedspark.part3.monitoring.BottleneckReport.Finding;
import dev.advancedspark.part3.monitoring.StageTaskTimes.Observed;
import dev.advancedspark.part3.monitoring.StageTaskTimes.StageTasks;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * A job with a planted bottleneck, and the {@link BottleneckReport} that finds it from the metrics
 * alone: orders whose customer 1 holds a share of all rows ({@code --skew hot:0.9}) are
 * repartitioned by customer and hashed row by row, so one task of the second stage does most of the
 * work while its siblings idle.
 *
 * <pre>
 * bin/run-example BottleneckReportExample --rows 2M --skew hot:0.9
 * bin/run-example BottleneckReportExample --rows 2M --skew uniform
 * </pre>
 *
 * Expected output: the run's metrics, the task times of each stage, then one finding, TASK_SKEW in
 * the second stage (measured: longest task 8,439 ms, median 693 ms, 12.2x); with {@code --skew
 * uniform}, "no findings".
 */
@RunnableExample("Bottleneck report: findings (skew, spill, GC, shuffle, failures) from metrics")
public final class BottleneckReportExample {

  static final ExampleArgs ARGS =
      ExampleArgs.forExample("BottleneckReportExample")
          .count("rows", "2000000", "orders")
          .checked(
              "skew",
              "hot:0.9",
              "customer skew: uniform, hot:<fraction> or zipf:<exponent>",
              Skew::parse)
          .count("partitions", "8", "partitions of the stage that hashes the rows");

  private BottleneckReportExample() {}

  /** Orders repartitioned by customer, then a CPU-heavy digest of every row. */
  public static Dataset<Row> digestPerCustomer(Dataset<Row> orders, int partitions) {
    return orders
        .repartition(partitions, col("customer_id"))
        .select(
            col("customer_id"),
            sha2(repeat(concat_ws("|", col("order_id"), col("status"), col("amount")), 200), 256)
                .as("digest"));
  }

  /** Runs the job to the end (noop sink) and returns what it did, stage by stage. */
  public static Observed run(SparkSession spark, Dataset<Row> orders, int partitions) {
    return StageTaskTimes.observe(
        spark, () -> Sinks.runToNoop(digestPerCustomer(orders, partitions)));
  }

  public static void main(String[] args) {
    Examples.run(
        args,
        ARGS,
        (spark, opts) -> {
          Skew skew;
          try {
            skew = Skew.parse(opts.get("skew"));
          } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage(), ARGS.usage());
          }
          Dataset<Row> orders =
              DataGenerators.orders(spark, OrdersSpec.of(opts.getLong("rows")).withSkew(skew));
          Observed observed = run(spark, orders, opts.getInt("partitions"));
          System.out.println(observed.metrics().summary());
          for (StageTasks s : observed.stages()) {
            System.out.printf(
                "stage %d: %d tasks, longest %,d ms, median %,d ms%n",
                s.stageId(), s.durations().length, s.maxMillis(), s.medianMillis());
          }
          List<Finding> findings =
              BottleneckReport.analyze(
                  observed.metrics(), observed.stages(), BottleneckReport.Thresholds.defaults());
          if (findings.isEmpty()) {
            System.out.println("no findings");
          }
          findings.forEach(System.out::println);
        });
  }
}
