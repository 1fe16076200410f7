package dev.advancedspark.benchmarks.reference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.advancedspark.benchmarks.join.JoinBenchmark;
import dev.advancedspark.benchmarks.reference.SparkReferenceBenchmark.Shape;
import dev.advancedspark.common.SqlConfs;
import dev.advancedspark.common.testkit.SharedSpark;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

class SparkReferenceBenchmarkTest {

  private final SparkSession spark = SharedSpark.session();

  @Test
  void sparksShapesRunTheirPlanAndGiveTheExpectedAnswers() {
    SqlConfs.with(
        spark,
        SparkReferenceBenchmark.conf(1),
        () -> {
          // JOIN_LONG_NOOP is the same query as JOIN_LONG (only the sink differs); 70,000 rows
          // pass the 65,536 keys, so the join wraps around them and the keyed aggregate caps
          for (Shape s :
              new Shape[] {Shape.JOIN_LONG, Shape.AGG_WITHOUT_GROUPING, Shape.AGG_LINEAR_KEYS}) {
            Dataset<Row> q = SparkReferenceBenchmark.query(spark, s, 70_000, 1);
            assertThatCode(() -> SparkReferenceBenchmark.check(spark, s, 70_000, 1, q))
                .as(s.name())
                .doesNotThrowAnyException();
          }
          // Spark's set-up: one range partition, one task, one core
          assertThat(SparkReferenceBenchmark.range(spark, 70_000, 1).rdd().getNumPartitions())
              .isEqualTo(1);
          assertThat(SparkReferenceBenchmark.range(spark, 70_000, 2).rdd().getNumPartitions())
              .isEqualTo(2);
        });
  }

  @Test
  void theRepositorysOwnJoinIsCheckedTheSameWayAndAWrongAnswerFailsTheTrial() {
    SqlConfs.with(
        spark,
        SparkReferenceBenchmark.conf(2),
        () -> {
          Dataset<Row> orders = JoinBenchmark.orders(spark, 5_000, 100);
          Dataset<Row> customers = JoinBenchmark.customers(spark, 100);
          Dataset<Row> join =
              JoinBenchmark.join(orders, customers, JoinBenchmark.Strategy.BROADCAST_HASH);
          // the plan check passes (a broadcast hash join), then the row count is compared:
          // 5,000 joined rows are refused when 4,999 were expected
          assertThatThrownBy(
                  () -> SparkReferenceBenchmark.check(spark, Shape.JOIN_GENERATED, 4_999, 2, join))
              .hasMessageContaining("4999 joined rows")
              .hasMessageContaining("5000 rows");
          Dataset<Row> sum =
              SparkReferenceBenchmark.query(spark, Shape.AGG_WITHOUT_GROUPING, 1_000, 2);
          assertThatThrownBy(
                  () ->
                      SparkReferenceBenchmark.check(
                          spark, Shape.AGG_WITHOUT_GROUPING, 1_001, 2, sum))
              .hasMessageContaining("sum(id)");
        });
  }
}
