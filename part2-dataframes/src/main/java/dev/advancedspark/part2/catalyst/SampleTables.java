package dev.advancedspark.part2.catalyst;

import dev.advancedspark.common.data.DataFiles;
import dev.advancedspark.common.data.DataGenerators;
import dev.advancedspark.common.data.DataGenerators.OrdersSpec;
import java.nio.file.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The orders, customers and products of the Catalyst lessons, written as Parquet and read back, so
 * plans show real file relations (not the generators' expressions) the way a production job sees
 * them.
 */
public record SampleTables(Dataset<Row> orders, Dataset<Row> customers, Dataset<Row> products) {

  /** Writes {@code orders} orders (1,000 customers, 100 products) under {@code dir}. */
  public static SampleTables write(SparkSession spark, Path dir, long orders) {
    Path o =
        DataFiles.write(
            DataGenerators.orders(spark, OrdersSpec.of(orders)),
            DataFiles.Format.PARQUET,
            dir.resolve("orders"));
    Path c =
        DataFiles.write(
            DataGenerators.customers(spark, 1_000, 42),
            DataFiles.Format.PARQUET,
            dir.resolve("customers"));
    Path p =
        DataFiles.write(
            DataGenerators.products(spark, 100, 42),
            DataFiles.Format.PARQUET,
            dir.resolve("products"));
    return new SampleTables(read(spark, o), read(spark, c), read(spark, p));
  }

  private static Dataset<Row> read(SparkSession spark, Path path) {
    return spark.read().parquet(path.toAbsolutePath().toString());
  }
}
