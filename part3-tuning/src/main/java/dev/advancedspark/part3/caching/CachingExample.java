package dev.advancedspark.part3.caching;

import static org.apache.spark.sql.functions.sum;

import dev.advancedspark.common.ExampleArgs;
import dev.advancedspark.common.Examples;
import dev.advancedspark.common.RunnableExample;
import dev.advancedspark.common.SparkSessions;
import dev.advancedspark.common.data.DataFiles;
import dev.advancedspark.common.data.DataGenerators;
import dev.advancedspark.common.data.DataGenerators.OrdersSpec;
import dev.advancedspark.common.metrics.MetricsCollector;
import dev.advancedspark.common.metrics.MetricsCollector.Measured;
import dev.advancedspark.common.metrics.RunMetrics;
import dev.advancedspark.common.plan.Plans;
import dev.advancedspark.part3.serialization.Order;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.storage.RDDInfo;
import org.apache.spark.storage.StorageLevel;

/**
 * Caching, step by step: {@code cache()} is lazy (nothing is stored until an action runs), a query
 * over a cached DataFrame reads an {@code InMemoryTableScan} instead of the files, {@code
 * unpersist()} frees the memory and the files are read again. Then the storage levels for an RDD of
 * Java objects: {@code MEMORY_ONLY} keeps the objects (headers, pointers, boxed strings), {@code
 * MEMORY_ONLY_SER} keeps their serialized bytes.
 *
 * <p>How "read from the files" is measured: the plan that ran has a {@code FileScan} (with its
 * "number of files read" metric) or none, and the task metrics count the records read. "Input" in
 * the task metrics (and the UI) of a cached read is not zero: Spark counts the bytes of the cached
 * blocks it read from memory, and one record per cached batch (up to 10,000 rows each), so a cached
 * action reads a handful of input records where the uncached one reads every row. And a DataFrame
 * is cached as compressed columnar batches whatever the level says, so {@code _SER} levels matter
 * for RDDs of objects, not for DataFrames.
 *
 * <pre>
 * bin/run-example CachingExample --rows 1M --objects 1M
 * </pre>
 *
 * Expected output: the uncached query reading every row from the Parquet files on each action; 0
 * RDDs stored after {@code cache()}; the first cached action reading every row once more (it fills
 * the cache), the second reading no file and a few cached batches through an {@code
 * InMemoryTableScan}; after {@code unpersist} 0 RDDs stored and the files read again; the RDD of
 * orders about half the size as {@code MEMORY_ONLY_SER}.
 */
@RunnableExample("Caching: lazy cache, InMemoryTableScan, no file reads, unpersist; _SER levels")
public final class CachingExample {

  static final ExampleArgs ARGS =
      ExampleArgs.forExample("CachingExample")
          .count("rows", "1000000", "orders written to Parquet and cached")
          .count("objects", "1000000", "Order objects in the RDD persisted at two levels");

  /**
   * One action: what its tasks did and the plan that ran.
   *
   * @param metrics the task metrics (input counts cached blocks too)
   * @param plan the plan that ran
   * @param wallMillis wall time of the action
   */
  public record ActionRun(RunMetrics metrics, SparkPlan plan, long wallMillis) {

    public boolean readsCache() {
      return Plans.readsCache(plan);
    }

    /** Files the plan's file scans read (their "number of files read" metric); 0 without one. */
    public long filesRead() {
      return Plans.fileScans(plan).stream()
          .mapToLong(scan -> scan.metrics().get("numFiles").map(m -> m.value()).getOrElse(() -> 0L))
          .sum();
    }

    public String summary() {
      return String.format(
          "files read=%2d  input records=%,8d  InMemoryTableScan=%-5s  time=%5d ms",
          filesRead(), metrics.inputRecords(), readsCache(), wallMillis);
    }
  }

  private CachingExample() {}

