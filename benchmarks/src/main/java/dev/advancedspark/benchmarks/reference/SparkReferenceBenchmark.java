package dev.advancedspark.benchmarks.reference;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;

import dev.advancedspark.benchmarks.SparkBenchmark;
import dev.advancedspark.benchmarks.join.JoinBenchmark;
import dev.advancedspark.common.io.Sinks;
import dev.advancedspark.common.plan.JoinStrategy;
import dev.advancedspark.common.plan.Plans;
import java.util.List;
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
 * Spark's own micro-benchmark shapes, reproduced on this machine, so that the distance between
 * Spark's published per-row figures and this repository's suites can be measured step by step
 * instead of guessed.
 *
 * <p>The shapes come from {@code JoinBenchmark.scala} and {@code AggregateBenchmark.scala} in
 * {@code sql/core/src/test/scala/org/apache/spark/sql/execution/benchmark/} of apache/spark; their
 * published results are in {@code sql/core/benchmarks/*-results.txt} (quoted in the module README).
 * Spark runs them in a {@code local[1]} session with one shuffle partition, so its "Per Row(ns)" is
 * the time of one core. Here {@code partitions=1} reproduces that (the range is one partition, one
 * task, one shuffle partition: one core works), {@code partitions=2} uses both cores of the suites'
 * {@code local[2]}.
 *
 * <ul>
 *   <li>{@code JOIN_LONG}: "Join w long": {@code spark.range(N).join(broadcast(dim), id % M ===
 *       k).count()}, {@code dim = range(M) as (k, cast(k as string) v)}, {@code M = 2^16}.
 *   <li>{@code JOIN_LONG_NOOP}: the same join written to the {@code noop} sink (every column of
 *       every joined row produced, as this repository's suites do), instead of {@code count()}.
 *   <li>{@code JOIN_GENERATED}: this repository's broadcast join ({@code JoinBenchmark.join}) over
 *       {@code N} generated orders and {@code M} customers, cached in set-up, to {@code noop}.
 *   <li>{@code AGG_WITHOUT_GROUPING}: "agg w/o group": {@code range(N).selectExpr("sum(id)")}.
 *   <li>{@code AGG_LINEAR_KEYS}: "Aggregate w keys" (linear keys): {@code range(N).selectExpr("(id
 *       & 65535) as k").groupBy("k").sum()}.
 * </ul>
 *
 * <p>Set-up checks the plan (a broadcast hash join for the joins) and the answer (every range row
 * matches one key; the sum; the number of groups). Run: {@code benchmarks/run-suite.sh
 * SparkReferenceBenchmark} (see the module README).
 */
@State(Scope.Benchmark)
public class SparkReferenceBenchmark extends SparkBenchmark {

  /** The reproduced shapes. */
  public enum Shape {
    JOIN_LONG,
    JOIN_LONG_NOOP,
    JOIN_GENERATED,
    AGG_WITHOUT_GROUPING,
    AGG_LINEAR_KEYS
  }

  /** The dimension's size in Spark's join benchmark: {@code M = 1 << 16}. */
  public static final int DIM_ROWS = 1 << 16;

  @Param({
    "JOIN_LONG",
    "JOIN_LONG_NOOP",
    "JOIN_GENERATED",
    "AGG_WITHOUT_GROUPING",
    "AGG_LINEAR_KEYS"
  })
  public Shape shape;

  /** 1: Spark's own set-up (one task, one core); 2: both cores. */
  @Param({"1", "2"})
  public int partitions;

  /** Rows of the large side; Spark's join and keyed aggregate use {@code 20 << 20}. */
  @Param({"20971520"})
  public long rows;

  private Dataset<Row> orders;
  private Dataset<Row> customers;

  @Setup
  public void setUp() {
    startSpark("SparkReferenceBenchmark", Map.of());
    conf(partitions).forEach(spark.conf()::set);
    if (shape == Shape.JOIN_GENERATED) {
      orders = JoinBenchmark.orders(spark, rows, DIM_ROWS).repartition(partitions).cache();
      customers = JoinBenchmark.customers(spark, DIM_ROWS).cache();
      Sinks.runToNoop(orders);
      Sinks.runToNoop(customers);
    }
    check(spark, shape, rows, partitions, query());
  }

  @Benchmark
  public long run() {
    Dataset<Row> q = query();
    if (shape == Shape.JOIN_LONG) {
      return q.count();
    }
    Sinks.runToNoop(q);
    return 0;
  }

  private Dataset<Row> query() {
    return shape == Shape.JOIN_GENERATED
        ? JoinBenchmark.join(orders, customers, JoinBenchmark.Strategy.BROADCAST_HASH)
        : query(spark, shape, rows, partitions);
  }

  /**
   * Spark's session settings for these shapes ({@code SqlBasedBenchmark}: no automatic broadcast,
   * one shuffle partition), with {@code partitions} shuffle partitions.
   */
  public static Map<String, String> conf(int partitions) {
    return Map.of(
        "spark.sql.shuffle.partitions",
        Integer.toString(partitions),
        "spark.sql.autoBroadcastJoinThreshold",
        "1",
        "spark.sql.codegen.wholeStage",
        "true");
  }

  /** The range over {@code partitions} partitions: one partition is one task, one core. */
  public static Dataset<Row> range(SparkSession spark, long rows, int partitions) {
    return spark.range(0, rows, 1, partitions).toDF();
  }

  /** The query of a range-based shape (not {@code JOIN_GENERATED}, which needs cached inputs). */
  public static Dataset<Row> query(SparkSession spark, Shape shape, long rows, int partitions) {
    Dataset<Row> range = range(spark, rows, partitions);
    return switch (shape) {
      // tag::spark-join-long[]
      case JOIN_LONG, JOIN_LONG_NOOP -> {
        Dataset<Row> dim =
            broadcast(spark.range(DIM_ROWS).selectExpr("id as k", "cast(id as string) as v"));
        yield range.join(dim, col("id").mod(DIM_ROWS).equalTo(col("k")));
      }
      // end::spark-join-long[]
      case AGG_WITHOUT_GROUPING -> range.selectExpr("sum(id)");
      case AGG_LINEAR_KEYS -> range.selectExpr("(id & 65535) as k").groupBy("k").sum();
      case JOIN_GENERATED ->
          throw new IllegalArgumentException("JOIN_GENERATED needs the cached generated inputs");
    };
  }

  /**
   * Runs the query once and fails the trial unless it has the expected plan and answer: a broadcast
   * hash join matching every one of {@code rows} rows, the sum {@code rows (rows - 1) / 2}, or
   * {@code min(rows, 65536)} groups.
   */
  public static void check(
      SparkSession spark, Shape shape, long rows, int partitions, Dataset<Row> q) {
    switch (shape) {
      case JOIN_LONG, JOIN_LONG_NOOP, JOIN_GENERATED -> {
        List<JoinStrategy> ran = Plans.joinStrategies(Plans.finalPlan(q));
        if (!ran.equals(List.of(JoinStrategy.BROADCAST_HASH))) {
          throw wrongVariant("a broadcast hash join", ran);
        }
        long n = q.count();
        if (n != rows) {
          throw wrongVariant(rows + " joined rows (one key per row)", n + " rows");
        }
      }
      case AGG_WITHOUT_GROUPING -> {
        long sum = q.first().getLong(0);
        if (sum != rows * (rows - 1) / 2) {
          throw wrongVariant("sum(id) = " + rows * (rows - 1) / 2, sum);
        }
      }
      case AGG_LINEAR_KEYS -> {
        long groups = q.count();
        if (groups != Math.min(rows, 65536)) {
          throw wrongVariant(Math.min(rows, 65536) + " groups", groups + " groups");
        }
      }
    }
    if (shape != Shape.JOIN_GENERATED
        && range(spark, rows, partitions).rdd().getNumPartitions() != partitions) {
      throw wrongVariant(partitions + " range partitions", "another number");
    }
  }
}
