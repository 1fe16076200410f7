package dev.advancedspark.part2.windows;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.first;
import static org.apache.spark.sql.functions.lag;
import static org.apache.spark.sql.functions.lead;
import static org.apache.spark.sql.functions.when;

import dev.advancedspark.common.ExampleArgs;
import dev.advancedspark.common.Examples;
import dev.advancedspark.common.RunnableExample;
import java.sql.Date;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Row-to-row deltas with {@code lag} and {@code lead}: change since the previous row, and the next
 * row's day, per sensor.
 *
 * <p>The first row of each partition has no previous row, so its {@code lag} is null (or the
 * default you pass); a null reading makes both its own delta and the next row's delta null. {@code
 * lead} looks at the next row, whatever it holds: a row whose reading is null is still the next
 * row. The next day that has a reading needs a frame instead: the first non-null day among the
 * following rows ({@code first(..., ignoreNulls) over rowsBetween(1, unboundedFollowing)}). All
 * three share one partitioning and ordering, so Spark sorts each partition once and runs one window
 * operator.
 *
 * <pre>
 * bin/run-example LagLeadDeltasExample
 * </pre>
 *
 * Expected output: per sensor and day the reading, the previous row's reading, the delta, the next
 * row's day and the next day with a reading (s1 on 2 January: next row 3 January, whose reading is
 * missing; next reading 4 January).
 */
@RunnableExample("lag/lead: deltas to the previous row and a look at the next one")
public final class LagLeadDeltasExample {

  static final ExampleArgs ARGS = ExampleArgs.forExample("LagLeadDeltasExample");

  private LagLeadDeltasExample() {}

  /**
   * Adds {@code previous} (the previous row's value), {@code delta} (value - previous), {@code
   * next_day} (the next row's day) and {@code next_reading_day} (the next day with a non-null
   * reading).
   */
  public static Dataset<Row> withDeltas(Dataset<Row> readings) {
    WindowSpec bySensor = Window.partitionBy("sensor").orderBy("day");
    WindowSpec laterRows = bySensor.rowsBetween(1, Window.unboundedFollowing());
    return readings
        .withColumn("previous", lag("value", 1).over(bySensor))
        .withColumn("delta", col("value").minus(col("previous")))
        .withColumn("next_day", lead("day", 1).over(bySensor))
        .withColumn(
            "next_reading_day",
            first(when(col("value").isNotNull(), col("day")), true).over(laterRows));
  }

  /** Two sensors; s1 misses a value on 3 January. */
  public static Dataset<Row> readingsFixture(SparkSession spark) {
    StructType schema =
        new StructType()
            .add("sensor", DataTypes.StringType)
            .add("day", DataTypes.DateType)
            .add("value", DataTypes.IntegerType);
    List<Row> rows =
        List.of(
            RowFactory.create("s1", Date.valueOf("2026-01-01"), 100),
            RowFactory.create("s1", Date.valueOf("2026-01-02"), 110),
            RowFactory.create("s1", Date.valueOf("2026-01-03"), null),
            RowFactory.create("s1", Date.valueOf("2026-01-04"), 95),
            RowFactory.create("s2", Date.valueOf("2026-01-01"), 7),
            RowFactory.create("s2", Date.valueOf("2026-01-05"), 9));
    return spark.createDataFrame(rows, schema);
  }

  public static void main(String[] args) {
    Examples.run(
        args,
        ARGS,
        (spark, opts) -> withDeltas(readingsFixture(spark)).orderBy("sensor", "day").show(false));
  }
}
