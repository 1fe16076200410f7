package dev.advancedspark.benchmarks.baselines;

import dev.advancedspark.common.data.DataFiles;
import dev.advancedspark.common.data.DataGenerators;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.spark.sql.SparkSession;

/**
 * The db-benchmark groupby table (G1 shape: K = 100 groups for id1/id2/id4/id5) as one Parquet
 * folder that every engine loads: the same bytes for Spark, DuckDB and plain Java.
 */
public final class GroupByData {

  /** db-benchmark's K: id1, id2, id4, id5 take K values, id3 and id6 take rows / K values. */
  public static final long K = 100;

  public static final long SEED = 42L;

  private GroupByData() {}

  /** Where the table of {@code rows} rows lives under {@code dir}. */
  public static Path parquet(Path dir, long rows, long k) {
    return dir.resolve("groupby-" + rows + "-k" + k + ".parquet");
  }

  /** Whether the folder holds a complete table (Spark writes {@code _SUCCESS} last). */
  public static boolean exists(Path folder) {
    return Files.exists(folder.resolve("_SUCCESS"));
  }

  /** Writes the table with Spark unless a complete copy is already there; returns the folder. */
  public static Path ensure(SparkSession spark, Path folder, long rows, long k) {
    if (!exists(folder)) {
      DataFiles.write(
          DataGenerators.groupBy(spark, rows, k, SEED), DataFiles.Format.PARQUET, folder);
    }
    return folder;
  }

  /** The glob DuckDB reads: every Parquet part file of the folder. */
  public static String duckDbGlob(Path folder) {
    return folder.toAbsolutePath().resolve("*.parquet").toString().replace("'", "''");
  }
}
