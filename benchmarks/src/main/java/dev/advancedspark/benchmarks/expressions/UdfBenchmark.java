package dev.advancedspark.benchmarks.expressions;

import dev.advancedspark.benchmarks.SparkBenchmark;
import dev.advancedspark.common.data.DataGenerators;
import dev.advancedspark.common.data.DataGenerators.OrdersSpec;
import dev.advancedspark.common.io.Sinks;
import dev.advancedspark.common.plan.Plans;
import dev.advancedspark.part2.pushdown.PushdownDefeatersExample;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.expressions.ScalaUDF;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * A Java UDF against the same built-in comparison: Part 2's {@code order_id = X} filter written as
 * {@link PushdownDefeatersExample#viaUdf} (baseline) and as {@link
 * PushdownDefeatersExample#onTheRawColumn}, over cached orders.
 *
 * <p>Pushdown is out of the picture here (the input is an in-memory cache, not files), and the
 * cache's batch pruning by min/max statistics is switched off, so both variants evaluate their
 * predicate on every row: the difference is the cost of the UDF call itself (boxing, the conversion
 * to Java types, a call the code generator cannot inline). Set-up checks that only the UDF
 * variant's plan holds a {@code ScalaUDF} and that both find the same rows.
 */
@State(Scope.Benchmark)
public class UdfBenchmark extends SparkBenchmark {

  @Param({"udf", "builtin"})
  public String predicate;

  @Param({"4000000"})
  public long rows;

  private Dataset<Row> orders;
  private Column condition;

  @Setup
  public void setUp() {
    startSpark(
        "UdfBenchmark",
        Map.of(
            "spark.sql.inMemoryColumnarStorage.partitionPruning",
            "false",
            "spark.sql.shuffle.partitions",
            "2"));
    orders = DataGenerators.orders(spark, OrdersSpec.of(rows)).cache();
    Sinks.runToNoop(orders);
    long id = rows / 2;
    condition = condition(predicate, id);
    check(orders, predicate, id);
  }

  @Benchmark
  public void filter() {
    Sinks.runToNoop(orders.where(condition));
  }

  /** The lesson's predicate for the variant. */
  public static Column condition(String predicate, long orderId) {
    return switch (predicate) {
      case "udf" -> PushdownDefeatersExample.viaUdf(orderId);
      case "builtin" -> PushdownDefeatersExample.onTheRawColumn(orderId);
      default ->
          throw new IllegalArgumentException("predicate must be udf or builtin: " + predicate);
    };
  }

  /** Fails unless the plan holds a UDF exactly for the UDF variant and the two find one order. */
  public static void check(Dataset<Row> orders, String predicate, long orderId) {
    Dataset<Row> filtered = orders.where(condition(predicate, orderId));
    boolean udf = planHasUdf(filtered);
    if (udf != predicate.equals("udf")) {
      throw wrongVariant(
          predicate + (udf ? " without a UDF" : " with a UDF"),
          filtered.queryExecution().optimizedPlan());
    }
    long found = filtered.count();
    long expected = orders.where(condition("builtin", orderId)).count();
    if (found != expected || expected != 1) {
      throw new IllegalStateException(
          "Benchmark answer check failed: " + found + " rows vs " + expected + " (expected 1)");
    }
  }

  /** True when the optimized plan evaluates a Scala/Java UDF. */
  public static boolean planHasUdf(Dataset<Row> df) {
    return Plans.expressions(df.queryExecution().optimizedPlan()).stream()
        .anyMatch(e -> e instanceof ScalaUDF);
  }
}
