package dev.advancedspark.benchmarks.caching;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.sum;

import dev.advancedspark.benchmarks.SparkBenchmark;
import dev.advancedspark.common.data.DataGenerators;
import dev.advancedspark.common.data.DataGenerators.OrdersSpec;
import dev.advancedspark.common.io.Sinks;
import dev.advancedspark.common.plan.Plans;
import dev.advancedspark.part2.joins.JoinStrategiesExample;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.storage.StorageLevel;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Measures a DataFrame computed once and read {@code reuses} times by four different queries, with
 * no cache and with each storage level. One invocation = persist, {@code reuses} queries (the first
 * one fills the cache), unpersist: the cost of filling the cache is part of the bill.
 *
 * <p>Two inputs: {@code generated} is cheap to recompute (generated orders plus two derived
 * columns, and each query computes only the columns it reads), {@code joined} is not (the same
 * orders joined to {@code rows / 40} customers with a sort-merge join, so every recomputation
 * shuffles and sorts both sides). Whether a cache pays depends on that cost against the cost of
 * filling the cache.
 *
 * <p>A cached DataFrame is stored as compressed columnar batches whatever the level, so the {@code
 * _SER} levels are expected to change little here (they matter for RDDs of objects). Set-up checks
 * that the queries read the cache ({@code InMemoryTableScan}) at the named level, or do not when
 * {@code level=NONE}.
 */
@State(Scope.Benchmark)
public class CachingBenchmark extends SparkBenchmark {

  @Param({
    "NONE",
    "MEMORY_ONLY",
    "MEMORY_ONLY_SER",
    "MEMORY_AND_DISK",
    "MEMORY_AND_DISK_SER",
    "DISK_ONLY"
  })
  public String level;

  @Param({"generated", "joined"})
  public String input;

  @Param({"4"})
  public int reuses;

  @Param({"4000000"})
  public long rows;

  @Setup
  public void setUp() {
    startSpark("CachingBenchmark", Map.of("spark.sql.shuffle.partitions", "4"));
    Dataset<Row> base = base(spark, rows, input);
    // Checked before persisting: once an equal plan is cached, no fresh Dataset shows the join.
    SparkPlan uncached = Plans.finalPlan(reuse(base, 0));
    if (Plans.joinStrategies(uncached).isEmpty() == input.equals("joined")) {
      throw wrongVariant(input + " input", uncached.treeString());
    }
    persist(base, level);
    SparkPlan plan = Plans.finalPlan(reuse(base, 0));
    boolean cached = !level.equals("NONE");
    if (Plans.readsCache(plan) != cached) {
      throw wrongVariant(cached ? "a read of the cache" : "no cache", plan.treeString());
    }
    if (cached && !base.storageLevel().equals(StorageLevel.fromString(level))) {
      throw wrongVariant(level, base.storageLevel().description());
    }
    base.unpersist(true);
  }

  @Benchmark
  public void computeOnceReadK() {
    Dataset<Row> base = base(spark, rows, input);
    persist(base, level);
    for (int i = 0; i < reuses; i++) {
      Sinks.runToNoop(reuse(base, i));
    }
    base.unpersist(true);
  }

  /** The shared input: generated orders plus derived columns, a CPU-bound computation. */
  public static Dataset<Row> base(SparkSession spark, long rows) {
    return DataGenerators.orders(spark, OrdersSpec.of(rows).withCustomers(100_000))
        .withColumn("net", col("amount").multiply(0.8))
        .withColumn("big", col("amount").gt(1000));
  }

  /**
   * The shared input for {@code input}: {@code generated} as {@link #base(SparkSession, long)},
   * {@code joined} the same orders joined to their customers by Part 2's {@code
   * JoinStrategiesExample.sortMergeJoin} (its hint keeps Spark from broadcasting the customers,
   * which would make the recomputation cheap again).
   */
  public static Dataset<Row> base(SparkSession spark, long rows, String input) {
    return switch (input) {
      case "generated" -> base(spark, rows);
      case "joined" -> {
        long customers = Math.max(1, rows / 40);
        Dataset<Row> orders =
            DataGenerators.orders(spark, OrdersSpec.of(rows).withCustomers(customers))
                .withColumn("net", col("amount").multiply(0.8))
                .withColumn("big", col("amount").gt(1000));
        Dataset<Row> segments =
            DataGenerators.customers(spark, customers, 7L).select("customer_id", "segment");
        yield JoinStrategiesExample.sortMergeJoin(orders, segments);
      }
      default -> throw new IllegalArgumentException("input must be generated or joined: " + input);
    };
  }

  public static void persist(Dataset<Row> df, String level) {
    if (!level.equals("NONE")) {
      df.persist(StorageLevel.fromString(level));
    }
  }

  /** The i-th query over the shared input (four different shapes, in turn). */
  public static Dataset<Row> reuse(Dataset<Row> base, int i) {
    return switch (i % 4) {
      case 0 -> base.groupBy("status").agg(sum("net"));
      case 1 -> base.groupBy("product_id").agg(avg("quantity"));
      case 2 -> base.filter(col("big")).select("order_id", "customer_id", "net");
      default -> base.groupBy("customer_id").count();
    };
  }
}
