package dev.advancedspark.part5.delta;

import static org.apache.spark.sql.functions.col;

import dev.advancedspark.common.ExampleArgs;
import dev.advancedspark.common.Examples;
import dev.advancedspark.common.RunnableExample;
import dev.advancedspark.common.SqlConfs;
import io.delta.tables.DeltaTable;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Liquid clustering (Delta 4.4, {@code CLUSTER BY}): the table declares its clustering columns;
 * data is written as it comes, and {@code OPTIMIZE} rewrites it clustered by them, so the per-file
 * min/max statistics let a selective read skip files. Unlike Z-order, the columns are a property of
 * the table (kept in its log, changeable with {@code ALTER TABLE ... CLUSTER BY}), and a later
 * OPTIMIZE clusters only what is not clustered yet. The figure is the scan's "number of files read"
 * against the table's file count, before and after OPTIMIZE.
 *
 * <pre>
 * bin/run-example LiquidClusteringExample
 * </pre>
 *
 * Expected output: clustering columns [id]; a point read on id reads 8 of 8 files before OPTIMIZE
 * and 1 of several after.
 */
@RunnableExample(
    "Delta liquid clustering (CLUSTER BY): files skipped on a point read after OPTIMIZE")
public final class LiquidClusteringExample {

  static final ExampleArgs ARGS =
      ExampleArgs.forExample("LiquidClusteringExample")
          .option("dir", "target/part5/delta/liquid", "folder for the table (overwritten)");

  /** Files read by a point read, and the table's files, before and after OPTIMIZE. */
  public record Skipping(long readBefore, long filesBefore, long readAfter, long filesAfter) {}

  private LiquidClusteringExample() {}

  // tag::cluster-by[]
  /**
   * An empty table clustered by {@code id} (liquid clustering: a table property, no layout yet).
   */
  public static void create(SparkSession spark, String path) {
    DeltaTable.create(spark)
        .location(path)
        .addColumn("id", DataTypes.LongType)
        .addColumn("customer", DataTypes.LongType)
        .addColumn("amount", DataTypes.DoubleType)
        .clusterBy("id")
        .execute();
  }

  /** Clusters what is not clustered yet by the table's clustering columns. */
  public static void optimize(SparkSession spark, String path) {
    DeltaTable.forPath(spark, path).optimize().executeCompaction();
  }

  // end::cluster-by[]

  /** Appends {@code files} files of ids {@code 0..rows-1}, each spanning the whole id range. */
  public static void appendUnclustered(SparkSession spark, String path, long rows, int files) {
    spark
        .range(0, rows)
        .repartition(files)
        .selectExpr("id", "id % 97 AS customer", "CAST(id AS DOUBLE) AS amount")
        .write()
        .format("delta")
        .mode(SaveMode.Append)
        .save(path);
  }

  /** The clustering columns recorded in the table ({@code DESCRIBE DETAIL}). */
  public static List<String> clusteringColumns(SparkSession spark, String path) {
    scala.collection.Seq<String> cols =
        spark.sql("DESCRIBE DETAIL delta.`" + path + "`").first().getAs("clusteringColumns");
    return CollectionConverters.asJava(cols);
  }

  /** Files read by a point lookup on {@code id}. */
  public static long filesReadForId(SparkSession spark, String path, long id) {
    return DeltaTableLessons.filesRead(
        spark.read().format("delta").load(path).where(col("id").equalTo(id)));
  }

  /**
   * A table of {@code rows} in {@code files} round-robin files; a point read before and after
   * OPTIMIZE into files of at most {@code maxFileBytes}.
   */
  public static Skipping run(
      SparkSession spark, String path, long rows, int files, long maxFileBytes, long id) {
    create(spark, path);
    appendUnclustered(spark, path, rows, files);
    long readBefore = filesReadForId(spark, path, id);
    long filesBefore = DeltaTableLessons.fileCount(spark, path);
    SqlConfs.with(
        spark,
        Map.of("spark.databricks.delta.optimize.maxFileSize", Long.toString(maxFileBytes)),
        () -> optimize(spark, path));
    return new Skipping(
        readBefore,
        filesBefore,
        filesReadForId(spark, path, id),
        DeltaTableLessons.fileCount(spark, path));
  }

  public static void main(String[] args) {
    Examples.run(
        DeltaLake.withDeltaConf(args),
        ARGS,
        "LiquidClusteringExample",
        (spark, opts) -> {
          Path dir = Path.of(opts.get("dir")).toAbsolutePath();
          dev.advancedspark.common.io.SparkFolders.deleteRecursively(dir);
          String path = dir.resolve("orders").toString();
          Skipping s = run(spark, path, 8_000, 8, 16_000, 4_242);
          System.out.println("clustering columns: " + clusteringColumns(spark, path));
          System.out.printf(
              "point read: %d of %d files before OPTIMIZE, %d of %d after%n",
              s.readBefore(), s.filesBefore(), s.readAfter(), s.filesAfter());
        });
  }
}
