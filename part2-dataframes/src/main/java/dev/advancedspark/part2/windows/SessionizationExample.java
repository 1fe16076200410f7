package dev.advancedspark.part2.windows;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lag;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.session_window;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.unix_timestamp;
import static org.apache.spark.sql.functions.when;

import dev.advancedspark.common.ExampleArgs;
import dev.advancedspark.common.Examples;
import dev.advancedspark.common.RunnableExample;
import dev.advancedspark.common.data.DataGenerators;
import dev.advancedspark.common.data.Skew;
import java.sql.Timestamp;
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
 * Sessionization: cut each user's clickstream into sessions wherever the user was inactive for
 * longer than a gap, with {@code lag} and a running sum, then summarise each session.
 *
 * <p>The pattern: flag a row that starts a session (first event, or more than {@code gap} after the
 * previous one), then a running sum of the flags numbers the sessions. It needs one shuffle and one
 * sort by (user, time). Spark's built-in {@code session_window(ts, gap)} aggregation gives the same
 * sessions (its end is the last event plus the gap); the window version also keeps every event with
 * its session number, which the aggregation cannot.
 *
 * <pre>
 * bin/run-example SessionizationExample
 * bin/run-example SessionizationExample --rows 1M --users 10k --gap-minutes 30
 * </pre>
 *
 * Expected output: the fixture's three sessions for user u1 and one for u2, then session counts and
 * the longest sessions of the generated clickstream, and whether the two methods agree ("same
 * sessions: true").
 */
@RunnableExample("Sessionization of clickstream events by an inactivity gap")
public final class SessionizationExample {

  static final ExampleArgs ARGS =
      ExampleArgs.forExample("SessionizationExample")
          .count("rows", "100000", "generated click events")
          .count("users", "1000", "distinct users")
          .count("gap-minutes", "30", "inactivity that ends a session");

  private SessionizationExample() {}

  /**
   * Adds {@code session_no} (1, 2, ... per user): a new session starts after a gap > gapSeconds.
   */
  public static Dataset<Row> sessionize(
      Dataset<Row> events, String user, String ts, long gapSeconds) {
    WindowSpec byTime = Window.partitionBy(user).orderBy(col(ts));
    Dataset<Row> flagged =
        events.withColumn(
            "new_session",
            when(
                    lag(col(ts), 1)
                        .over(byTime)
                        .isNull()
                        .or(
                            unix_timestamp(col(ts))
                                .minus(unix_timestamp(lag(col(ts), 1).over(byTime)))
                                .gt(gapSeconds)),
                    lit(1))
                .otherwise(lit(0)));
    return flagged
        .withColumn(
            "session_no",
            sum("new_session")
                .over(byTime.rowsBetween(Window.unboundedPreceding(), Window.currentRow())))
        .drop("new_session");
  }

  /** One row per session: user, session_no, start, end (last event), events. */
  public static Dataset<Row> sessions(
      Dataset<Row> events, String user, String ts, long gapSeconds) {
    return sessionize(events, user, ts, gapSeconds)
        .groupBy(col(user), col("session_no"))
        .agg(min(ts).as("start"), max(ts).as("end"), count(lit(1)).as("events"));
  }

  /**
   * The same sessions with Spark's {@code session_window}: user, start, end (last event), events.
   */
  public static Dataset<Row> sessionsWithSessionWindow(
      Dataset<Row> events, String user, String ts, long gapSeconds) {
    return events
        .groupBy(col(user), session_window(col(ts), gapSeconds + " seconds"))
        .agg(min(ts).as("start"), max(ts).as("end"), count(lit(1)).as("events"))
        .drop("session_window");
  }

  /** u1: a session of 3 clicks, 40 idle minutes, 2 clicks, 2 idle hours, 1 click; u2: 2 clicks. */
  public static Dataset<Row> clicksFixture(SparkSession spark) {
    StructType schema =
        new StructType().add("user_id", DataTypes.StringType).add("ts", DataTypes.TimestampType);
    List<Row> rows =
        List.of(
            RowFactory.create("u1", Timestamp.valueOf("2026-01-01 10:00:00")),
            RowFactory.create("u1", Timestamp.valueOf("2026-01-01 10:05:00")),
            RowFactory.create("u1", Timestamp.valueOf("2026-01-01 10:29:00")),
            RowFactory.create("u1", Timestamp.valueOf("2026-01-01 11:09:00")),
            RowFactory.create("u1", Timestamp.valueOf("2026-01-01 11:10:00")),
            RowFactory.create("u1", Timestamp.valueOf("2026-01-01 13:10:00")),
            RowFactory.create("u2", Timestamp.valueOf("2026-01-01 10:00:00")),
            RowFactory.create("u2", Timestamp.valueOf("2026-01-01 10:20:00")));
    return spark.createDataFrame(rows, schema);
  }

  public static void main(String[] args) {
    Examples.run(
        args,
        ARGS,
        (spark, opts) -> {
          long gap = opts.getLong("gap-minutes") * 60; // a count: at least 1, checked when parsed
          System.out.println("Fixture sessions (gap 30 minutes):");
          sessions(clicksFixture(spark), "user_id", "ts", 1800)
              .orderBy("user_id", "session_no")
              .show(false);

          Dataset<Row> clicks =
              DataGenerators.clickstream(
                      spark, opts.getLong("rows"), opts.getLong("users"), Skew.zipf(1.1), 42)
                  .cache();
          Dataset<Row> viaWindow = sessions(clicks, "user_id", "event_ts", gap).cache();
          System.out.printf(
              "Generated clickstream: %d events, %d sessions%n", clicks.count(), viaWindow.count());
          viaWindow.orderBy(col("events").desc()).limit(5).show(false);
          Dataset<Row> viaSessionWindow =
              sessionsWithSessionWindow(clicks, "user_id", "event_ts", gap);
          Dataset<Row> windowKeys = viaWindow.select("user_id", "start", "end", "events");
          boolean same =
              windowKeys.exceptAll(viaSessionWindow).isEmpty()
                  && viaSessionWindow.exceptAll(windowKeys).isEmpty();
          System.out.printf("lag + running sum vs session_window: same sessions: %s%n", same);
        });
  }
}
