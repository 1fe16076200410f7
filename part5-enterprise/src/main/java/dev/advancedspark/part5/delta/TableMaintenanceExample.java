package dev.advancedspark.part5.delta;

import static org.apache.spark.sql.functions.col;

import dev.advancedspark.common.ExampleArgs;
import dev.advancedspark.common.Examples;
import dev.advancedspark.common.RunnableExample;
import io.delta.tables.DeltaTable;
import java.nio.file.Path;
import java.util.Map;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;

/**
 * Table maintenance: OPTIMIZE compacts small files (file count before and after); Z-ordering
 * clusters rows by a column so the per-file min/max statistics let a selective read skip files (the
 * scan's "number of files read"); a DELETE on a table with deletion vectors marks rows deleted
 * instead of rewriting their file; VACUUM refuses a retention shorter than the default 7 days
 * unless its safety check is turned off, because it would break time travel and readers of older
 * versions.
 *
 * <pre>
 * bin/run-example TableMaintenanceExample
 * </pre>
 *
 * Expected output: 16 files -> 1 after OPTIMIZE; a point read on the Z-ordered table reads 1 of 8
 * files; the DELETE with deletion vectors removes 0 files, without them it rewrites 1; VACUUM
 * RETAIN 0 HOURS is refused.
 */
@RunnableExample("Delta OPTIMIZE, Z-order data skipping, deletion vectors, VACUUM retention")
public final class TableMaintenanceExample {

  static final ExampleArgs ARGS =
      ExampleArgs.forExample("TableMaintenanceExample")
          .option("dir", "target/part5/delta/maintenance", "folder for the tables (overwritten)");

  private TableMaintenanceExample() {}

  /** {@code files} files of ids {@code 0..rows-1}, every file holding every range of ids. */
  public static void writeSmallFiles(SparkSession spark, String path, long rows, int files) {
    spark
        .range(0, rows)
        .repartition(files) // round-robin: each file spans the whole id range
        .selectExpr("id", "id % 97 AS customer", "CAST(id AS DOUBLE) AS amount")
        .write()
        .format("delta")
        .mode(SaveMode.Overwrite)
        .save(path);
  }

  // tag::optimize[]
  /** Compacts small files; returns (files before, files after). */
  public static long[] optimize(SparkSession spark, String path) {
    long before = DeltaTableLessons.fileCount(spark, path);
    DeltaTable.forPath(spark, path).optimize().executeCompaction();
    return new long[] {before, DeltaTableLessons.fileCount(spark, path)};
  }

  /** Rewrites the table into files clustered by {@code column} (Z-order on one column). */
  public static void zOrder(SparkSession spark, String path, String column) {
    DeltaTable.forPath(spark, path).optimize().executeZOrderBy(column);
  }

  // end::optimize[]

  /** Files read by a point lookup on {@code id}. */
  public static long filesReadForId(SparkSession spark, String path, long id) {
    return DeltaTableLessons.filesRead(
        spark.read().format("delta").load(path).where(col("id").equalTo(id)));
  }

  // tag::deletion-vectors[]
  /** Deletes one row; returns the DELETE's commit metrics (files removed, DVs added). */
  public static Map<String, String> deleteOne(
      SparkSession spark, String path, boolean deletionVectors, long id) {
    spark.sql(
        "ALTER TABLE delta.`"
            + path
            + "` SET TBLPROPERTIES ('delta.enableDeletionVectors' = '"
            + deletionVectors
            + "')");
    DeltaTable.forPath(spark, path).delete(col("id").equalTo(id));
    return DeltaTableLessons.lastOperationMetrics(spark, path);
  }

  // end::deletion-vectors[]

  /** VACUUM with a retention of {@code hours}; Delta refuses less than the table's 7 days. */
  public static void vacuum(SparkSession spark, String path, double hours) {
    DeltaTable.forPath(spark, path).vacuum(hours);
  }

  public static void main(String[] args) {
    Examples.run(
        DeltaLake.withDeltaConf(args),
        ARGS,
        "TableMaintenanceExample",
        (spark, opts) -> {
          Path dir = Path.of(opts.get("dir")).toAbsolutePath();
          String path = dir.resolve("orders").toString();
          writeSmallFiles(spark, path, 8_000, 16);
          long[] files = optimize(spark, path);
          System.out.printf("OPTIMIZE: %d files -> %d%n", files[0], files[1]);

          String zPath = dir.resolve("orders-zorder").toString();
          writeSmallFiles(spark, zPath, 8_000, 8);
          long unclustered = filesReadForId(spark, zPath, 4_242);
          spark.conf().set("spark.databricks.delta.optimize.maxFileSize", "16000");
          zOrder(spark, zPath, "id");
          spark.conf().unset("spark.databricks.delta.optimize.maxFileSize");
          System.out.printf(
              "point read: %d of %d files before Z-order, %d of %d after%n",
              unclustered,
              8,
              filesReadForId(spark, zPath, 4_242),
              DeltaTableLessons.fileCount(spark, zPath));

          Map<String, String> dv = deleteOne(spark, path, true, 1);
          Map<String, String> rewrite = deleteOne(spark, path, false, 2);
          System.out.printf(
              "DELETE with deletion vectors: %s files removed, %s DVs added; without: %s files"
                  + " removed, %s added%n",
              dv.get("numRemovedFiles"),
              dv.get("numDeletionVectorsAdded"),
              rewrite.get("numRemovedFiles"),
              rewrite.get("numAddedFiles"));
          try {
            vacuum(spark, path, 0);
          } catch (IllegalArgumentException e) {
            System.out.println(
                "VACUUM RETAIN 0 HOURS refused: " + e.getMessage().lines().findFirst().orElse(""));
          }
        });
  }
}
