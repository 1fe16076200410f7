package dev.advancedspark.part2.layout;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.date_add;
import static org.apache.spark.sql.functions.date_format;
import static org.apache.spark.sql.functions.dayofweek;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;

import dev.advancedspark.common.ExampleArgs;
import dev.advancedspark.common.Examples;
import dev.advancedspark.common.RunnableExample;
import dev.advancedspark.common.SparkSessions;
import dev.advancedspark.common.SqlConfs;
import dev.advancedspark.common.data.DataGenerators;
import dev.advancedspark.common.data.DataGenerators.OrdersSpec;
import dev.advancedspark.common.metrics.MeasurableReads;
import dev.advancedspark.common.metrics.MetricsCollector;
import dev.advancedspark.common.metrics.MetricsCollector.Measured;
import dev.advancedspark.common.metrics.RunMetrics;
import dev.advancedspark.common.plan.Plans;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.execution.FileSourceScanExec;
import org.apache.spark.sql.execution.SparkPlan;

/**
 * Partition pruning: orders written with {@code partitionBy("order_date")} (one folder per day) and
 * three ways to ask for a subset of days.
 *
 * <ul>
 *   <li>a filter on {@code order_ts}, the column the day came from: Spark cannot map it to folders
 *       and lists and reads every file;
 *   <li>static pruning, a filter on the partition column: {@code PartitionFilters} in the plan, and
 *       only the matching folders are read;
 *   <li>dynamic partition pruning (DPP) in a star join: the days come from a filter on a small
 *       calendar dimension (Saturdays and Sundays); Spark runs the dimension side first and feeds
 *       its keys to the fact scan as a {@code dynamicpruningexpression} partition filter.
 * </ul>
 *
 * <pre>
 * bin/run-example PartitionPruningExample --rows 1M
 * </pre>
 *
 * Expected output: files and bytes read for each query; the order_ts filter reads all 90 days, the
 * partition filter 7, and the weekend join 26 days (plus the calendar's file) with DPP on and 90
 * with it off.
 */
@RunnableExample("Static and dynamic partition pruning on a partitionBy(order_date) table")
public final class PartitionPruningExample {

  static final ExampleArgs ARGS =
      ExampleArgs.forExample("PartitionPruningExample").count("rows", "1000000", "orders to write");

  /** What the file scans of one query read. */
  public record ScanStats(
      String query,
      long filesRead,
      long partitionsRead,
      long inputBytes,
      long wallMillis,
      List<String> partitionFilters) {}

  private PartitionPruningExample() {}

  /**
   * Writes one folder per day, one file per folder (repartitioning by the partition column first;
   * see {@link SmallFilesExample} for why).
   */
  // tag::partitioned-write[]
  public static Path writeByDay(Dataset<Row> ordersWithDate, Path path) {
    ordersWithDate
        .repartition(col("order_date"))
        .write()
        .mode(SaveMode.Overwrite)
        .partitionBy("order_date")
        .parquet(path.toAbsolutePath().toString());
    return path;
  }

  // end::partitioned-write[]

  /**
   * Reads a Parquet folder with the reader options that keep the bytes-read metric honest (see
   * {@link MeasurableReads}).
   */
  public static Dataset<Row> readParquet(SparkSession spark, Path path) {
    return MeasurableReads.parquet(spark, path);
  }

  /**
   * A calendar dimension covering the generated 90 days from 2026-01-01, stored as a table like a
   * real dimension. (Kept as an expression over {@code range}, the optimizer would see that {@code
   * day_name} is a function of {@code order_date}, copy the filter to the fact side as a static
   * partition filter, and DPP would have nothing left to do.)
   */
  public static Dataset<Row> calendar(SparkSession spark, Path path) {
    calendarDays(spark)
        .coalesce(1)
        .write()
        .mode(SaveMode.Overwrite)
        .parquet(path.toAbsolutePath().toString());
    return readParquet(spark, path);
  }

  /** The calendar rows: order_date, day_name, is_weekend. */
  public static Dataset<Row> calendarDays(SparkSession spark) {
    return spark
        .range(0, 90)
        .select(date_add(lit("2026-01-01").cast("date"), col("id").cast("int")).as("order_date"))
        .withColumn("day_name", date_format(col("order_date"), "EEE"))
        // dayofweek: 1 = Sunday ... 7 = Saturday.
        .withColumn("is_weekend", dayofweek(col("order_date")).isin(1, 7));
  }

