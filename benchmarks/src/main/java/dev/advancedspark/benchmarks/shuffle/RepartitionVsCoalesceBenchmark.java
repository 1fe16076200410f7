package dev.advancedspark.benchmarks.shuffle;

import static org.apache.spark.sql.functions.col;

import dev.advancedspark.benchmarks.SparkBenchmark;
import dev.advancedspark.common.data.DataGenerators;
import dev.advancedspark.common.data.DataGenerators.OrdersSpec;
import dev.advancedspark.common.io.Sinks;
import dev.advancedspark.common.plan.Plans;
import dev.advancedspark.part1.partitions.RepartitionVsCoalesceExample;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.execution.CoalesceExec;
import org.apache.spark.sql.execution.SparkPlan;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Measures the "fewer output partitions" step: {@code repartition(n)} (a full shuffle, the upstream
 * work keeps its 16 tasks) against {@code coalesce(n)} (no shuffle, but the upstream work runs in
 * {@code n} tasks), for {@code n} = 1 and 2, on a CPU-bound upstream (the orders generator, a
 * filter and a derived column), not cached: the upstream work is the point.
 *
 * <p>Set-up checks the plan: one shuffle for repartition, none and a {@code Coalesce} node for
 * coalesce.
 */
@State(Scope.Benchmark)
public class RepartitionVsCoalesceBenchmark extends SparkBenchmark {

  static final int UPSTREAM_PARTITIONS = 16;

  @Param({"repartition", "coalesce"})
  public String op;

  @Param({"1", "2"})
  public int target;

  @Param({"4000000"})
  public long rows;

  @Setup
  public void setUp() {
    startSpark(
        "RepartitionVsCoalesceBenchmark",
        Map.of("spark.default.parallelism", Integer.toString(UPSTREAM_PARTITIONS)));
    verify(reduce(upstream(spark, rows), op, target), op);
  }

  @Benchmark
  public void reducePartitions() {
    Sinks.runToNoop(reduce(upstream(spark, rows), op, target));
  }

  /** Generated orders (16 partitions from the session's default parallelism), filtered. */
  public static Dataset<Row> upstream(SparkSession spark, long rows) {
    return DataGenerators.orders(spark, OrdersSpec.of(rows).withCustomers(100_000))
        .filter(col("status").notEqual("cancelled"))
        .withColumn("net", col("amount").multiply(0.8));
  }

  /** Part 1's {@code repartitioned} or {@code coalesced} ({@link RepartitionVsCoalesceExample}). */
  public static Dataset<Row> reduce(Dataset<Row> df, String op, int n) {
    return switch (op) {
      case "repartition" -> RepartitionVsCoalesceExample.repartitioned(df, n);
      case "coalesce" -> RepartitionVsCoalesceExample.coalesced(df, n);
      default -> throw new IllegalArgumentException("op must be repartition or coalesce: " + op);
    };
  }

  public static SparkPlan verify(Dataset<Row> reduced, String op) {
    SparkPlan plan = Plans.finalPlan(reduced);
    int shuffles = Plans.shuffleCount(plan);
    boolean coalesced = !Plans.find(plan, CoalesceExec.class).isEmpty();
    boolean ok =
        op.equals("repartition") ? shuffles == 1 && !coalesced : shuffles == 0 && coalesced;
    if (!ok) {
      throw wrongVariant(op, plan.treeString());
    }
    return plan;
  }
}
