package dev.advancedspark.benchmarks.join;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;

import dev.advancedspark.benchmarks.SparkBenchmark;
import dev.advancedspark.common.data.DataGenerators;
import dev.advancedspark.common.io.Sinks;
import dev.advancedspark.common.plan.Plans;
import dev.advancedspark.part2.joins.SkewedJoinExample;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Part 2's skewed join, measured: orders where one customer holds {@code hot} of the rows, joined
 * to customers with a sort-merge join, with no skew handling (baseline), with AQE's skew-join
 * splitting, and salted. The queries and settings are {@link SkewedJoinExample}'s own, so a change
 * to the lesson changes the measurement.
 *
 * <p>Set-up caches both sides, then checks that the variant ran as named (AQE split the hot
 * partition only in {@code AQE_SKEW_JOIN}) and that its answer (row count and amount sum) equals a
 * broadcast join's at the measured size.
 */
@State(Scope.Benchmark)
public class SkewJoinBenchmark extends SparkBenchmark {

  /** The variants, as named in the results. */
  public enum Variant {
    NONE,
    AQE_SKEW_JOIN,
    SALTED
  }

  @Param({"NONE", "AQE_SKEW_JOIN", "SALTED"})
  public Variant variant;

  /** Orders. */
  @Param({"4000000"})
  public long rows;

  /** Share of the orders that belong to customer 1. */
  @Param({"0.5"})
  public double hot;

  static final long CUSTOMERS = 10_000;
  static final int SALT_BUCKETS = 16;
  static final int MAP_TASKS = 16;

  private Dataset<Row> orders;
  private Dataset<Row> customers;

  @Setup
  public void setUp() {
    startSpark(
        "SkewJoinBenchmark", Map.of("spark.sql.shuffle.partitions", String.valueOf(PARTITIONS)));
    orders =
        SkewedJoinExample.skewedOrders(spark, rows, CUSTOMERS, hot, MAP_TASKS)
            .select("order_id", "customer_id", "amount")
            .cache();
    customers = DataGenerators.customers(spark, CUSTOMERS, 42).cache();
    Sinks.runToNoop(orders);
    Sinks.runToNoop(customers);
    settings(variant, partitionBytes(rows)).forEach(spark.conf()::set);
    check(spark, query(), variant, orders, customers);
  }

  @Benchmark
  public void join() {
    Sinks.runToNoop(query());
  }

  private Dataset<Row> query() {
    return query(orders, customers, variant);
  }

  /** Shuffle partitions of the join (a multiple of the 2 cores), as in {@link JoinBenchmark}. */
  static final int PARTITIONS = 16;

  /**
   * AQE's advisory size and skew threshold, scaled to the data: 256 KiB per 400,000 orders (16 KiB
   * at least), so the hot customer's partition is far above it at every size.
   */
  public static long partitionBytes(long rows) {
    return Math.max(16 * 1024, rows * 256 * 1024 / 400_000);
  }

  /** The example's settings for the variant. */
  public static Map<String, String> settings(Variant v, long partitionBytes) {
    return v == Variant.AQE_SKEW_JOIN
        ? SkewedJoinExample.aqeSkewSettings(partitionBytes)
        : SkewedJoinExample.noSkewHandlingSettings(partitionBytes);
  }

  /** The example's join for the variant. */
  public static Dataset<Row> query(Dataset<Row> orders, Dataset<Row> customers, Variant v) {
    return v == Variant.SALTED
        ? SkewedJoinExample.saltedJoin(orders, customers, "customer_id", "order_id", SALT_BUCKETS)
        : SkewedJoinExample.join(orders, customers);
  }

  /**
   * Runs the variant once under the session's current settings: fails unless AQE split the join
   * exactly when the variant says so, and unless the answer equals a broadcast join's.
   */
  public static void check(
      SparkSession spark,
      Dataset<Row> query,
      Variant v,
      Dataset<Row> orders,
      Dataset<Row> customers) {
    boolean split = SkewedJoinExample.skewSplit(Plans.finalPlan(query));
    if (split != (v == Variant.AQE_SKEW_JOIN)) {
      throw wrongVariant(
          v + (v == Variant.AQE_SKEW_JOIN ? " (a skew split)" : " (no split)"), split);
    }
    Row expected = answer(orders.join(broadcast(customers), "customer_id"));
    Row actual = answer(query);
    if (!expected.equals(actual)) {
      throw new IllegalStateException(
          "Benchmark answer check failed for " + v + ": " + actual + " vs " + expected);
    }
  }

  /** Row count and the sum of amounts in cents (exact, whatever the order of addition). */
  static Row answer(Dataset<Row> joined) {
    return joined
        .agg(
            count(lit(1)).as("n"),
            sum(col("amount").multiply(100).cast("decimal(20,0)")).as("cents"))
        .first();
  }
}
