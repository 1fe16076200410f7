package dev.advancedspark.part2.pushdown;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.sum;

import dev.advancedspark.common.ExampleArgs;
import dev.advancedspark.common.Examples;
import dev.advancedspark.common.RunnableExample;
import dev.advancedspark.common.SparkSessions;
import dev.advancedspark.common.data.DataFiles;
import dev.advancedspark.common.data.DataFiles.Format;
import dev.advancedspark.common.data.DataGenerators;
import dev.advancedspark.common.data.DataGenerators.OrdersSpec;
import dev.advancedspark.common.io.SparkFolders;
import dev.advancedspark.common.metrics.MeasurableReads;
import dev.advancedspark.common.metrics.MetricsCollector;
import dev.advancedspark.common.metrics.MetricsCollector.Measured;
import dev.advancedspark.common.metrics.RunMetrics;
import dev.advancedspark.common.plan.Plans;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

/**
 * The same orders stored as Parquet, CSV and JSON, and what a selective filter and a narrow
 * projection cost in each: bytes read from disk, as counted by Spark's input metrics.
 *
 * <p>Parquet stores each column separately, so {@code sum(amount)} reads one column chunk per row
 * group; a row format (CSV, JSON) has to read and parse every byte of every line whatever the query
 * needs. Spark does show {@code PushedFilters} for CSV and JSON too, but there it only saves
 * conversion work after parsing: the bytes are read anyway. For Parquet a pushed filter saves bytes
 * only where a row group's min/max statistics exclude the value: the customer looked for here is in
 * every row group of these unsorted files, so the Parquet filter query reads the whole file as well
 * (the layout, not the format, decides; see {@link RowGroupSkippingExample}).
 *
 * <pre>
 * bin/run-example FileFormatScanExample --rows 1M
 * </pre>
 *
 * Expected output: one line per format and query with the bytes on disk, the bytes read and the
 * time. Parquet's one-column projection reads about a quarter of its files (1M rows: 4.8 of 19.6
 * MiB), CSV and JSON read all of theirs for every query, and every format reads all of its files
 * for the filter.
 */
@RunnableExample(
    "Bytes read per file format for a filter and a narrow projection (Parquet/CSV/JSON)")
public final class FileFormatScanExample {

  static final ExampleArgs ARGS =
      ExampleArgs.forExample("FileFormatScanExample")
          .count("rows", "1000000", "orders to generate and write in each format")
          .count("customer", "42", "the customer_id the selective filter looks for");

  /** One measured scan: which format, which query, and what it read. */
  public record ScanCost(
      Format format,
      String query,
      long bytesOnDisk,
      long inputBytes,
      long inputRecords,
      long wallMillis,
      List<String> pushedFilters) {

    /** The share of the files' bytes that the query read. */
    public double fractionRead() {
      return bytesOnDisk == 0 ? 0 : (double) inputBytes / bytesOnDisk;
    }
  }

  private FileFormatScanExample() {}

  /** Writes {@code orders} once per format under {@code dir}: dir/parquet, dir/csv, dir/json. */
  public static void writeAllFormats(Dataset<Row> orders, Path dir) {
    for (Format format : Format.values()) {
      DataFiles.write(orders, format, dir.resolve(format.sparkName()));
    }
  }

  /**
   * Reads one format with an explicit schema: inferring the schema of CSV or JSON would read the
   * files an extra time and muddle the byte counts (and is a bad habit in production anyway).
   */
  public static Dataset<Row> read(SparkSession spark, Format format, Path path, StructType schema) {
    var reader = spark.read().format(format.sparkName()).schema(schema);
    if (format == Format.CSV) {
      reader = reader.option("header", "true");
    }
    if (format == Format.PARQUET) {
      reader = reader.options(MeasurableReads.PARQUET);
    }
    return reader.load(path.toAbsolutePath().toString());
  }

  /** Every column of the orders of one customer: a selective filter. */
  public static Dataset<Row> selectiveFilter(Dataset<Row> orders, long customerId) {
    return orders.where(col("customer_id").equalTo(customerId));
  }

  /** One column of every row: a narrow projection (the typical report query). */
  public static Dataset<Row> narrowProjection(Dataset<Row> orders) {
    return orders.agg(sum(col("amount")).as("revenue"));
  }

  /**
   * Runs {@code query} to the end (the {@code noop} sink executes every row without collecting) and
   * returns what it read.
   */
  public static ScanCost measure(
      SparkSession spark, Format format, String name, Path files, Dataset<Row> query) {
    Measured<Void> m = MetricsCollector.measureFullRun(query);
    RunMetrics r = m.metrics();
    return new ScanCost(
        format,
        name,
        SparkFolders.sizeOnDisk(files),
        r.inputBytes(),
        r.inputRecords(),
        m.wallMillis(),
        Plans.pushedFilters(query.queryExecution().executedPlan()));
  }

  /** Both queries against each of the three formats. */
  public static List<ScanCost> compare(SparkSession spark, Path dir, StructType schema, long id) {
    List<ScanCost> out = new ArrayList<>();
    for (Format format : Format.values()) {
      Path path = dir.resolve(format.sparkName());
      Dataset<Row> orders = read(spark, format, path, schema);
      out.add(measure(spark, format, "filter", path, selectiveFilter(orders, id)));
      out.add(measure(spark, format, "projection", path, narrowProjection(orders)));
    }
    return out;
  }

  public static void main(String[] args) {
    Examples.run(
        args,
        ARGS,
        (spark, opts) -> {
          long rows = opts.getLong("rows");
          Dataset<Row> orders = DataGenerators.orders(spark, OrdersSpec.of(rows));
          Path dir = SparkSessions.TARGET.resolve("data/part2/formats");
          System.out.printf("Writing %,d orders as Parquet, CSV and JSON under %s%n", rows, dir);
          writeAllFormats(orders, dir);
          // Warm-up: the first query of a JVM pays for class loading and JIT, not for its format.
          compare(spark, dir, orders.schema(), opts.getLong("customer"));
          System.out.printf(
              "%-8s %-11s %12s %12s %7s %9s  %s%n",
              "format", "query", "on disk", "read", "read%", "time", "PushedFilters");
          for (ScanCost c : compare(spark, dir, orders.schema(), opts.getLong("customer"))) {
            System.out.printf(
                "%-8s %-11s %12s %12s %6.1f%% %6d ms  %s%n",
                c.format().sparkName(),
                c.query(),
                RunMetrics.bytes(c.bytesOnDisk()),
                RunMetrics.bytes(c.inputBytes()),
                100 * c.fractionRead(),
                c.wallMillis(),
                c.pushedFilters());
          }
        });
  }
}
