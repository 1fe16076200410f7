package dev.advancedspark.part1.partitions;

import static org.apache.spark.sql.functions.col;

import dev.advancedspark.common.ExampleArgs;
import dev.advancedspark.common.Examples;
import dev.advancedspark.common.RunnableExample;
import dev.advancedspark.common.SparkSessions;
import dev.advancedspark.common.SqlConfs;
import dev.advancedspark.common.data.DataFiles;
import dev.advancedspark.common.data.DataFiles.Format;
import dev.advancedspark.common.io.SparkFolders;
import dev.advancedspark.common.metrics.MetricsCollector;
import dev.advancedspark.common.metrics.RunMetrics;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.apache.spark.network.util.JavaUtils;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * How many tasks a file scan gets: Spark cuts files into splits of at most {@code maxSplitBytes}
 * and packs them into partitions, charging {@code spark.sql.files.openCostInBytes} (4 MiB) for
 * every file. {@code maxSplitBytes} is {@code spark.sql.files.maxPartitionBytes} (128 MiB), unless
 * the input is small: then it drops to {@code max(openCost, totalBytes / defaultParallelism)} so
 * that every core gets work.
 *
 * <pre>
 * bin/run-example InputSplitsExample
 * bin/run-example InputSplitsExample --rows 5M --small-split 8m --files 32
 * </pre>
 *
 * Expected output: for one Parquet file read with the default and with a small {@code
 * maxPartitionBytes}, and for many small files, the predicted partition count next to the one Spark
 * planned (equal), and the tasks the scan ran.
 */
@RunnableExample("Input splits: maxPartitionBytes, openCostInBytes and file packing, predicted")
public final class InputSplitsExample {

  static final String MAX_PARTITION_BYTES = "spark.sql.files.maxPartitionBytes";

  static final ExampleArgs ARGS =
      ExampleArgs.forExample("InputSplitsExample")
          .count("rows", "2000000", "rows written to Parquet")
          .size("small-split", "4m", "the smaller spark.sql.files.maxPartitionBytes to compare")
          .count("files", "16", "files of the many-small-files case");

  private InputSplitsExample() {}

  /** The settings that decide the split size, as the session holds them. */
  public record SplitSettings(long maxPartitionBytes, long openCostInBytes, int minPartitionNum) {

    /**
     * Reads the settings from {@code spark}; {@code minPartitionNum} is {@code
     * spark.sql.files.minPartitionNum}, else {@code spark.sql.leafNodeDefaultParallelism}, else the
     * default parallelism (the cores of a local session).
     */
    public static SplitSettings of(SparkSession spark) {
      var conf = spark.conf();
      String min =
          conf.getOption("spark.sql.files.minPartitionNum")
              .getOrElse(
                  () ->
                      conf.getOption("spark.sql.leafNodeDefaultParallelism")
                          .getOrElse(
                              () -> String.valueOf(spark.sparkContext().defaultParallelism())));
      return new SplitSettings(
          JavaUtils.byteStringAsBytes(conf.get(MAX_PARTITION_BYTES, "128m")),
          JavaUtils.byteStringAsBytes(conf.get("spark.sql.files.openCostInBytes", "4m")),
          Integer.parseInt(min));
    }

    public SplitSettings withMaxPartitionBytes(long bytes) {
      return new SplitSettings(bytes, openCostInBytes, minPartitionNum);
    }
  }

  /** Spark's {@code FilePartition.maxSplitBytes}: the largest piece a file is cut into. */
  public static long maxSplitBytes(List<Long> fileSizes, SplitSettings s) {
    long totalBytes = fileSizes.stream().mapToLong(len -> len + s.openCostInBytes()).sum();
    long bytesPerCore = totalBytes / s.minPartitionNum();
    return Math.min(s.maxPartitionBytes(), Math.max(s.openCostInBytes(), bytesPerCore));
  }

