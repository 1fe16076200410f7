package dev.advancedspark.part2.shuffles;

import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;

import dev.advancedspark.common.ExampleArgs;
import dev.advancedspark.common.Examples;
import dev.advancedspark.common.RunnableExample;
import dev.advancedspark.common.SqlConfs;
import dev.advancedspark.common.data.DataGenerators;
import dev.advancedspark.common.data.DataGenerators.OrdersSpec;
import dev.advancedspark.common.plan.Plans;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.adaptive.AQEShuffleReadExec;

/**
 * AQE partition coalescing vs a fixed number of shuffle partitions: with {@code
 * spark.sql.shuffle.partitions=200} and AQE off, a small aggregation runs 200 reduce tasks, most of
 * them for a few KiB. With AQE on, Spark looks at the map output sizes and merges neighbouring
 * partitions up to the advisory size, so the same query runs a handful of tasks.
 *
 * <p>The sizes are pinned: {@code coalescePartitions.parallelismFirst=false} makes AQE honour
 * {@code advisoryPartitionSizeInBytes} (64 MiB) instead of aiming at the default parallelism, the
 * setting Spark's docs recommend for busy clusters.
 *
 * <pre>
 * bin/run-example AqeCoalescingExample --rows 1M
 * </pre>
 *
 * Expected output: tasks, shuffle bytes and time with AQE off (map tasks + 200) and on (map tasks +
 * 1 while the shuffle is under 64 MiB).
 */
@RunnableExample("AQE coalesces 200 shuffle partitions into a few tasks: tasks with AQE on vs off")
public final class AqeCoalescingExample {

  static final ExampleArgs ARGS =
      ExampleArgs.forExample("AqeCoalescingExample")
          .count("rows", "1000000", "orders")
          .count("customers", "10000", "customers (groups)");

  /** The fixed partition count readers often inherit: Spark's default. */
  public static final int FIXED_PARTITIONS = 200;

  private AqeCoalescingExample() {}

  // tag::aqe-coalescing[]
  /** The settings of each run: only spark.sql.adaptive.enabled differs. */
  public static Map<String, String> settings(boolean aqe) {
    return Map.of(
        "spark.sql.adaptive.enabled", String.valueOf(aqe),
        "spark.sql.shuffle.partitions", String.valueOf(FIXED_PARTITIONS),
        "spark.sql.adaptive.coalescePartitions.enabled", "true",
        "spark.sql.adaptive.coalescePartitions.parallelismFirst", "false",
        "spark.sql.adaptive.advisoryPartitionSizeInBytes", "64m");
  }

  // end::aqe-coalescing[]

  /** Revenue per customer: a small shuffle output, the typical over-partitioned aggregation. */
  public static Dataset<Row> revenuePerCustomer(Dataset<Row> orders) {
    return orders
        .groupBy("customer_id")
        .agg(sum("amount").as("revenue"), count(lit(1)).as("orders"));
  }

  /** Runs the aggregation with AQE on or off. */
  public static ShuffleRun run(SparkSession spark, Dataset<Row> orders, boolean aqe) {
    return SqlConfs.with(
        spark, settings(aqe), () -> ShuffleRun.of(spark, revenuePerCustomer(orders)));
  }

  /**
   * The number of partitions the final shuffle reads after AQE coalesced them (0 if it did not).
   */
  public static int coalescedPartitions(SparkPlan plan) {
    return Plans.find(plan, AQEShuffleReadExec.class).stream()
        .filter(AQEShuffleReadExec::isCoalescedRead)
        .mapToInt(read -> read.partitionSpecs().size())
        .sum();
  }

  public static void main(String[] args) {
    Examples.run(
        args,
        ARGS,
        (spark, opts) -> {
          Dataset<Row> orders =
              DataGenerators.orders(
                  spark,
                  OrdersSpec.of(opts.getLong("rows")).withCustomers(opts.getLong("customers")));
          run(spark, orders, true); // warm-up
          ShuffleRun off = run(spark, orders, false);
          ShuffleRun on = run(spark, orders, true);
          System.out.printf("map tasks (input partitions): %d%n", orders.rdd().getNumPartitions());
          System.out.printf("%-8s %s%n", "AQE off", off.summary());
          System.out.printf(
              "%-8s %s (reduce partitions after coalescing: %d)%n",
              "AQE on", on.summary(), coalescedPartitions(on.plan()));
        });
  }
}
