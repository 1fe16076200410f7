package dev.advancedspark.part3.monitoring;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.pmod;
import static org.apache.spark.sql.functions.repeat;
import static org.apache.spark.sql.functions.sha2;
import static org.apache.spark.sql.functions.sum;

import java.nio.file.Path;
import java.util.Map;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Each {@link SparkDoctor} rule as a small job that has the problem, next to the job with the fix:
 * the doctor's end-to-end tests run both, and the runbooks cut their "fix" sections from here.
 * Every job writes to the {@code noop} sink (or a folder under {@code target/}) so it runs to the
 * end; the session settings a case needs are set by its test.
 */
public final class Reproductions {

  private Reproductions() {}

  private static void run(Dataset<Row> ds) {
    ds.write().format("noop").mode("overwrite").save();
  }

  private static Dataset<Row> digest(Dataset<Row> ds) {
    return ds.select(
        col("customer_id"),
        sha2(repeat(concat_ws("|", col("order_id"), col("status"), col("amount")), 20), 256)
            .as("digest"));
  }

  /** Skew: one hot customer, repartitioned by customer: one task gets most rows. */
  public static void skewedRepartition(Dataset<Row> orders, int partitions) {
    run(digest(orders.repartition(partitions, col("customer_id"))));
  }

  // tag::fix-skew-salt[]
  /** The fix: a salt spreads each customer's rows over the partitions. */
  public static void saltedRepartition(Dataset<Row> orders, int partitions) {
    run(digest(orders.repartition(partitions, col("customer_id"), pmod(col("order_id"), lit(16)))));
  }

  // end::fix-skew-salt[]

  /** Tiny tasks: an aggregation into {@code partitions} shuffle partitions, AQE coalescing off. */
  public static void aggregate(Dataset<Row> orders) {
    run(orders.groupBy("customer_id").agg(sum("amount").as("revenue")));
  }

  /** Too few tasks: everything squeezed into one partition before the heavy step. */
  public static void oneTaskDigest(Dataset<Row> orders) {
    run(digest(orders.repartition(1)));
  }

  // tag::fix-too-few-tasks[]
  /** The fix: at least as many partitions as cores (a small multiple of them). */
  public static void spreadDigest(Dataset<Row> orders, int cores) {
    run(digest(orders.repartition(2 * cores)));
  }

  // end::fix-too-few-tasks[]

  /** A broadcast of the large side: the hint is on the wrong table. */
  public static void broadcastLargeSide(Dataset<Row> orders, Dataset<Row> customers) {
    run(broadcast(orders).join(customers, "customer_id"));
  }

  // tag::fix-broadcast-small-side[]
  /** The fix: broadcast the small side (or drop the hint and let the planner choose). */
  public static void broadcastSmallSide(Dataset<Row> orders, Dataset<Row> customers) {
    run(orders.join(broadcast(customers), "customer_id"));
  }

  // end::fix-broadcast-small-side[]

  /** A join with broadcasting switched off by its thresholds: both sides are shuffled. */
  public static void shuffledJoin(Dataset<Row> orders, Dataset<Row> products) {
    run(orders.join(products, "product_id"));
  }

  /** Recomputation: two actions on one DataFrame read the files twice. */
  public static void twoActionsUncached(SparkSession spark, Path parquet) {
    Dataset<Row> orders = spark.read().parquet(parquet.toString());
    run(orders.groupBy("status").agg(count("*")));
    run(orders.groupBy("product_id").agg(sum("amount")));
  }

  // tag::fix-cache-shared-input[]
  /** The fix: cache what both actions share, and free it after the last one. */
  public static void twoActionsCached(SparkSession spark, Path parquet) {
    Dataset<Row> orders = spark.read().parquet(parquet.toString()).cache();
    try {
      run(orders.groupBy("status").agg(count("*")));
      run(orders.groupBy("product_id").agg(sum("amount")));
    } finally {
      orders.unpersist(true);
    }
  }

  // end::fix-cache-shared-input[]

  /** An exploding join: orders joined to orders on product, a many-to-many key. */
  public static void manyToManyJoin(Dataset<Row> orders) {
    Dataset<Row> other = orders.select(col("product_id"), col("order_id").as("other_order"));
    run(orders.join(other, "product_id"));
  }

  // tag::fix-exploding-join[]
  /** The fix: join on a key that is unique on one side (here: products by product_id). */
  public static void manyToOneJoin(Dataset<Row> orders, Dataset<Row> products) {
    run(orders.join(products, "product_id"));
  }

  // end::fix-exploding-join[]

  /** Small files: a write with one file per partition of a fine-grained repartition. */
  public static void writeManyFiles(Dataset<Row> orders, Path out, int files) {
    orders.repartition(files).write().mode("overwrite").parquet(out.toString());
  }

  // tag::fix-small-output-files[]
  /** The fix: fewer partitions at the write, sized to ~128 MiB-1 GiB per file in production. */
  public static void writeFewFiles(Dataset<Row> orders, Path out, int files) {
    orders.coalesce(files).write().mode("overwrite").parquet(out.toString());
  }

  // end::fix-small-output-files[]

  /** A failing task: one record the code cannot handle. */
  public static void failOnRecord(SparkSession spark, long rows, long bad) {
    spark
        .range(rows)
        .map(
            (MapFunction<Long, Long>)
                id -> {
                  if (id == bad) {
                    throw new IllegalStateException("cannot price order " + id);
                  }
                  return id * 2;
                },
            Encoders.LONG())
        .write()
        .format("noop")
        .mode("overwrite")
        .save();
  }

  // tag::fix-lost-executors[]
  /**
   * When executors are taken away on purpose (spot reclaim, preemption, scale-down), Spark can move
   * their shuffle and cached blocks to the surviving executors first. Executors lost to memory need
   * sizing instead (heap and {@code spark.executor.memoryOverhead}).
   */
  public static Map<String, String> survivesExecutorDecommission() {
    return Map.of(
        "spark.decommission.enabled", "true",
        "spark.storage.decommission.enabled", "true",
        "spark.storage.decommission.shuffleBlocks.enabled", "true",
        "spark.storage.decommission.rddBlocks.enabled", "true");
  }

  // end::fix-lost-executors[]
}
