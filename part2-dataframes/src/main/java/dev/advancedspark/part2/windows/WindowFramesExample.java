package dev.advancedspark.part2.windows;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.unix_date;

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
 * Running totals and moving averages, and why a ROWS frame and a RANGE frame give different answers
 * as soon as the ordering column has duplicates.
 *
 * <p>A ROWS frame counts physical rows; a RANGE frame covers every row whose ordering value is
 * within the bounds, so rows that tie on the ordering value ("peers") are always in the frame
 * together. The trap: {@code sum(x).over(Window.partitionBy(k).orderBy(day))} has no explicit
 * frame, and Spark's default with an ORDER BY is RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW,
 * so two payments on the same day both show the day's closing total. Say the frame you mean.
 *
 * <pre>
 * bin/run-example WindowFramesExample
 * </pre>
 *
 * Expected output: account A's payments with running totals (rows vs default range: 10, 30, 45 vs
 * 10, 45, 45 on the duplicated 2 January) and the 3-row vs 3-day moving averages.
 */
@RunnableExample("Running totals and moving averages: ROWS vs RANGE frames with duplicate keys")
public final class WindowFramesExample {

  static final ExampleArgs ARGS = ExampleArgs.forExample("WindowFramesExample");

  private WindowFramesExample() {}

  // tag::frames[]
  /**
   * Adds two running totals of {@code amount} per account: {@code running_rows} counts rows up to
   * this one; {@code running_default} uses Spark's default frame for an ordered window (RANGE up to
   * the current row), which includes every row of the same day.
   */
  public static Dataset<Row> runningTotals(Dataset<Row> payments) {
    WindowSpec byDay = Window.partitionBy("account").orderBy("day");
    WindowSpec rowsSoFar =
        byDay
            .orderBy(col("day"), col("payment_id"))
            .rowsBetween(Window.unboundedPreceding(), Window.currentRow());
    return payments
        .withColumn("running_rows", sum("amount").over(rowsSoFar))
        .withColumn("running_default", sum("amount").over(byDay));
  }

  // end::frames[]

  /**
   * Adds {@code avg_3_rows} (this row and the two before it) and {@code avg_3_days} (every row from
   * two days before this row's day up to this row's day, peers included).
   */
  public static Dataset<Row> movingAverages(Dataset<Row> payments) {
    WindowSpec last3Rows =
        Window.partitionBy("account").orderBy(col("day"), col("payment_id")).rowsBetween(-2, 0);
    // RANGE needs a numeric ordering value: days since 1970-01-01.
    WindowSpec last3Days =
        Window.partitionBy("account").orderBy(unix_date(col("day"))).rangeBetween(-2, 0);
    return payments
        .withColumn("avg_3_rows", avg("amount").over(last3Rows))
        .withColumn("avg_3_days", avg("amount").over(last3Days));
  }

  /** Account A pays twice on 2 January (a duplicate ordering key) and skips 4 January. */
  public static Dataset<Row> paymentsFixture(SparkSession spark) {
    StructType schema =
        new StructType()
            .add("account", DataTypes.StringType)
            .add("payment_id", DataTypes.IntegerType)
            .add("day", DataTypes.DateType)
            .add("amount", DataTypes.IntegerType);
    List<Row> rows =
        List.of(
            RowFactory.create("A", 1, Date.valueOf("2026-01-01"), 10),
            RowFactory.create("A", 2, Date.valueOf("2026-01-02"), 20),
            RowFactory.create("A", 3, Date.valueOf("2026-01-02"), 15),
            RowFactory.create("A", 4, Date.valueOf("2026-01-03"), 5),
            RowFactory.create("A", 5, Date.valueOf("2026-01-05"), 50),
            RowFactory.create("B", 6, Date.valueOf("2026-01-01"), 7),
            RowFactory.create("B", 7, Date.valueOf("2026-01-02"), null));
    return spark.createDataFrame(rows, schema);
  }

  public static void main(String[] args) {
    Examples.run(
        args,
        ARGS,
        (spark, opts) -> {
          Dataset<Row> payments = paymentsFixture(spark);
          System.out.println("Running totals: ROWS frame vs the default RANGE frame");
          runningTotals(payments).orderBy("account", "payment_id").show(false);
          System.out.println("Moving averages: 3 rows vs 3 days");
          movingAverages(payments).orderBy("account", "payment_id").show(false);
        });
  }
}
