package dev.advancedspark.part5.delta;

import dev.advancedspark.common.ExampleArgs;
import dev.advancedspark.common.Examples;
import dev.advancedspark.common.RunnableExample;
import io.delta.tables.DeltaTable;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeoutException;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.StreamingQueryException;
import org.apache.spark.sql.streaming.Trigger;

/**
 * Change Data Feed: with {@code delta.enableChangeDataFeed = true}, every commit also records its
 * row-level changes, and a stream ({@code readChangeFeed}) reads them as rows with {@code
 * _change_type} (insert, update_preimage, update_postimage, delete), {@code _commit_version} and
 * {@code _commit_timestamp}: the input of a downstream incremental job, without diffing snapshots.
 *
 * <pre>
 * bin/run-example ChangeDataFeedExample
 * </pre>
 *
 * Expected output: the change rows per type: 3 inserts + 1 insert, 1 update (pre and post image), 1
 * delete.
 */
@RunnableExample("Delta Change Data Feed read as a stream (_change_type per row)")
public final class ChangeDataFeedExample {

  static final ExampleArgs ARGS =
      ExampleArgs.forExample("ChangeDataFeedExample")
          .option("dir", "target/part5/delta/cdf", "folder for the tables (overwritten)");

  private ChangeDataFeedExample() {}

  /** A table with CDF on: 3 inserts, then an update, a delete and an insert (versions 1..3). */
  public static void createAndChange(SparkSession spark, String path) {
    spark.sql(
        "CREATE OR REPLACE TABLE delta.`"
            + path
            + "` (id INT, city STRING) USING delta"
            + " TBLPROPERTIES (delta.enableChangeDataFeed = true)");
    spark.sql("INSERT INTO delta.`" + path + "` VALUES (1, 'London'), (2, 'Paris'), (3, 'Rome')");
    DeltaTable t = DeltaTable.forPath(spark, path);
    t.updateExpr("id = 2", Map.of("city", "'Lyon'"));
    t.delete("id = 3");
    spark.sql("INSERT INTO delta.`" + path + "` VALUES (4, 'Oslo')");
  }

  // tag::cdf-stream[]
  /** Streams the table's changes from version 0 into {@code changesPath} (availableNow). */
  public static void streamChanges(
      SparkSession spark, String path, String changesPath, String checkpoint)
      throws TimeoutException, StreamingQueryException {
    StreamingQuery q =
        spark
            .readStream()
            .format("delta")
            .option("readChangeFeed", "true")
            .option("startingVersion", 0)
            .load(path)
            .writeStream()
            .format("delta")
            .option("checkpointLocation", checkpoint)
            .trigger(Trigger.AvailableNow())
            .start(changesPath);
    q.awaitTermination();
  }

  // end::cdf-stream[]

  /** The change rows per {@code _change_type}. */
  public static Map<String, Long> changeCounts(SparkSession spark, String changesPath) {
    Map<String, Long> out = new TreeMap<>();
    spark
        .read()
        .format("delta")
        .load(changesPath)
        .groupBy("_change_type")
        .count()
        .collectAsList()
        .forEach(r -> out.put(r.getString(0), r.getLong(1)));
    return out;
  }

  public static void main(String[] args) {
    Examples.run(
        DeltaLake.withDeltaConf(args),
        ARGS,
        "ChangeDataFeedExample",
        (spark, opts) -> {
          Path dir = Path.of(opts.get("dir")).toAbsolutePath();
          String path = dir.resolve("cities").toString();
          createAndChange(spark, path);
          try {
            streamChanges(
                spark,
                path,
                dir.resolve("changes").toString(),
                dir.resolve("_checkpoint").toString());
          } catch (TimeoutException | StreamingQueryException e) {
            throw new IllegalStateException("The change stream failed: " + e.getMessage(), e);
          }
          System.out.println(
              "changes per type: " + changeCounts(spark, dir.resolve("changes").toString()));
        });
  }
}
