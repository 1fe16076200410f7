package dev.advancedspark.benchmarks.formats;

import dev.advancedspark.benchmarks.SparkBenchmark;
import dev.advancedspark.common.data.DataFiles.Format;
import dev.advancedspark.common.data.DataGenerators;
import dev.advancedspark.common.data.DataGenerators.OrdersSpec;
import dev.advancedspark.common.io.Sinks;
import dev.advancedspark.common.plan.Plans;
import dev.advancedspark.part2.pushdown.FileFormatScanExample;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Part 2's file-format lesson, measured: the same orders written as Parquet, CSV and JSON, read
 * with an explicit schema, under a selective filter (one customer's orders: pushdown and row-group
 * skipping apply to Parquet) and a narrow projection (the sum of one column: column pruning applies
 * to Parquet only). The reads and queries are {@link FileFormatScanExample}'s own.
 *
 * <p>Set-up writes the files under {@code target/}, then checks the answer of each format against
 * the generated data it was written from (row count of the filter, amount sum of the projection),
 * and that Parquet's filter was pushed to the scan.
 */
@State(Scope.Benchmark)
public class FileFormatBenchmark extends SparkBenchmark {

  @Param({"CSV", "JSON", "PARQUET"})
  public Format format;

  @Param({"filter", "projection"})
  public String query;

  @Param({"2000000"})
  public long rows;

  static final long CUSTOMER = 7;

  private Dataset<Row> measured;

  @Setup
  public void setUp() {
    startSpark("FileFormatBenchmark", Map.of("spark.sql.shuffle.partitions", "2"));
    Dataset<Row> generated = DataGenerators.orders(spark, OrdersSpec.of(rows));
    Path dir = WORK.resolve("formats-" + rows);
    Path files = dir.resolve(format.sparkName());
    if (!java.nio.file.Files.isDirectory(files)) {
      FileFormatScanExample.writeAllFormats(generated, dir);
    }
    Dataset<Row> read = FileFormatScanExample.read(spark, format, files, generated.schema());
    measured = query(read, query);
    check(measured, query(generated, query), format, query);
  }

  @Benchmark
  public void scan() {
    Sinks.runToNoop(measured);
  }

  /** The example's query over {@code orders}. */
  public static Dataset<Row> query(Dataset<Row> orders, String query) {
    return switch (query) {
      case "filter" -> FileFormatScanExample.selectiveFilter(orders, CUSTOMER);
      case "projection" -> FileFormatScanExample.narrowProjection(orders);
      default -> throw new IllegalArgumentException("query must be filter or projection: " + query);
    };
  }

  /**
   * Fails unless {@code fromFiles} gives the answer {@code fromSource} gives (row count for the
   * filter; the sum to 1e-9 relative for the projection: text formats round-trip doubles exactly,
   * but the order of addition differs), and unless Parquet's filter is pushed to the scan.
   */
  public static void check(
      Dataset<Row> fromFiles, Dataset<Row> fromSource, Format format, String query) {
    if (query.equals("filter")) {
      long a = fromFiles.count();
      long e = fromSource.count();
      if (a != e || e == 0) {
        throw new IllegalStateException(
            "Benchmark answer check failed for " + format + ": " + a + " rows vs " + e);
      }
      List<String> pushed = Plans.pushedFilters(fromFiles.queryExecution().executedPlan());
      if (format == Format.PARQUET && pushed.stream().noneMatch(f -> f.contains("customer_id"))) {
        throw wrongVariant("the customer filter pushed to the Parquet scan", pushed);
      }
    } else {
      double a = fromFiles.first().getDouble(0);
      double e = fromSource.first().getDouble(0);
      if (Math.abs(a - e) > 1e-9 * Math.abs(e)) {
        throw new IllegalStateException(
            "Benchmark answer check failed for " + format + ": sum " + a + " vs " + e);
      }
    }
  }
}
