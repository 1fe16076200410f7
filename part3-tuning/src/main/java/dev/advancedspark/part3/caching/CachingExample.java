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
 * MEMORY_ONLY_SER} keeps their serialized bytes. The two sizes are not measured the same way: for
 * deserialized objects the block manager's {@code memSize} is an estimate ({@code SizeEstimator},
 * sampled while the partition is unrolled), for serialized blocks it is the exact byte count.
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
   * The memory an RDD of {@code n} orders takes at {@code level}, as the block manager reports it:
   * for {@code MEMORY_ONLY} Spark's {@code SizeEstimator} estimate of the objects, for {@code
   * MEMORY_ONLY_SER} the serialized bytes. The RDD is persisted, materialized by a count, measured
   * and unpersisted.
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

  /**
   * What the example prints.
   *
   * @param uncached1 the query over the files, first run
   * @param uncached2 the same, second run
   * @param levelAfterCache the storage level right after {@code cache()}
   * @param storedAfterCache RDDs stored right after {@code cache()} (none: it is lazy)
   * @param fill the first cached action (fills the cache)
   * @param hit the second cached action (reads the cache only)
   * @param stored what the block manager held after the two actions
   * @param storedAfterUnpersist RDDs stored after {@code unpersist}
   * @param uncached3 the query over the files again
   * @param objects Order objects in the RDD measured at two levels
   * @param memoryOnly their size as {@code MEMORY_ONLY} ({@code SizeEstimator}'s estimate)
   * @param memoryOnlySer their size as {@code MEMORY_ONLY_SER} (serialized bytes)
   */
  public record Lesson(
      ActionRun uncached1,
      ActionRun uncached2,
      String levelAfterCache,
      int storedAfterCache,
      ActionRun fill,
      ActionRun hit,
      List<RDDInfo> stored,
      int storedAfterUnpersist,
      ActionRun uncached3,
      long objects,
      long memoryOnly,
      long memoryOnlySer) {}

  /** The lesson end to end: {@code rows} orders written to {@code dir} and cached. */
  public static Lesson lesson(SparkSession spark, long rows, long objects, Path dir) {
    DataFiles.write(
        DataGenerators.orders(spark, OrdersSpec.of(rows)), DataFiles.Format.PARQUET, dir);
    Dataset<Row> orders = spark.read().parquet(dir.toAbsolutePath().toString());
    ActionRun uncached1 = runAction(spark, revenuePerStatus(orders));
    ActionRun uncached2 = runAction(spark, revenuePerStatus(orders));
    // tag::cache-lazy[]
    orders.cache(); // marks the plan; stores nothing yet
    int storedAfterCache = storedRdds(spark).size();
    ActionRun fill = runAction(spark, revenuePerStatus(orders)); // reads the files once
    ActionRun hit = runAction(spark, revenuePerStatus(orders)); // reads the cache only
    // end::cache-lazy[]
    String level = orders.storageLevel().description();
    List<RDDInfo> stored = storedRdds(spark);
    orders.unpersist(true);
    int storedAfterUnpersist = storedRdds(spark).size();
    ActionRun uncached3 = runAction(spark, revenuePerStatus(orders));
    return new Lesson(
        uncached1,
        uncached2,
        level,
        storedAfterCache,
        fill,
        hit,
        stored,
        storedAfterUnpersist,
        uncached3,
        objects,
        memorySizeOf(spark, objects, StorageLevel.MEMORY_ONLY()),
        memorySizeOf(spark, objects, StorageLevel.MEMORY_ONLY_SER()));
  }

  public static void main(String[] args) {
    Examples.run(
        args,
        ARGS,
        (spark, opts) -> {
          Lesson l =
              lesson(
                  spark,
                  opts.getLong("rows"),
                  opts.getLong("objects"),
                  SparkSessions.TARGET.resolve("data/part3/caching/orders"));
          System.out.println("uncached 1   " + l.uncached1().summary());
          System.out.println("uncached 2   " + l.uncached2().summary());
          System.out.printf(
              "after cache(): level=%s, RDDs stored=%d%n",
              l.levelAfterCache(), l.storedAfterCache());
          System.out.println(
              "cached 1     "
                  + l.fill().summary()
                  + "  (fills the cache: scans the files inside it)");
          System.out.println("cached 2     " + l.hit().summary());
          for (RDDInfo info : l.stored()) {
            System.out.printf(
                "stored: %d of %d partitions, %s in memory, %s on disk%n",
                info.numCachedPartitions(),
                info.numPartitions(),
                RunMetrics.bytes(info.memSize()),
                RunMetrics.bytes(info.diskSize()));
          }
          System.out.printf("after unpersist(): RDDs stored=%d%n", l.storedAfterUnpersist());
          System.out.println("uncached 3   " + l.uncached3().summary());
          System.out.printf(
              "RDD of %,d Order objects: MEMORY_ONLY %s (SizeEstimator's estimate),"
                  + " MEMORY_ONLY_SER %s (serialized bytes, %s)%n",
              l.objects(),
              RunMetrics.bytes(l.memoryOnly()),
              RunMetrics.bytes(l.memoryOnlySer()),
              spark.sparkContext().getConf().get("spark.serializer", "JavaSerializer"));
        });
  }
}
