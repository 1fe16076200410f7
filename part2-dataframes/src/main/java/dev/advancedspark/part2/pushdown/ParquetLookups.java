package dev.advancedspark.part2.pushdown;

import dev.advancedspark.common.metrics.MeasurableReads;
import dev.advancedspark.common.metrics.MetricsCollector;
import dev.advancedspark.common.metrics.MetricsCollector.Measured;
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
 * One-file Parquet lookups, measured: what {@link RowGroupSkippingExample} (sorted vs unsorted row
 * groups) and {@link PushdownDefeatersExample} (predicates that do or do not reach the reader) both
 * run. Write a file with small row groups, look one value up, and see how many row groups, bytes
 * and records the reader touched and which filters it was given.
 */
public final class ParquetLookups {

  /** What one lookup read. */
  public record Lookup(
      String layout,
      int rowGroups,
      long inputBytes,
      long inputRecords,
      long matches,
      long wallMillis,
      List<String> pushedFilters) {}

  private ParquetLookups() {}

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
    Dataset<Row> query = MeasurableReads.parquet(spark, path).where(filter);
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
}