  /** The query the example repeats: revenue per order status. */
  public static Dataset<Row> revenuePerStatus(Dataset<Row> orders) {
    return orders.groupBy("status").agg(sum("amount").as("revenue"));
  }

  /** The RDDs (and cached DataFrames) that have at least one partition in storage now. */
  public static List<RDDInfo> storedRdds(SparkSession spark) {
    return Arrays.asList(spark.sparkContext().getRDDStorageInfo());
  }

  /** Runs {@code query} once and reports what it read. */
  public static ActionRun runAction(SparkSession spark, Dataset<Row> query) {
    Measured<SparkPlan> m = MetricsCollector.measure(spark, () -> Plans.finalPlan(query));
    return new ActionRun(m.metrics(), m.result(), m.wallMillis());
  }

  /**
   * The memory an RDD of {@code n} orders takes at {@code level}, as the block manager reports it.
   * The RDD is persisted, materialized by a count, measured and unpersisted.
   */
  public static long memorySizeOf(SparkSession spark, long n, StorageLevel level) {
    // The ids come from range(), made on the executors: a parallelized driver-side list would
    // ship inside the tasks.
    JavaRDD<Order> orders = spark.range(0, n, 1, 4).javaRDD().map(Order::sample).persist(level);
    try {
      orders.count();
      return storedRdds(spark).stream()
          .filter(info -> info.id() == orders.id())
          .mapToLong(RDDInfo::memSize)
          .sum();
    } finally {
      orders.unpersist(true);
    }
  }

  public static void main(String[] args) {
    Examples.run(
        args,
        ARGS,
        (spark, opts) -> {
          Path dir = SparkSessions.TARGET.resolve("data/part3/caching/orders");
          DataFiles.write(
              DataGenerators.orders(spark, OrdersSpec.of(opts.getPositiveLong("rows"))),
              DataFiles.Format.PARQUET,
              dir);
          Dataset<Row> orders = spark.read().parquet(dir.toAbsolutePath().toString());

          System.out.println(
              "uncached 1   " + runAction(spark, revenuePerStatus(orders)).summary());
          System.out.println(
              "uncached 2   " + runAction(spark, revenuePerStatus(orders)).summary());
          // tag::cache-lazy[]
          orders.cache(); // marks the plan; stores nothing yet
          System.out.printf(
              "after cache(): level=%s, RDDs stored=%d%n",
              orders.storageLevel().description(), storedRdds(spark).size());
          ActionRun fill = runAction(spark, revenuePerStatus(orders)); // reads the files once
          ActionRun hit = runAction(spark, revenuePerStatus(orders)); // reads the cache only
          // end::cache-lazy[]
          System.out.println(
              "cached 1     " + fill.summary() + "  (fills the cache: scans the files inside it)");
          System.out.println("cached 2     " + hit.summary());
          for (RDDInfo info : storedRdds(spark)) {
            System.out.printf(
                "stored: %d of %d partitions, %s in memory, %s on disk%n",
                info.numCachedPartitions(),
                info.numPartitions(),
                RunMetrics.bytes(info.memSize()),
                RunMetrics.bytes(info.diskSize()));
          }
          orders.unpersist(true);
          System.out.printf("after unpersist(): RDDs stored=%d%n", storedRdds(spark).size());
          System.out.println(
              "uncached 3   " + runAction(spark, revenuePerStatus(orders)).summary());

          long n = opts.getPositiveLong("objects");
          long deserialized = memorySizeOf(spark, n, StorageLevel.MEMORY_ONLY());
          long serialized = memorySizeOf(spark, n, StorageLevel.MEMORY_ONLY_SER());
          System.out.printf(
              "RDD of %,d Order objects: MEMORY_ONLY %s, MEMORY_ONLY_SER %s (%s)%n",
              n,
              RunMetrics.bytes(deserialized),
              RunMetrics.bytes(serialized),
              spark.sparkContext().getConf().get("spark.serializer", "JavaSerializer"));
        });
  }
}
