package dev.advancedspark.part5.delta;

import static org.apache.spark.sql.functions.col;

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
 * A slowly changing dimension of type 2 with one MERGE: a changed address closes the current row
 * ({@code is_current = false}, {@code valid_to} set) and inserts a new current row; an unchanged
 * address does nothing; a new customer is inserted. The trick: each changed row is sent twice, once
 * with its key (to match and close the current row) and once with a null merge key (never matches,
 * so it is inserted).
 *
 * <pre>
 * bin/run-example Scd2DimensionExample
 * </pre>
 *
 * Expected output: customer 1 with two rows (London closed on 2026-02-01, Cambridge current),
 * customer 2 unchanged, customer 3 new.
 */
@RunnableExample("Delta SCD type 2 dimension with one MERGE (close the old row, insert the new)")
public final class Scd2DimensionExample {

  static final ExampleArgs ARGS =
      ExampleArgs.forExample("Scd2DimensionExample")
          .option("table", "target/part5/delta/dim-customer", "table folder (overwritten)");

  private Scd2DimensionExample() {}

  /** The dimension on day one: customers 1 and 2, both current. */
  public static Dataset<Row> initial(SparkSession spark) {
    return spark.sql(
        "SELECT id, address, TRUE AS is_current, DATE'2026-01-01' AS valid_from,"
            + " CAST(NULL AS DATE) AS valid_to FROM VALUES (1, 'London'), (2, 'Paris') AS t(id,"
            + " address)");
  }

  /** Day two: 1 moved, 2 sent again unchanged, 3 is new. */
  public static Dataset<Row> updates(SparkSession spark) {
    return spark.sql(
        "SELECT id, address, DATE'2026-02-01' AS effective FROM VALUES (1, 'Cambridge'), (2,"
            + " 'Paris'), (3, 'Rome') AS t(id, address)");
  }

  // tag::scd2-merge[]
  /** Applies {@code updates} (id, address, effective) to the type-2 dimension at {@code path}. */
  public static void apply(SparkSession spark, String path, Dataset<Row> updates) {
    DeltaTable dim = DeltaTable.forPath(spark, path);
    // Changed rows once more with a null key: they will not match, so they are inserted.
    Dataset<Row> newVersions =
        updates
            .as("u")
            .join(dim.toDF().as("d"), col("u.id").equalTo(col("d.id")))
            .where("d.is_current AND d.address <> u.address")
            .selectExpr("CAST(NULL AS INT) AS merge_key", "u.*");
    Dataset<Row> staged = newVersions.unionByName(updates.selectExpr("id AS merge_key", "*"));
    dim.as("d")
        .merge(staged.as("s"), "d.id = s.merge_key AND d.is_current")
        .whenMatched("d.address <> s.address")
        .updateExpr(Map.of("is_current", "false", "valid_to", "s.effective"))
        .whenNotMatched()
        .insertExpr(
            Map.of(
                "id", "s.id",
                "address", "s.address",
                "is_current", "true",
                "valid_from", "s.effective",
                "valid_to", "CAST(NULL AS DATE)"))
        .execute();
  }

  // end::scd2-merge[]

  public static void main(String[] args) {
    Examples.run(
        DeltaLake.withDeltaConf(args),
        ARGS,
        "Scd2DimensionExample",
        (spark, opts) -> {
          String path = Path.of(opts.get("table")).toAbsolutePath().toString();
          initial(spark).write().format("delta").mode(SaveMode.Overwrite).save(path);
          apply(spark, path, updates(spark));
          spark.read().format("delta").load(path).orderBy("id", "valid_from").show(false);
        });
  }
}
