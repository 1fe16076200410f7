package dev.advancedspark.part2.joins;

import static dev.advancedspark.common.testkit.DataFrameAssert.assertThatDataFrame;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.rand;
import static org.assertj.core.api.Assertions.assertThat;

import dev.advancedspark.common.SqlConfs;
import dev.advancedspark.common.data.DataGenerators;
import dev.advancedspark.common.metrics.MetricsCollector;
import dev.advancedspark.common.metrics.MetricsCollector.Measured;
import dev.advancedspark.common.plan.JoinStrategy;
import dev.advancedspark.common.plan.Plans;
import dev.advancedspark.common.testkit.SharedSpark;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.joins.SortMergeJoinExec;
import org.junit.jupiter.api.Test;
import scala.jdk.javaapi.CollectionConverters;

class SkewedJoinExampleTest {

  /** Scaled-down AQE thresholds: the tiny test partitions are tens of KB. */
  private static final long PARTITION_BYTES = 16 * 1024;

  private final SparkSession spark = SharedSpark.session();
  private final Dataset<Row> orders = SkewedJoinExample.skewedOrders(spark, 20_000, 500, 0.5, 8);
  private final Dataset<Row> customers = DataGenerators.customers(spark, 500, 42);

  @Test
  void aqeSplitsTheHotPartitionOnceTheThresholdsFitTheData() {
    // given half the orders on customer 1, and AQE thresholds scaled to the data
    // when
    Measured<SparkPlan> split =
        SqlConfs.with(
            spark,
            SkewedJoinExample.aqeSkewSettings(PARTITION_BYTES),
            () ->
                MetricsCollector.measure(
                    spark, () -> Plans.finalPlan(SkewedJoinExample.join(orders, customers))));
    Measured<SparkPlan> notSplit =
        SqlConfs.with(
            spark,
            SkewedJoinExample.noSkewHandlingSettings(PARTITION_BYTES),
            () ->
                MetricsCollector.measure(
                    spark, () -> Plans.finalPlan(SkewedJoinExample.join(orders, customers))));

    // then the sort-merge join is marked as a skew join, its shuffle read has skewed partitions,
    // and the join stage runs more tasks
    assertThat(Plans.joinStrategies(split.result())).containsExactly(JoinStrategy.SORT_MERGE);
    assertThat(SkewedJoinExample.skewSplit(split.result())).isTrue();
    assertThat(SkewedJoinExample.skewSplit(notSplit.result())).isFalse();
    assertThat(split.metrics().tasks()).isGreaterThan(notSplit.metrics().tasks());
  }

  @Test
  void withSparksDefaultThresholdsTinyDataIsNeverTreatedAsSkewed() {
    SparkPlan plan =
        SqlConfs.with(
            spark,
            java.util.Map.of(
                "spark.sql.autoBroadcastJoinThreshold", "-1",
                "spark.sql.adaptive.autoBroadcastJoinThreshold", "-1"),
            () -> Plans.finalPlan(SkewedJoinExample.join(orders, customers)));

    assertThat(SkewedJoinExample.skewSplit(plan)).isFalse();
  }

  @Test
  void saltedJoinJoinsOnKeyAndSaltAndReturnsTheSameRows() {
    // A small sample keeps the row-by-row comparison cheap; the plan shape does not depend on size.
    Dataset<Row> few = SkewedJoinExample.skewedOrders(spark, 1_000, 500, 0.5, 2);
    Dataset<Row> salted =
        SkewedJoinExample.saltedJoin(few, customers, "customer_id", "order_id", 8);

    SparkPlan plan =
        SqlConfs.with(
            spark,
            SkewedJoinExample.noSkewHandlingSettings(PARTITION_BYTES),
            () -> Plans.finalPlan(salted));

    SortMergeJoinExec join = Plans.find(plan, SortMergeJoinExec.class).get(0);
    List<String> keys =
        CollectionConverters.asJava(join.leftKeys()).stream().map(Expression::sql).toList();
    assertThat(keys).hasSize(2).anyMatch(k -> k.contains("_salt"));
    assertThatDataFrame(salted).hasSameRowsAs(SkewedJoinExample.join(few, customers));
  }

  @Test
  void saltingShrinksTheLargestUnitOfWorkByAboutTheNumberOfSalts() {
    long before = SkewedJoinExample.largestKeyGroup(orders, col("customer_id"));
    long after =
        SkewedJoinExample.largestKeyGroup(
            orders.withColumn("_salt", SkewedJoinExample.salt(col("order_id"), 8)),
            col("customer_id"),
            col("_salt"));

    assertThat(before).isGreaterThan(9_000);
    assertThat(after).isLessThan(before / 4);
  }

  @Test
  void saltBucketsMustBePositive() {
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> SkewedJoinExample.saltedJoin(orders, customers, "customer_id", "order_id", 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("saltBuckets must be >= 1");
  }

  @Test
  void aHashedSaltDoesNotDependOnHowTheRowsArePartitionedButARandomOneDoes() {
    // given the same orders in 3 and in 5 partitions: what a retried or recomputed task may see
    Dataset<Row> in3 = orders.repartition(3);
    Dataset<Row> in5 = orders.repartition(5);

    // when
    long hashedDiffer =
        in3.withColumn("_salt", SkewedJoinExample.salt(col("order_id"), 8))
            .select("order_id", "_salt")
            .exceptAll(
                in5.withColumn("_salt", SkewedJoinExample.salt(col("order_id"), 8))
                    .select("order_id", "_salt"))
            .count();
    long randomDiffer =
        in3.withColumn("_salt", floor(rand(42).multiply(8)))
            .select("order_id", "_salt")
            .exceptAll(
                in5.withColumn("_salt", floor(rand(42).multiply(8))).select("order_id", "_salt"))
            .count();

    // then
    assertThat(hashedDiffer).isZero();
    assertThat(randomDiffer).isPositive();
  }

  @Test
  void aqeSplitsOnlyTheSideOfAnOuterJoinWhoseRowsAreAllKept() {
    // when: the hot customer's orders on the left, then on the right, for each join type
    List<SkewedJoinExample.SplittableSides> sides =
        SkewedJoinExample.splittableSides(spark, orders, customers, PARTITION_BYTES);

    // then (OptimizeSkewedJoin.canSplitLeftSide / canSplitRightSide)
    assertThat(sides)
        .containsExactly(
            new SkewedJoinExample.SplittableSides("inner", true, true),
            new SkewedJoinExample.SplittableSides("left_outer", true, false),
            new SkewedJoinExample.SplittableSides("right_outer", false, true),
            new SkewedJoinExample.SplittableSides("full_outer", false, false));
  }
}
