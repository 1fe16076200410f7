package dev.advancedspark.part2.windows;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lag;
import static org.apache.spark.sql.functions.lead;

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
 * Row-to-row deltas with {@code lag} and {@code lead}: change since the previous reading, and the
 * next reading's day, per sensor.
 *
 * <p>The first row of each partition has no previous row, so its {@code lag} is null (or the
 * default you pass); a null reading makes both its own delta and the next row's delta null. Both
 * functions share one window specification, so Spark sorts each partition once.
 *
 * <pre>
 * bin/run-example LagLeadDeltasExample
 * </pre>
 *
 * Expected output: per sensor and day the reading, the previous reading, the delta and the next day
 * with a reading (null on each sensor's first and last row).
 */
@RunnableExample("lag/lead: deltas to the previous row and a look at the next one")
public final class LagLeadDeltasExample {

  static final ExampleArgs ARGS = ExampleArgs.forExample("LagLeadDeltasExample");

  private LagLeadDeltasExample() {}

  /** Adds {@code previous}, {@code delta} (value - previous) and {@code next_day}. */
  public static Dataset<Row> withDeltas(Dataset<Row> readings) {
    WindowSpec bySensor = Window.partitionBy("sensor").orderBy("day");
    return readings
        .withColumn("previous", lag("value", 1).over(bySensor))
        .withColumn("delta", col("value").minus(col("previous")))
        .withColumn("next_day", lead("day", 1).over(bySensor));
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
