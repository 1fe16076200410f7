package dev.advancedspark.common.examples;

import dev.advancedspark.common.ExampleArgs;
import dev.advancedspark.common.Examples;
import dev.advancedspark.common.RunnableExample;
import dev.advancedspark.common.data.DataFiles;
import dev.advancedspark.common.data.DataGenerators;
import dev.advancedspark.common.data.DataGenerators.OrdersSpec;
import dev.advancedspark.common.data.Skew;
import dev.advancedspark.common.io.SparkFolders;
import java.nio.file.Path;
import java.util.Locale;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Writes one of the series' datasets to files, for your own experiments: the same generators the
 * examples and benchmarks use, at any size.
 *
 * <pre>
 * bin/run-example GenerateDataExample --dataset orders --rows 10M --skew zipf:1.1
 * bin/run-example GenerateDataExample --dataset groupby --rows 1M --format csv
 * </pre>
 *
 * Expected output: the dataset, row count, folder, number of files, bytes on disk and the time it
 * took, e.g. {@code orders: 10000000 rows -> target/data/orders-parquet (8 files, 240.1 MiB) in 9.8
 * s}.
 */
@RunnableExample("Generate a seeded dataset (orders, customers, groupby ...) as Parquet/CSV/JSON")
public final class GenerateDataExample {

  static final ExampleArgs ARGS =
      ExampleArgs.forExample("GenerateDataExample")
          .choice(
              "dataset",
              "orders",
              "the dataset",
              "orders",
              "customers",
              "products",
              "clickstream",
              "groupby")
          .count("rows", "1M", "rows to generate")
          .choice("format", "parquet", "file format", "parquet", "csv", "json")
          .checked(
              "skew",
              "uniform",
              "key skew: uniform, hot:<fraction> or zipf:<exponent>",
              Skew::parse)
          .fraction("null-fraction", "0", "share of orders with a null customer_id and amount")
          .checked("seed", "42", "random seed: the same seed gives the same rows", Long::parseLong)
          .option("out", "", "output folder (default: target/data/<dataset>-<format>)");

  private GenerateDataExample() {}

  /** What was written. */
  public record Written(
      String dataset, long rows, Path folder, long files, long bytes, long millis) {
    @Override
    public String toString() {
      return String.format(
          Locale.ROOT,
          "%s: %d rows -> %s (%d files, %s) in %.1f s",
          dataset,
          rows,
          folder,
          files,
          dev.advancedspark.common.metrics.RunMetrics.bytes(bytes),
          millis / 1000.0);
    }
  }

  /** The named dataset with {@code rows} rows. */
  public static Dataset<Row> dataset(
      SparkSession spark, String name, long rows, Skew skew, double nullFraction, long seed) {
    return switch (name.toLowerCase(Locale.ROOT)) {
      case "orders" ->
          DataGenerators.orders(
              spark,
              OrdersSpec.of(rows)
                  .withCustomers(Math.max(1, rows / 100))
                  .withProducts(Math.max(1, Math.min(100_000, rows / 1_000)))
                  .withSkew(skew)
                  .withNullFraction(nullFraction)
                  .withSeed(seed));
      case "customers" -> DataGenerators.customers(spark, rows, seed);
      case "products" -> DataGenerators.products(spark, rows, seed);
      case "clickstream" ->
          DataGenerators.clickstream(spark, rows, Math.max(1, rows / 50), skew, seed);
      case "groupby" -> DataGenerators.groupBy(spark, rows, 100, seed);
      default ->
          throw new IllegalArgumentException(
              "dataset must be orders, customers, products, clickstream or groupby, got '"
                  + name
                  + "'");
    };
  }

  /** Generates and writes the dataset, and reports what is on disk. */
  public static Written generate(
      SparkSession spark,
      String name,
      long rows,
      DataFiles.Format format,
      Skew skew,
      double nullFraction,
      long seed,
      Path out) {
    long start = System.nanoTime();
    DataFiles.write(dataset(spark, name, rows, skew, nullFraction, seed), format, out);
    long millis = (System.nanoTime() - start) / 1_000_000;
    return new Written(
        name, rows, out, SparkFolders.dataFiles(out).size(), SparkFolders.sizeOnDisk(out), millis);
  }

  public static void main(String[] args) {
    Examples.run(
        args,
        ARGS,
        (spark, opts) -> {
          DataFiles.Format format = DataFiles.Format.parse(opts.get("format"));
          Skew skew = Skew.parse(opts.get("skew"));
          String name = opts.get("dataset");
          Path out =
              opts.get("out").isEmpty()
                  ? Path.of("target", "data", name + "-" + format.sparkName())
                  : Path.of(opts.get("out"));
          System.out.println(
              generate(
                  spark,
                  name,
                  opts.getLong("rows"),
                  format,
                  skew,
                  opts.getDouble("null-fraction"),
                  opts.getLong("seed"),
                  out));
        });
  }
}
