package dev.advancedspark.part5.governance;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.assertj.core.api.Assertions.assertThat;

import dev.advancedspark.common.testkit.SharedSpark;
import dev.advancedspark.part5.integration.DailyRevenueJob;
import java.nio.file.Path;
import java.time.LocalDate;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The contract of the daily revenue table that the Airflow DAG's job writes, checked on what a
 * consumer reads back: the files, with Spark's partition discovery.
 */
class DataContractTest {

  // tag::revenue-contract[]
  static final DataContract REVENUE =
      new DataContract(
          "daily_revenue",
          new StructType()
              .add("country", DataTypes.StringType)
              .add("revenue", DataTypes.DoubleType)
              .add("orders", DataTypes.LongType)
              .add("date", DataTypes.DateType), // a partition folder date=2026-01-02 reads as DATE
          new QualityGate()
              .notNull("country")
              .notNull("revenue")
              .between("revenue", 0, 1e12)
              .unique("country")); // one row per country and day

  // end::revenue-contract[]

  private static SparkSession spark;
  private static Dataset<Row> day;

  @BeforeAll
  static void runTheJobAndReadItsOutputBack() {
    spark = SharedSpark.session();
    Path out = SharedSpark.scratch("contract").resolve("daily_revenue");
    DailyRevenueJob.run(spark, LocalDate.of(2026, 1, 2), 500, out.toString());
    day = spark.read().parquet(out.toString());
  }

  @Test
  void theJobsOutputMeetsItsContract() {
    DataContract.Report report = REVENUE.check(day);

    assertThat(report.schemaViolations()).isEmpty();
    assertThat(report.failuresByRule())
        .isNotEmpty()
        .allSatisfy((rule, n) -> assertThat(n).isZero());
    assertThat(report.ok()).isTrue();
  }

  @Test
  void aProducerChangeIsNamedColumnByColumn() {
    // a renamed column, a changed type and a new column, as a refactoring might ship them
    Dataset<Row> changed =
        day.withColumnRenamed("orders", "order_count")
            .withColumn("revenue", col("revenue").cast("string"));

    assertThat(REVENUE.check(changed).schemaViolations())
        .containsExactly(
            "column revenue: expected double, got string",
            "missing column orders",
            "unexpected column order_count");
  }

  @Test
  void rowsThatBreakTheExpectationsAreCountedPerRule() {
    Dataset<Row> withBadRows =
        day.unionByName(day.limit(1).withColumn("revenue", lit(-1.0)))
            .unionByName(day.limit(1).withColumn("country", lit(null).cast("string")));

    DataContract.Report report = REVENUE.check(withBadRows);

    assertThat(report.ok()).isFalse();
    assertThat(report.failuresByRule())
        .containsEntry("country is not null", 1L)
        .containsEntry("revenue in [0.0, 1.0E12]", 1L)
        .containsEntry("country is unique", 2L);
  }
}
