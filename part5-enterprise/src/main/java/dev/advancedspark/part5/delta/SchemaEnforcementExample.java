package dev.advancedspark.part5.delta;

import dev.advancedspark.common.ExampleArgs;
import dev.advancedspark.common.Examples;
import dev.advancedspark.common.RunnableExample;
import java.nio.file.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;

/**
 * Schema enforcement and evolution: Delta refuses an append whose column has another type, or that
 * brings a column the table does not have, and commits nothing; with {@code mergeSchema=true} the
 * new column is added (old rows read it as null). A type change is refused even then.
 *
 * <pre>
 * bin/run-example SchemaEnforcementExample
 * </pre>
 *
 * Expected output: the two refusals (Delta's first message line), then the table with the new
 * {@code channel} column, null for the first rows.
 */
@RunnableExample("Delta schema enforcement (wrong type refused) and evolution (mergeSchema)")
public final class SchemaEnforcementExample {

  static final ExampleArgs ARGS =
      ExampleArgs.forExample("SchemaEnforcementExample")
          .option("table", "target/part5/delta/orders-schema", "table folder (overwritten)");

  private SchemaEnforcementExample() {}

  /** Orders (order_id BIGINT, amount DOUBLE). */
  public static Dataset<Row> orders(SparkSession spark) {
    return spark.sql("SELECT id AS order_id, CAST(id * 10 AS DOUBLE) AS amount FROM range(3)");
  }

  /** The same columns, amount as a string: a producer's bug. */
  public static Dataset<Row> wrongType(SparkSession spark) {
    return spark.sql("SELECT 9L AS order_id, 'ten' AS amount");
  }

  /** One more column: a producer's new field. */
  public static Dataset<Row> newColumn(SparkSession spark) {
    return spark.sql("SELECT 7L AS order_id, 70.0D AS amount, 'web' AS channel");
  }

  // tag::merge-schema[]
  /** Appends {@code rows}; with {@code mergeSchema} new columns are added to the table. */
  public static void append(Dataset<Row> rows, String path, boolean mergeSchema) {
    rows.write()
        .format("delta")
        .mode(SaveMode.Append)
        .option("mergeSchema", Boolean.toString(mergeSchema))
        .save(path);
  }

  // end::merge-schema[]

  public static void main(String[] args) {
    Examples.run(
        DeltaLake.withDeltaConf(args),
        ARGS,
        "SchemaEnforcementExample",
        (spark, opts) -> {
          String path = Path.of(opts.get("table")).toAbsolutePath().toString();
          orders(spark).write().format("delta").mode(SaveMode.Overwrite).save(path);
          for (Dataset<Row> bad : java.util.List.of(wrongType(spark), newColumn(spark))) {
            try {
              append(bad, path, false);
            } catch (Exception e) {
              System.out.println("refused: " + e.getMessage().lines().findFirst().orElse(""));
            }
          }
          append(newColumn(spark), path, true);
          spark.read().format("delta").load(path).orderBy("order_id").show(false);
        });
  }
}
