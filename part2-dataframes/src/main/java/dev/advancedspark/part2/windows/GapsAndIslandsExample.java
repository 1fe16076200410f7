package dev.advancedspark.part2.windows;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.count_distinct;
import static org.apache.spark.sql.functions.date_sub;
import static org.apache.spark.sql.functions.dense_rank;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.to_date;

import dev.advancedspark.common.ExampleArgs;
import dev.advancedspark.common.Examples;
import dev.advancedspark.common.RunnableExample;
import dev.advancedspark.common.data.DataGenerators;
import dev.advancedspark.common.data.Skew;
import java.sql.Date;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Gaps and islands: runs of consecutive days ("streaks") per user.
 *
 * <p>Number each user's distinct days in order; within a run of consecutive days, day minus that
 * number is constant, so it labels the island. {@code dense_rank} rather than {@code row_number}
 * makes two events on the same day count as one day; null days are dropped first, since a null date
 * belongs to no island.
 *
 * <pre>
 * bin/run-example GapsAndIslandsExample
 * bin/run-example GapsAndIslandsExample --rows 1M --users 10k
 * </pre>
 *
 * Expected output: the fixture's islands (u1: 1-3 January, 3 days; 5 January, 1 day; u2: 1-2
 * January), then the longest streaks of the generated clickstream.
 */
@RunnableExample("Gaps and islands: streaks of consecutive days per user")
public final class GapsAndIslandsExample {

  static final ExampleArgs ARGS =
      ExampleArgs.forExample("GapsAndIslandsExample")
          .count("rows", "100000", "generated click events")
          .count("users", "5000", "distinct users");

  private GapsAndIslandsExample() {}

  /** One row per island: {@code key}, start, end, days (number of distinct days in the run). */
  public static Dataset<Row> islands(Dataset<Row> activity, String key, String day) {
    Dataset<Row> days = activity.filter(col(day).isNotNull());
    Dataset<Row> labelled =
        days.withColumn(
            "island",
            date_sub(col(day), dense_rank().over(Window.partitionBy(key).orderBy(col(day)))));
    return labelled
        .groupBy(col(key), col("island"))
        .agg(
            min(day).as("start"),
            max(day).as("end"),
            count(lit(1)).as("events"),
            count_distinct(col(day)).as("days"))
        .drop("island");
  }

  /** u1 active on 1, 2 (twice), 3 and 5 January and once with no date; u2 on 1 and 2 January. */
  public static Dataset<Row> activityFixture(SparkSession spark) {
    StructType schema =
        new StructType().add("user_id", DataTypes.StringType).add("day", DataTypes.DateType);
    List<Row> rows =
        List.of(
            RowFactory.create("u1", Date.valueOf("2026-01-01")),
            RowFactory.create("u1", Date.valueOf("2026-01-02")),
            RowFactory.create("u1", Date.valueOf("2026-01-02")),
            RowFactory.create("u1", Date.valueOf("2026-01-03")),
            RowFactory.create("u1", Date.valueOf("2026-01-05")),
            RowFactory.create("u1", null),
            RowFactory.create("u2", Date.valueOf("2026-01-02")),
            RowFactory.create("u2", Date.valueOf("2026-01-01")));
    return spark.createDataFrame(rows, schema);
  }

  public static void main(String[] args) {
    Examples.run(
        args,
        ARGS,
        (spark, opts) -> {
          System.out.println("Fixture islands:");
          islands(activityFixture(spark), "user_id", "day").orderBy("user_id", "start").show(false);
          Dataset<Row> activity =
              DataGenerators.clickstream(
                      spark, opts.getLong("rows"), opts.getLong("users"), Skew.uniform(), 42)
                  .select(col("user_id"), to_date(col("event_ts")).as("day"));
          System.out.println("Longest streaks in the generated clickstream (7 days of data):");
          islands(activity, "user_id", "day")
              .orderBy(col("days").desc(), col("user_id"))
              .limit(5)
              .show(false);
        });
  }
}
