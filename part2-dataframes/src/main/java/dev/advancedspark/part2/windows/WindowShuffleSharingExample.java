package dev.advancedspark.part2.windows;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.sum;

import dev.advancedspark.common.ExampleArgs;
import dev.advancedspark.common.Examples;
import dev.advancedspark.common.RunnableExample;
import dev.advancedspark.common.data.DataGenerators;
import dev.advancedspark.common.data.DataGenerators.OrdersSpec;
import dev.advancedspark.common.metrics.MetricsCollector;
import dev.advancedspark.common.metrics.MetricsCollector.Measured;
import dev.advancedspark.common.metrics.RunMetrics;
import dev.advancedspark.common.plan.Plans;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.execution.SortExec;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.window.WindowExec;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;

/**
 * What window functions cost in shuffles and sorts: functions that share a window specification run
 * in one {@code Window} operator over one shuffle and one sort; the same partitioning with another
 * ordering adds a sort but reuses the shuffle; another partitioning adds a shuffle.
 *
 * <p>So when a job computes several window columns, give them the same {@code partitionBy} where
 * the logic allows it (e.g. partition by customer and order by time for every per-customer metric),
 * and the data crosses the network once.
 *
 * <pre>
 * bin/run-example WindowShuffleSharingExample --rows 2M
 * </pre>
 *
 * Expected output: for each variant the number of shuffles, sorts and window operators in the plan
 * that ran, and the measured shuffle bytes and time: "same spec: 1 shuffle, 1 sort", "same
 * partitioning, other order: 1 shuffle, 2 sorts", "two partitionings: 2 shuffles, 2 sorts".
 */
@RunnableExample("Window functions sharing a partitioning share one shuffle (plan + metrics)")
public final class WindowShuffleSharingExample {

  static final ExampleArgs ARGS =
      ExampleArgs.forExample("WindowShuffleSharingExample")
          .count("rows", "200000", "generated orders");

  private WindowShuffleSharingExample() {}

  /** Three per-customer metrics over one window specification: one shuffle, one sort. */
  public static Dataset<Row> sameSpec(Dataset<Row> orders) {
    WindowSpec byCustomer = Window.partitionBy("customer_id").orderBy("order_ts", "order_id");
    return orders
        .withColumn("order_no", row_number().over(byCustomer))
        .withColumn("spent_so_far", sum("amount").over(byCustomer))
        .withColumn("avg_so_far", avg("amount").over(byCustomer));
  }

  /** Same partitioning, two orderings: the shuffle is shared, each ordering needs its own sort. */
  public static Dataset<Row> samePartitioningOtherOrder(Dataset<Row> orders) {
    return orders
        .withColumn(
            "order_no",
            row_number().over(Window.partitionBy("customer_id").orderBy("order_ts", "order_id")))
        .withColumn(
            "amount_rank",
            row_number()
                .over(
                    Window.partitionBy("customer_id")
                        .orderBy(col("amount").desc(), col("order_id"))));
  }

  /** Two partitionings: the data is shuffled once per partitioning. */
  public static Dataset<Row> twoPartitionings(Dataset<Row> orders) {
    return orders
        .withColumn(
            "order_no",
            row_number().over(Window.partitionBy("customer_id").orderBy("order_ts", "order_id")))
        .withColumn(
            "product_order_no",
            row_number().over(Window.partitionBy("product_id").orderBy("order_ts", "order_id")));
  }

  /** Shuffles, sorts and window operators in a plan that ran. */
  public record PlanShape(int shuffles, int sorts, int windows) {
    public static PlanShape of(SparkPlan plan) {
      return new PlanShape(
          Plans.shuffleCount(plan),
          Plans.find(plan, SortExec.class).size(),
          Plans.find(plan, WindowExec.class).size());
    }
  }

  static Map<String, UnaryOperator<Dataset<Row>>> variants() {
    Map<String, UnaryOperator<Dataset<Row>>> v = new LinkedHashMap<>();
    v.put("same spec", WindowShuffleSharingExample::sameSpec);
    v.put(
        "same partitioning, other order", WindowShuffleSharingExample::samePartitioningOtherOrder);
    v.put("two partitionings", WindowShuffleSharingExample::twoPartitionings);
    return v;
  }

  static void report(SparkSession spark, Dataset<Row> orders) {
    variants()
        .forEach(
            (name, variant) -> {
              Dataset<Row> query = variant.apply(orders);
              Measured<SparkPlan> m = MetricsCollector.measure(spark, () -> Plans.finalPlan(query));
              PlanShape shape = PlanShape.of(m.result());
              RunMetrics r = m.metrics();
              System.out.printf(
                  "%-32s shuffles=%d sorts=%d windows=%d | shuffle write=%s wall=%d ms"
                      + " tasks=%d taskMax/median=%d/%d ms%n",
                  name + ":",
                  shape.shuffles(),
                  shape.sorts(),
                  shape.windows(),
                  RunMetrics.bytes(r.shuffleWriteBytes()),
                  m.wallMillis(),
                  r.tasks(),
                  r.maxTaskMillis(),
                  r.medianTaskMillis());
            });
  }

  public static void main(String[] args) {
    Examples.run(
        args,
        ARGS,
        (spark, opts) -> {
          Dataset<Row> orders = DataGenerators.orders(spark, OrdersSpec.of(opts.getLong("rows")));
          // First pass warms the JVM (code generation, class loading); the second is the one to
          // read.
          System.out.println("warm-up run:");
          report(spark, orders);
          System.out.println("measured run:");
          report(spark, orders);
        });
  }
}
