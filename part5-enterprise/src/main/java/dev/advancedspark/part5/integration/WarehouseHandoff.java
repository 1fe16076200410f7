package dev.advancedspark.part5.integration;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;

import dev.advancedspark.common.ExampleArgs;
import dev.advancedspark.common.Examples;
import dev.advancedspark.common.RunnableExample;
import dev.advancedspark.common.io.SparkFolders;
import dev.advancedspark.part5.delta.DeltaLake;
import io.delta.tables.DeltaTable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;

/**
 * Handing tables to a warehouse or another engine through files: Spark writes Parquet (or a Delta
 * table, whose data files are Parquet too), the other side reads the files, and the two agree on
 * the rows. The trap is Delta: its folder also holds files the log has removed (an overwrite, a
 * DELETE, before VACUUM), so a reader that takes every {@code *.parquet} in the folder counts old
 * rows. A reader that does not speak Delta must read the files the current version lists: Delta's
 * symlink manifest ({@code _symlink_format_manifest/manifest}), the hand-off Presto, Athena and
 * Redshift Spectrum read.
 *
 * <pre>
 * bin/run-example WarehouseHandoff
 * </pre>
 */
@RunnableExample("Integration: Parquet and Delta files another engine reads (symlink manifest)")
public final class WarehouseHandoff {

  static final ExampleArgs ARGS =
      ExampleArgs.forExample("WarehouseHandoff")
          .option("dir", "target/part5/handoff", "folder for the Parquet output and the table")
          .count("rows", "1000", "orders in the first version");

  /** What both sides compare: rows and two sums over integer columns (no float rounding). */
  public record Checksum(long rows, long sumOfIds, long sumOfCents) {}

  private WarehouseHandoff() {}

  /** {@code n} orders with integer amounts in cents, spread over three countries. */
  public static Dataset<Row> orders(SparkSession spark, long n, long seed) {
    return spark
        .range(1, n + 1)
        .selectExpr(
            "id AS order_id",
            "CAST(pmod(id * 7919 + " + seed + ", 100000) AS BIGINT) AS amount_cents",
            "element_at(array('DE', 'FR', 'GB'), CAST(pmod(id, 3) AS INT) + 1) AS country");
  }

  /** The checksum as Spark computes it. */
  public static Checksum checksum(Dataset<Row> orders) {
    Row r =
        orders
            .agg(
                count(lit(1)),
                sum(col("order_id")).cast("bigint"),
                sum(col("amount_cents")).cast("bigint"))
            .first();
    return new Checksum(
        r.getLong(0), r.isNullAt(1) ? 0 : r.getLong(1), r.isNullAt(2) ? 0 : r.getLong(2));
  }

  // tag::delta-manifest[]
  /**
   * Writes Delta's symlink manifest for the table's current version and returns the data files it
   * lists: the only files a reader without a Delta library may read. Regenerate it after every
   * write, or set {@code delta.compatibility.symlinkFormatManifest.enabled=true} on the table.
   */
  public static List<Path> manifestFiles(SparkSession spark, Path table) {
    DeltaTable.forPath(spark, table.toAbsolutePath().toString())
        .generate("symlink_format_manifest");
    Path manifests = table.resolve("_symlink_format_manifest");
    List<Path> files = new ArrayList<>();
    try (Stream<Path> all = Files.walk(manifests)) {
      for (Path m : all.filter(p -> p.getFileName().toString().equals("manifest")).toList()) {
        for (String line : Files.readAllLines(m)) {
          if (!line.isBlank()) {
            files.add(Path.of(URI.create(line.strip())));
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the manifest under " + manifests, e);
    }
    return files;
  }

  // end::delta-manifest[]

  /**
   * Every Parquet file in the folder, as a reader that globs {@code **}{@code /*.parquet} sees it.
   */
  public static List<Path> allParquetFiles(Path dir) {
    try (Stream<Path> all = Files.walk(dir)) {
      return all.filter(p -> p.getFileName().toString().endsWith(".parquet")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot list " + dir, e);
    }
  }

  /**
   * Writes the Parquet hand-off at {@code dir/parquet} and a Delta table at {@code dir/delta} with
   * two versions: {@code n} orders, then an overwrite with the first {@code 6n/10}.
   */
  public static void write(SparkSession spark, Path dir, long n) {
    SparkFolders.deleteRecursively(dir);
    Dataset<Row> orders = orders(spark, n, 17);
    orders.write().mode(SaveMode.Overwrite).parquet(dir.resolve("parquet").toString());
    String delta = dir.resolve("delta").toAbsolutePath().toString();
    orders.write().format("delta").mode(SaveMode.Overwrite).save(delta);
    orders
        .where(col("order_id").leq(n * 6 / 10))
        .write()
        .format("delta")
        .mode(SaveMode.Overwrite)
        .save(delta);
  }

  public static void main(String[] args) {
    Examples.run(
        DeltaLake.withDeltaConf(args),
        ARGS,
        "WarehouseHandoff",
        (spark, opts) -> {
          Path dir = Path.of(opts.get("dir")).toAbsolutePath();
          write(spark, dir, opts.getLong("rows"));
          Path delta = dir.resolve("delta");
          System.out.println(
              "parquet: " + checksum(spark.read().parquet(dir.resolve("parquet").toString())));
          System.out.println(
              "delta (current version): "
                  + checksum(spark.read().format("delta").load(delta.toString())));
          System.out.println(
              "delta folder: "
                  + allParquetFiles(delta).size()
                  + " Parquet files, of which the manifest lists "
                  + manifestFiles(spark, delta).size()
                  + " ("
                  + delta.resolve("_symlink_format_manifest/manifest")
                  + ")");
        });
  }
}