  /** Not pruned: a filter on the timestamp the partition column was derived from. */
  public static Dataset<Row> weekByTimestamp(Dataset<Row> orders) {
    return orders.where(
        col("order_ts")
            .geq(lit("2026-02-01 00:00:00").cast("timestamp"))
            .and(col("order_ts").lt(lit("2026-02-08 00:00:00").cast("timestamp"))));
  }

  /** Static pruning: the same week as a filter on the partition column. */
  public static Dataset<Row> weekByPartition(Dataset<Row> orders) {
    return orders.where(col("order_date").between("2026-02-01", "2026-02-07"));
  }

  /** A star join whose fact-side days are only known once the dimension filter has run. */
  // tag::dpp-join[]
  public static Dataset<Row> weekendRevenue(Dataset<Row> orders, Dataset<Row> calendar) {
    return orders
        // An IN list: DPP only fires when the dimension filter looks selective to the optimizer
        // (a comparison, IN, LIKE ...); `where(col("is_weekend"))`, a bare boolean column, does
        // not.
        .join(calendar.where(col("day_name").isin("Sat", "Sun")), "order_date")
        .groupBy("day_name")
        .agg(sum("amount").as("revenue"));
  }

  // end::dpp-join[]

  /** Runs {@code query} and reads the file-scan metrics of the plan that ran. */
  public static ScanStats scan(SparkSession spark, String name, Dataset<Row> query) {
    // Execute this Dataset's own plan once (a write or collect would plan a new copy) so that the
    // scan metrics read below are those of the run; Plans.finalPlan does the same.
    Measured<Long> m =
        MetricsCollector.measure(spark, () -> query.queryExecution().toRdd().count());
    SparkPlan plan = query.queryExecution().executedPlan();
    long files = 0;
    long partitions = 0;
    for (FileSourceScanExec scan : Plans.fileScans(plan)) {
      files += metric(scan, "numFiles");
      partitions += metric(scan, "numPartitions");
    }
    return new ScanStats(
        name,
        files,
        partitions,
        m.metrics().inputBytes(),
        m.wallMillis(),
        Plans.partitionFilters(plan));
  }

  private static long metric(FileSourceScanExec scan, String name) {
    return scan.metrics().get(name).map(metric -> metric.value()).getOrElse(() -> 0L);
  }

  /** The weekend join with DPP switched on or off. */
  public static ScanStats weekendJoin(
      SparkSession spark, Dataset<Row> orders, Dataset<Row> calendar, boolean dpp) {
    return SqlConfs.with(
        spark,
        Map.of("spark.sql.optimizer.dynamicPartitionPruning.enabled", String.valueOf(dpp)),
        () ->
            scan(
                spark,
                "weekend join, DPP " + (dpp ? "on" : "off"),
                weekendRevenue(orders, calendar)));
  }

  public static void main(String[] args) {
    Examples.run(
        args,
        ARGS,
        (spark, opts) -> {
          Dataset<Row> generated =
              DataGenerators.withOrderDate(
                  DataGenerators.orders(spark, OrdersSpec.of(opts.getLong("rows"))));
          Path path =
              writeByDay(generated, SparkSessions.TARGET.resolve("data/part2/orders-by-day"));
          Dataset<Row> orders = readParquet(spark, path);
          Dataset<Row> calendar =
              calendar(spark, SparkSessions.TARGET.resolve("data/part2/calendar"));
          scan(spark, "warm-up", weekByPartition(orders));
          for (ScanStats s :
              List.of(
                  scan(spark, "week by order_ts", weekByTimestamp(orders)),
                  scan(spark, "week by order_date", weekByPartition(orders)),
                  weekendJoin(spark, orders, calendar, false),
                  weekendJoin(spark, orders, calendar, true))) {
            System.out.printf(
                "%-24s files=%3d partitions=%3d read=%10s time=%5d ms%n    PartitionFilters: %s%n",
                s.query(),
                s.filesRead(),
                s.partitionsRead(),
                RunMetrics.bytes(s.inputBytes()),
                s.wallMillis(),
                s.partitionFilters());
          }
        });
  }
}
