package dev.advancedspark.part5.integration;

import static org.assertj.core.api.Assertions.assertThat;

import dev.advancedspark.common.testkit.SharedSpark;
import java.time.LocalDate;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

class DailyRevenueJobTest {

  private final SparkSession spark = SharedSpark.session();
  private final LocalDate day1 = LocalDate.parse("2026-01-01");
  private final LocalDate day2 = LocalDate.parse("2026-01-02");

  @Test
  void rerunningADayReplacesOnlyThatDaysPartition() {
    // given two days written
    String out = SharedSpark.scratch("daily-revenue").resolve("table").toString();
    DailyRevenueJob.run(spark, day1, 1_000, out);
    DailyRevenueJob.run(spark, day2, 1_000, out);
    List<Row> before = spark.read().parquet(out).orderBy("date", "country").collectAsList();

    // when day 1 runs again (an Airflow retry or backfill)
    DailyRevenueJob.run(spark, day1, 1_000, out);

    // then the table is exactly what it was: day 1 replaced by the same rows, day 2 untouched
    List<Row> after = spark.read().parquet(out).orderBy("date", "country").collectAsList();
    assertThat(after).hasSize(10).isEqualTo(before);
    assertThat(spark.read().parquet(out).groupBy().sum("orders").first().getLong(0))
        .isEqualTo(2_000);
  }

  @Test
  void withoutDynamicPartitionOverwriteARerunWipesTheOtherDays() {
    // given two days written
    String out = SharedSpark.scratch("daily-revenue-static").resolve("table").toString();
    DailyRevenueJob.run(spark, day1, 1_000, out);
    DailyRevenueJob.run(spark, day2, 1_000, out);

    // when day 1 is rewritten with a plain overwrite (static mode, Spark's default)
    DailyRevenueJob.ordersOf(spark, day1, 1_000)
        .groupBy("country")
        .count()
        .withColumn("date", org.apache.spark.sql.functions.lit(day1.toString()))
        .write()
        .mode(SaveMode.Overwrite)
        .partitionBy("date")
        .parquet(out);

    // then day 2 is gone
    assertThat(spark.read().parquet(out).select("date").distinct().collectAsList())
        .extracting(r -> r.get(0).toString())
        .containsExactly("2026-01-01");
  }
}
