package dev.advancedspark.part5.delta;

import dev.advancedspark.common.ExampleArgs;
import dev.advancedspark.common.Examples;
import dev.advancedspark.common.RunnableExample;
import io.delta.tables.DeltaTable;
import java.nio.file.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;

/**
 * Time travel and RESTORE: every commit is a version; {@code versionAsOf} reads an old one, and
 * {@code RESTORE} makes an old version current again with a new commit (history is kept: the bad
 * write is still readable at its version). Asking for a version that does not exist fails with
 * Delta's message naming the versions available.
 *
 * <pre>
 * bin/run-example TimeTravelExample
 * </pre>
 *
 * Expected output: 100 rows at version 0, 50 after the bad DELETE (version 1), 100 again after the
 * RESTORE (version 2), and the history's operations WRITE, DELETE, RESTORE.
 */
@RunnableExample("Delta time travel (versionAsOf) and RESTORE after a bad write")
public final class TimeTravelExample {

  static final ExampleArgs ARGS =
      ExampleArgs.forExample("TimeTravelExample")
          .option("table", "target/part5/delta/time-travel", "table folder (overwritten)");

  private TimeTravelExample() {}

  // tag::time-travel[]
  /** The table as it was at {@code version}. */
  public static Dataset<Row> asOf(SparkSession spark, String path, long version) {
    return spark.read().format("delta").option("versionAsOf", version).load(path);
  }

  /** Makes {@code version} current again; returns the new version number. */
  public static long restore(SparkSession spark, String path, long version) {
    DeltaTable.forPath(spark, path).restoreToVersion(version);
    return DeltaTableLessons.version(spark, path);
  }

  // end::time-travel[]

  public static void main(String[] args) {
    Examples.run(
        DeltaLake.withDeltaConf(args),
        ARGS,
        "TimeTravelExample",
        (spark, opts) -> {
          String path = Path.of(opts.get("table")).toAbsolutePath().toString();
          spark.range(100).write().format("delta").mode(SaveMode.Overwrite).save(path);
          long good = DeltaTableLessons.version(spark, path);
          DeltaTable.forPath(spark, path).delete("id % 2 = 0");
          System.out.printf(
              "version %d: %d rows; after the DELETE: %d rows%n",
              good,
              asOf(spark, path, good).count(),
              spark.read().format("delta").load(path).count());
          long restored = restore(spark, path, good);
          System.out.printf(
              "after RESTORE (version %d): %d rows%n",
              restored, spark.read().format("delta").load(path).count());
          DeltaTable.forPath(spark, path).history().select("version", "operation").show(false);
        });
  }
}
