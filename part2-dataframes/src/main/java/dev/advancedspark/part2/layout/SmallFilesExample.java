package dev.advancedspark.part2.layout;

import static org.apache.spark.sql.functions.col;

import dev.advancedspark.common.ExampleArgs;
import dev.advancedspark.common.Examples;
import dev.advancedspark.common.RunnableExample;
import dev.advancedspark.common.SparkSessions;
import dev.advancedspark.common.data.DataGenerators;
import dev.advancedspark.common.data.DataGenerators.OrdersSpec;
import dev.advancedspark.common.io.Sinks;
import dev.advancedspark.common.io.SparkFolders;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.analysis.UnresolvedAttribute;

/**
 * The small-files problem of {@code partitionBy}: every write task writes one file into every
 * partition folder it has rows for, so T tasks and P folders give up to T x P files (200 shuffle
 * partitions x 365 days = 73,000 files a year, each a few KiB). Every later read lists, opens and
 * reads the footer of each one.
 *
 * <p>The controls: repartition by the partition column before the write (all rows of a day meet in
 * one task: one file per folder), and {@code maxRecordsPerFile} to cap the size of the files that a
 * big folder would otherwise get. {@code repartition(col)} has a hazard: a day that holds a big
 * share of the rows is written by one huge task (the stage waits for it, and it may spill or run
 * out of memory). The modern fix (Spark 3.2+) is the {@code REBALANCE} hint: AQE coalesces small
 * partitions and splits one above {@code spark.sql.adaptive.advisoryPartitionSizeInBytes} into
 * several tasks, so a hot day gets a few files of about that size instead of one task doing all the
 * work ({@link #writeRebalanced}, tested with a hot day).
 *
 * <pre>
 * bin/run-example SmallFilesExample --rows 1M --input-partitions 16
 * </pre>
 *
 * Expected output: for each write, the number of files and folders, the write time and the time of
 * a full read of the result: 16 x 90 files for the naive write, 90 after repartitioning, and a few
 * per folder with maxRecordsPerFile.
 */
@RunnableExample(
    "partitionBy and the small-files problem: files per write, and how to control them")
public final class SmallFilesExample {

  static final ExampleArgs ARGS =
      ExampleArgs.forExample("SmallFilesExample")
          .count("rows", "1000000", "orders to write")
          .count("input-partitions", "16", "partitions of the data before the write")
          .count("max-records-per-file", "5000", "cap for the third write");

  /** What one write produced and what reading it back cost. */
  public record WriteResult(
      String write, long files, long folders, long writeMillis, long readMillis) {}

  private SmallFilesExample() {}

  /** Naive: each input partition writes a file into each day it has rows for. */
  public static void writeNaive(Dataset<Row> orders, String partitionColumn, Path path) {
    orders.write().mode(SaveMode.Overwrite).partitionBy(partitionColumn).parquet(path.toString());
  }

  // tag::small-files[]
  /** One file per folder: all rows of a partition value meet in one task before the write. */
  public static void writeRepartitioned(Dataset<Row> orders, String partitionColumn, Path path) {
    orders
        .repartition(col(partitionColumn))
        .write()
        .mode(SaveMode.Overwrite)
        .partitionBy(partitionColumn)
        .parquet(path.toString());
  }

  /** As above, and no file holds more than {@code maxRecords} rows (big folders get several). */
  public static void writeCapped(
      Dataset<Row> orders, String partitionColumn, Path path, long maxRecords) {
    orders
        .repartition(col(partitionColumn))
        .write()
        .mode(SaveMode.Overwrite)
        .option("maxRecordsPerFile", maxRecords)
        .partitionBy(partitionColumn)
        .parquet(path.toString());
  }

  /**
   * Like {@link #writeRepartitioned}, but AQE may split a big partition value over several tasks
   * (and files) and merges small ones: no single huge task for a hot value.
   */
  public static void writeRebalanced(Dataset<Row> orders, String partitionColumn, Path path) {
    // The column by name, as SQL's /*+ REBALANCE(order_date) */ passes it: Spark 3.5's
    // Dataset.hint hands a Column to the analyzer unconverted and the hint refuses it; 4.0+ takes
    // col(partitionColumn) too.
    orders
        .hint("rebalance", UnresolvedAttribute.quoted(partitionColumn))
        .write()
        .mode(SaveMode.Overwrite)
        .partitionBy(partitionColumn)
        .parquet(path.toString());
  }

  // end::small-files[]

  /** The partition folders ({@code column=value}) directly under {@code dir}. */
  public static long countFolders(Path dir) {
    try (Stream<Path> entries = Files.list(dir)) {
      return entries.filter(Files::isDirectory).count();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Times {@code write}, counts what it produced, and times a full read of it. */
  public static WriteResult measure(
      SparkSession spark, String name, Path path, Consumer<Path> write) {
    long start = System.nanoTime();
    write.accept(path);
    long writeMillis = (System.nanoTime() - start) / 1_000_000;
    start = System.nanoTime();
    Sinks.runToNoop(spark.read().parquet(path.toString()));
    long readMillis = (System.nanoTime() - start) / 1_000_000;
    return new WriteResult(
        name, SparkFolders.dataFiles(path).size(), countFolders(path), writeMillis, readMillis);
  }

  public static void main(String[] args) {
    Examples.run(
        args,
        ARGS,
        (spark, opts) -> {
          // Input as it often arrives at a write: spread round-robin over many tasks (an upstream
          // join or aggregation leaves spark.sql.shuffle.partitions of them).
          Dataset<Row> orders =
              DataGenerators.withOrderDate(
                      DataGenerators.orders(spark, OrdersSpec.of(opts.getLong("rows"))))
                  .repartition(opts.getInt("input-partitions"));
          long cap = opts.getLong("max-records-per-file");
          Path dir = SparkSessions.TARGET.resolve("data/part2/small-files");
          measure(
              spark,
              "warm-up",
              dir.resolve("warm-up"),
              p -> writeRepartitioned(orders, "order_date", p));
          for (WriteResult r :
              List.of(
                  measure(
                      spark,
                      "naive partitionBy",
                      dir.resolve("naive"),
                      p -> writeNaive(orders, "order_date", p)),
                  measure(
                      spark,
                      "repartition(order_date)",
                      dir.resolve("repartitioned"),
                      p -> writeRepartitioned(orders, "order_date", p)),
                  measure(
                      spark,
                      "+ maxRecordsPerFile " + cap,
                      dir.resolve("capped"),
                      p -> writeCapped(orders, "order_date", p, cap)))) {
            System.out.printf(
                "%-30s files=%,7d folders=%3d write=%6d ms full read=%6d ms%n",
                r.write(), r.files(), r.folders(), r.writeMillis(), r.readMillis());
          }
        });
  }
}
