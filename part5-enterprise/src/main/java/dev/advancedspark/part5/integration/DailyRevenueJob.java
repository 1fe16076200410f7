package dev.advancedspark.part5.integration;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;

import dev.advancedspark.common.ExampleArgs;
import dev.advancedspark.common.Examples;
import dev.advancedspark.common.RunnableExample;
import dev.advancedspark.common.UsageException;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;

/**
 * The job the Airflow DAG {@code daily_revenue.py} submits: revenue per country for ONE day,
 * written to the {@code date=YYYY-MM-DD} partition of the output with dynamic partition overwrite.
 * A retry, a rerun or a backfill of a day replaces that day's partition and leaves the others:
 * idempotent by construction, whatever the scheduler does.
 *
 * <pre>
 * bin/run-example DailyRevenueJob --date 2026-01-02 --output target/part5/daily_revenue
 * </pre>
 *
 * Expected output: five countries written for the date, and the partitions now in the table.
 */
@RunnableExample("Integration: an idempotent date-partitioned job (what the Airflow DAG submits)")
public final class DailyRevenueJob {

  static final ExampleArgs ARGS =
      ExampleArgs.forExample("DailyRevenueJob")
          .option("date", "2026-01-02", "the day to compute (YYYY-MM-DD), Airflow's {{ ds }}")
          .option("output", "target/part5/daily_revenue", "the partitioned output table")
          .count("orders", "5000", "orders generated for the day");

  private DailyRevenueJob() {}

  /** The day's orders, generated deterministically from the date (a stand-in for the lake). */
  public static Dataset<Row> ordersOf(SparkSession spark, LocalDate day, long n) {
    long seed = day.toEpochDay();
    return spark
        .range(0, n, 1, 2)
        .selectExpr(
            "element_at(array('DE', 'FR', 'GB', 'PT', 'US'), cast(pmod(id + "
                + seed
                + ", 5) + 1 as int)) AS country",
            "cast(pmod(id * 37 + " + seed + ", 1000) as double) AS amount");
  }

  // tag::idempotent-write[]
  /** Writes the day's revenue into {@code output}'s partition for {@code day}, replacing it. */
  public static void run(SparkSession spark, LocalDate day, long n, String output) {
    Dataset<Row> revenue =
        ordersOf(spark, day, n)
            .groupBy("country")
            .agg(sum("amount").as("revenue"), count(lit(1)).as("orders"))
            .withColumn("date", lit(day.toString()));
    revenue
        .write()
        .mode(SaveMode.Overwrite)
        // Only the partitions present in `revenue` are replaced (static mode would wipe all).
        .option("partitionOverwriteMode", "dynamic")
        .partitionBy("date")
        .parquet(output);
  }

  // end::idempotent-write[]

  static LocalDate parseDate(String text) {
    try {
      return LocalDate.parse(text);
    } catch (DateTimeParseException e) {
      throw new UsageException(
          "--date must look like 2026-01-02, got '" + text + "'", ARGS.usage());
    }
  }

  public static void main(String[] args) {
    Examples.run(
        args,
        ARGS,
        "DailyRevenueJob",
        (spark, opts) -> {
          LocalDate day = parseDate(opts.get("date"));
          String output = opts.get("output");
          run(spark, day, opts.getPositiveLong("orders"), output);
          Dataset<Row> table = spark.read().parquet(output);
          System.out.println(
              "written for "
                  + day
                  + ": "
                  + table.where(col("date").equalTo(day.toString())).count()
                  + " countries");
          table.groupBy("date").count().orderBy("date").show(false);
        });
  }
}