  /**
   * The number of partitions (scan tasks) Spark plans for splittable files of these sizes: cut each
   * file into {@code maxSplitBytes} pieces, sort the pieces largest first, and fill partitions,
   * each piece costing its length plus the open cost (Spark's {@code
   * FilePartition.getFilePartitions}; {@code spark.sql.files.maxPartitionNum} unset).
   */
  public static int predictPartitions(List<Long> fileSizes, SplitSettings s) {
    long maxSplit = maxSplitBytes(fileSizes, s);
    List<Long> pieces = new ArrayList<>();
    for (long len : fileSizes) {
      for (long offset = 0; offset < len; offset += maxSplit) {
        pieces.add(Math.min(maxSplit, len - offset));
      }
    }
    pieces.sort(Comparator.reverseOrder());
    int partitions = 0;
    long current = 0;
    boolean open = false;
    for (long piece : pieces) {
      if (open && current + piece > maxSplit) {
        partitions++; // close the current partition
        current = 0;
      }
      current += piece + s.openCostInBytes();
      open = true;
    }
    return open ? partitions + 1 : partitions;
  }

  /** The partitions Spark plans to scan {@code dir} with under {@code maxPartitionBytes}. */
  public static int plannedScanPartitions(SparkSession spark, Path dir, long maxPartitionBytes) {
    return SqlConfs.with(
        spark,
        Map.of(MAX_PARTITION_BYTES, String.valueOf(maxPartitionBytes)),
        () -> read(spark, dir).queryExecution().toRdd().getNumPartitions());
  }

  /** Scans {@code dir} completely and returns what the scan ran (tasks = input partitions). */
  public static RunMetrics scan(SparkSession spark, Path dir, long maxPartitionBytes) {
    return SqlConfs.with(
        spark,
        Map.of(MAX_PARTITION_BYTES, String.valueOf(maxPartitionBytes)),
        () -> {
          // Reading the footer to infer the schema is a (one-task) job of its own: keep it out.
          Dataset<Row> data = read(spark, dir);
          return MetricsCollector.metricsOfFullRun(data);
        });
  }

  static Dataset<Row> read(SparkSession spark, Path dir) {
    return spark.read().parquet(dir.toAbsolutePath().toString());
  }

  /**
   * Writes {@code rows} order-like rows as {@code files} Parquet files into {@code dir}. Plain
   * arithmetic on the row id, not the hashed generators: only the file sizes matter here, and
   * simple expressions keep the write fast.
   */
  public static Path writeRows(SparkSession spark, long rows, int files, Path dir) {
    Dataset<Row> data =
        spark
            .range(0, rows, 1, files)
            .select(
                col("id").as("order_id"),
                col("id").multiply(7919).mod(100_000).as("customer_id"),
                col("id").multiply(31).mod(10_000).divide(100.0).as("amount"));
    // One input partition per file: range(..., files) writes exactly `files` files, no shuffle.
    return DataFiles.write(data, Format.PARQUET, dir);
  }

  private static void report(SparkSession spark, String label, Path dir, long maxPartitionBytes) {
    List<Long> sizes = SparkFolders.dataFileSizes(dir);
    SplitSettings s = SplitSettings.of(spark).withMaxPartitionBytes(maxPartitionBytes);
    int predicted = predictPartitions(sizes, s);
    int planned = plannedScanPartitions(spark, dir, maxPartitionBytes);
    RunMetrics m = scan(spark, dir, maxPartitionBytes);
    System.out.printf(
        "%-28s %3d file(s), %9s total, maxPartitionBytes %8s -> maxSplitBytes %8s:"
            + " predicted %3d partitions, planned %3d, scan tasks %3d%n",
        label,
        sizes.size(),
        RunMetrics.bytes(sizes.stream().mapToLong(Long::longValue).sum()),
        RunMetrics.bytes(maxPartitionBytes),
        RunMetrics.bytes(maxSplitBytes(sizes, s)),
        predicted,
        planned,
        m.tasks());
  }

  public static void main(String[] args) {
    Examples.run(
        args,
        ARGS,
        (spark, opts) -> {
          long rows = opts.getLong("rows");
          int files = opts.getInt("files");
          long small = opts.getBytes("small-split");
          Path base = SparkSessions.TARGET.resolve("input-splits");
          Path single = writeRows(spark, rows, 1, base.resolve("single-file"));
          Path many = writeRows(spark, rows / 10, files, base.resolve("many-files"));
          long defaultMax = SplitSettings.of(spark).maxPartitionBytes();
          System.out.printf(
              "default parallelism %d, openCostInBytes %s%n",
              spark.sparkContext().defaultParallelism(),
              RunMetrics.bytes(SplitSettings.of(spark).openCostInBytes()));
          report(spark, "one file, default", single, defaultMax);
          report(spark, "one file, small splits", single, small);
          report(spark, "many small files, default", many, defaultMax);
        });
  }
}
