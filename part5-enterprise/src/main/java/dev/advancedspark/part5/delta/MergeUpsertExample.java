package dev.advancedspark.part5.delta;

import dev.advancedspark.common.ExampleArgs;
import dev.advancedspark.common.Examples;
import dev.advancedspark.common.RunnableExample;
import io.delta.tables.DeltaTable;
import java.nio.file.Path;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;

/**
 * MERGE as an upsert: rows whose key exists are updated, the others inserted, in one atomic commit
 * whose {@code operationMetrics} say how many of each. Replaying the same upsert changes no row (an
 * upsert by key is idempotent by nature; a MERGE that adds to a total is not: see {@code
 * ExactlyOnceKafkaToDelta}).
 *
 * <pre>
 * bin/run-example MergeUpsertExample
 * </pre>
 *
 * Expected output: the MERGE metrics (1 updated, 1 inserted), then 4 customers.
 */
@RunnableExample("Delta MERGE upsert: updated and inserted rows from the commit's metrics")
public final class MergeUpsertExample {

  static final ExampleArgs ARGS =
      ExampleArgs.forExample("MergeUpsertExample")
          .option("table", "target/part5/delta/customers", "table folder (overwritten)");

  private MergeUpsertExample() {}

  /** Three customers (id, name, city). */
  public static Dataset<Row> customers(SparkSession spark) {
    return spark.sql(
        "SELECT * FROM VALUES (1, 'Ada', 'London'), (2, 'Grace', 'New York'), (3, 'Alan', 'Wilmslow')"
            + " AS t(id, name, city)");
  }

  /** Customer 2 moved; customer 4 is new. */
  public static Dataset<Row> changes(SparkSession spark) {
    return spark.sql(
        "SELECT * FROM VALUES (2, 'Grace', 'Arlington'), (4, 'Edsger', 'Austin') AS t(id, name,"
            + " city)");
  }

  // tag::merge-upsert[]
  /** Updates the rows whose id exists, inserts the others: one atomic commit. */
  public static void upsert(SparkSession spark, String path, Dataset<Row> changes) {
    DeltaTable.forPath(spark, path)
        .as("t")
        .merge(changes.as("s"), "t.id = s.id")
        .whenMatched()
        .updateAll()
        .whenNotMatched()
        .insertAll()
        .execute();
  }

  // end::merge-upsert[]

  public static void main(String[] args) {
    Examples.run(
        DeltaLake.withDeltaConf(args),
        ARGS,
        "MergeUpsertExample",
        (spark, opts) -> {
          String path = Path.of(opts.get("table")).toAbsolutePath().toString();
          customers(spark).write().format("delta").mode(SaveMode.Overwrite).save(path);
          upsert(spark, path, changes(spark));
          Map<String, String> m = DeltaTableLessons.lastOperationMetrics(spark, path);
          System.out.printf(
              "%s: %s updated, %s inserted%n",
              m.get("operation"), m.get("numTargetRowsUpdated"), m.get("numTargetRowsInserted"));
          spark.read().format("delta").load(path).orderBy("id").show(false);
        });
  }
}
