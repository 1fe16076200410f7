package dev.advancedspark.part2.catalyst;

import static dev.advancedspark.common.testkit.DataFrameAssert.assertThatDataFrame;
import static org.assertj.core.api.Assertions.assertThat;

import dev.advancedspark.common.SqlConfs;
import dev.advancedspark.common.testkit.SharedSpark;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class CostBasedJoinReorderExampleTest {

  private final SparkSession spark = SharedSpark.session();

  @BeforeAll
  static void createTables() {
    CostBasedJoinReorderExample.createAndAnalyzeTables(
        SharedSpark.session(), SharedSpark.scratch("catalyst-cbo"), 5_000);
  }

  private LogicalPlan optimized(boolean cbo) {
    return SqlConfs.with(
        spark,
        CostBasedJoinReorderExample.cbo(cbo),
        () -> spark.sql(CostBasedJoinReorderExample.QUERY).queryExecution().optimizedPlan());
  }

  @Test
  void analyzeTableStoresRowCountsAndColumnStatistics() {
    String tableStats =
        spark
            .sql("DESCRIBE TABLE EXTENDED cbo_products")
            .filter("col_name = 'Statistics'")
            .first()
            .getString(1);
    String categoryDistinct =
        spark
            .sql("DESCRIBE TABLE EXTENDED cbo_products category")
            .filter("info_name = 'distinct_count'")
            .first()
            .getString(1);

    assertThat(tableStats).endsWith("100 rows");
    assertThat(categoryDistinct).isEqualTo("12");
  }

  @Test
  void withoutCboTheJoinsRunInTheWrittenOrder() {
    assertThat(CostBasedJoinReorderExample.firstJoinTables(optimized(false)))
        .isEqualTo(Set.of("cbo_orders", "cbo_customers"));
  }

  @Test
  void withCboAndStatisticsTheSelectiveProductsAreJoinedFirst() {
    LogicalPlan plan = optimized(true);
    // Estimates are computed with the settings in force when asked: ask with CBO on.
    long estimate =
        SqlConfs.with(
            spark,
            CostBasedJoinReorderExample.cbo(true),
            () ->
                CostBasedJoinReorderExample.estimatedRows(
                    CostBasedJoinReorderExample.innermostJoin(plan)));

    assertThat(CostBasedJoinReorderExample.firstJoinTables(plan))
        .isEqualTo(Set.of("cbo_orders", "cbo_products"));
    // The estimate that drove the choice: about a twelfth of the orders survive the first join.
    assertThat(estimate).isBetween(5_000L / 24, 5_000L / 6);
  }

  @Test
  void reorderingDoesNotChangeTheAnswer() {
    Dataset<Row> reordered =
        SqlConfs.with(
            spark,
            CostBasedJoinReorderExample.cbo(true),
            () -> {
              Dataset<Row> q = spark.sql(CostBasedJoinReorderExample.QUERY);
              return spark.createDataFrame(q.collectAsList(), q.schema());
            });

    assertThatDataFrame(reordered)
        .withTolerance(1e-6)
        .hasSameRowsAs(spark.sql(CostBasedJoinReorderExample.QUERY));
  }
}
