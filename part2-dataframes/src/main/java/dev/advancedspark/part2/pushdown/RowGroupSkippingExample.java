package dev.advancedspark.part2.pushdown;

import static org.apache.spark.sql.functions.col;

import dev.advancedspark.common.ExampleArgs;
import dev.advancedspark.common.Examples;
import dev.advancedspark.common.RunnableExample;
import dev.advancedspark.common.SparkSessions;
import dev.advancedspark.common.data.DataGenerators;
import dev.advancedspark.common.data.DataGenerators.OrdersSpec;
import dev.advancedspark.common.metrics.MetricsCollector;
import dev.advancedspark.common.metrics.MetricsCollector.Measured;
import dev.advancedspark.common.metrics.RunMetrics;
import dev.advancedspark.common.plan.Plans;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;

/**
 * Row-group skipping: Parquet keeps min/max statistics per column and row group, and a pushed
 * filter lets the reader skip every row group whose range cannot match. That only helps when the
 * values are clustered: the same orders written unsorted (each row group holds almost every
 * customer) and sorted by {@code customer_id} (each row group holds a narrow range) read very
 * different amounts for {@code customer_id = 42}.
 *
 * <p>{@code parquet.block.size} (the row group size, 128 MiB by default) is set small so that even
 * a small file has many row groups; on real data the default gives the same effect per 128 MiB.
 *
 * <pre>
 * bin/run-example RowGroupSkippingExample --rows 1M
 * </pre>
 *
 * Expected output: the number of row groups per layout, then bytes and records read for the same
 * filter: the sorted layout reads one or two row groups, the unsorted one nearly all of them.
 */
@RunnableExample("Parquet row-group skipping with min/max statistics: sorted vs unsorted layout")
public final class RowGroupSkippingExample {

  static final ExampleArgs ARGS =
      ExampleArgs.forExample("RowGroupSkippingExample")
          .count("rows", "1000000", "orders to write")
          .size("row-group-bytes", "1048576", "parquet.block.size for the demo files")
          .count("customer", "42", "the customer_id to look up");

  /** What one lookup read. */
  public record Lookup(
      String layout,
      int rowGroups,
      long inputBytes,
      long inputRecords,
      long matches,
      long wallMillis,
      List<String> pushedFilters) {}

  private RowGroupSkippingExample() {}

  /**
   * Writes {@code data} as a single Parquet file with small row groups, sorted by {@code
   * sortColumn} inside the file when it is not null. One file keeps the comparison about row groups
   * only (with many files, file-level pruning would add its own effect).
   */
  // tag::sorted-write[]
  public static Path writeParquet(
      Dataset<Row> data, Path path, String sortColumn, long rowGroupBytes) {
    Dataset<Row> oneFile = data.repartition(1);
    if (sortColumn != null) {
      // Clustered values give each row group a narrow [min, max]: the statistics can exclude it.
      oneFile = oneFile.sortWithinPartitions(sortColumn);
    }
    oneFile
        .write()
        .mode(SaveMode.Overwrite)
        .option("parquet.block.size", rowGroupBytes)
        .parquet(path.toAbsolutePath().toString());
    return path;
  }

  // end::sorted-write[]

  /** The number of row groups in the Parquet files of a folder, read from their footers. */
  public static int rowGroups(Path dir) {
    try (Stream<Path> files = Files.list(dir)) {
      int groups = 0;
      for (Path file : files.filter(p -> p.toString().endsWith(".parquet")).toList()) {
        var input =
            HadoopInputFile.fromPath(
                new org.apache.hadoop.fs.Path(file.toUri()), new Configuration());
        try (ParquetFileReader reader = ParquetFileReader.open(input)) {
          groups += reader.getRowGroups().size();
        }
      }
      return groups;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Runs {@code select * where filter} to the end and returns what it read. */
  public static Lookup lookup(SparkSession spark, String layout, Path path, Column filter) {
    Dataset<Row> query =
        spark
            .read()
            .options(FileFormatScanExample.MEASURABLE_PARQUET_READS)
            .parquet(path.toAbsolutePath().toString())
            .where(filter);
    Measured<Long> m = MetricsCollector.measure(spark, () -> (long) query.collectAsList().size());
    return new Lookup(
        layout,
        rowGroups(path),
        m.metrics().inputBytes(),
        m.metrics().inputRecords(),
        m.result(),
        m.wallMillis(),
        Plans.pushedFilters(query.queryExecution().executedPlan()));
  }

  public static void main(String[] args) {
    Examples.run(
        args,
        ARGS,
        (spark, opts) -> {
          Dataset<Row> orders = DataGenerators.orders(spark, OrdersSpec.of(opts.getLong("rows")));
          long blockSize = opts.getBytes("row-group-bytes");
          Path dir = SparkSessions.TARGET.resolve("data/part2/row-groups");
          Path unsorted = writeParquet(orders, dir.resolve("unsorted"), null, blockSize);
          Path sorted = writeParquet(orders, dir.resolve("sorted"), "customer_id", blockSize);
          Column filter = col("customer_id").equalTo(opts.getLong("customer"));
          // Warm-up so the first measured query does not pay for class loading alone.
          lookup(spark, "warm-up", unsorted, filter);
          for (Lookup l :
              List.of(
                  lookup(spark, "unsorted", unsorted, filter),
                  lookup(spark, "sorted", sorted, filter))) {
            System.out.printf(
                "%-9s row groups=%4d  read=%10s  records read=%,10d  matches=%,d  time=%d ms%n",
                l.layout(),
                l.rowGroups(),
                RunMetrics.bytes(l.inputBytes()),
                l.inputRecords(),
                l.matches(),
                l.wallMillis());
          }
          System.out.println(
              "PushedFilters: " + lookup(spark, "sorted", sorted, filter).pushedFilters());
        });
  }
}
