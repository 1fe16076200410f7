package dev.advancedspark.part2.windows;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.row_number;

import dev.advancedspark.common.ExampleArgs;
import dev.advancedspark.common.Examples;
import dev.advancedspark.common.RunnableExample;
import dev.advancedspark.common.data.DataGenerators;
import dev.advancedspark.common.data.DataGenerators.OrdersSpec;
import java.sql.Timestamp;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * De-duplication that keeps the latest version of each record (a change feed folded into current
 * state), with {@code row_number} over the key ordered by update time.
 *
 * <p>{@code dropDuplicates("id")} keeps an arbitrary row per key: whichever arrives first in a
 * partition, which changes with the partitioning. Ordering by {@code updated_at DESC NULLS LAST}
 * then a tie-breaker makes the choice explicit and repeatable; a record with no timestamp only wins
 * when it is the only version.
 *
 * <pre>
 * bin/run-example DeduplicateLatestExample
 * bin/run-example DeduplicateLatestExample --rows 1M
 * </pre>
 *
 * Expected output: the fixture's current state (c1 -> "gold", c2 -> "silver", c3 -> "bronze"), then
 * the number of generated changes and of distinct customers left.
 */
@RunnableExample("De-duplication keeping the latest record per key")
public final class DeduplicateLatestExample {

  static final ExampleArgs ARGS =
      ExampleArgs.forExample("DeduplicateLatestExample")
          .count("rows", "100000", "generated change records (orders used as changes)");

  private DeduplicateLatestExample() {}

  /**
   * One row per {@code key}: the one with the latest {@code updatedAt}; ties go to the highest
   * {@code tieBreaker} (e.g. a sequence number), nulls in {@code updatedAt} lose.
   */
  public static Dataset<Row> latestPerKey(
      Dataset<Row> changes, String key, String updatedAt, String tieBreaker) {
    return changes
        .withColumn(
            "rn",
            row_number()
                .over(
                    Window.partitionBy(key)
                        .orderBy(col(updatedAt).desc_nulls_last(), col(tieBreaker).desc())))
        .filter(col("rn").equalTo(1))
        .drop("rn");
  }

  /** Tier changes: c1 upgraded twice, c2 has a late null-timestamp row, c3 only a null one. */
  public static Dataset<Row> changesFixture(SparkSession spark) {
    StructType schema =
        new StructType()
            .add("customer", DataTypes.StringType)
            .add("seq", DataTypes.IntegerType)
            .add("updated_at", DataTypes.TimestampType)
            .add("tier", DataTypes.StringType);
    List<Row> rows =
        List.of(
            RowFactory.create("c1", 1, Timestamp.valueOf("2026-01-01 09:00:00"), "bronze"),
            RowFactory.create("c1", 2, Timestamp.valueOf("2026-01-03 09:00:00"), "gold"),
            RowFactory.create("c1", 3, Timestamp.valueOf("2026-01-02 09:00:00"), "silver"),
            RowFactory.create("c2", 4, Timestamp.valueOf("2026-01-01 09:00:00"), "bronze"),
            RowFactory.create("c2", 5, Timestamp.valueOf("2026-01-02 09:00:00"), "silver"),
            RowFactory.create("c2", 6, null, "platinum"),
            RowFactory.create("c3", 7, null, "bronze"));
    return spark.createDataFrame(rows, schema);
  }

  public static void main(String[] args) {
    Examples.run(
        args,
        ARGS,
        (spark, opts) -> {
          System.out.println("Current state from the fixture's changes:");
          latestPerKey(changesFixture(spark), "customer", "updated_at", "seq")
              .orderBy("customer")
              .show(false);
          Dataset<Row> changes =
              DataGenerators.orders(spark, OrdersSpec.of(opts.getLong("rows")))
                  .filter(col("customer_id").isNotNull());
          long latest = latestPerKey(changes, "customer_id", "order_ts", "order_id").count();
          System.out.printf(
              "%d changes folded into %d current customer rows (latest order of each)%n",
              changes.count(), latest);
        });
  }
}
