package dev.advancedspark.common.plan;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import dev.advancedspark.common.SqlConfs;
import dev.advancedspark.common.data.DataFiles;
import dev.advancedspark.common.data.DataGenerators;
import dev.advancedspark.common.data.DataGenerators.OrdersSpec;
import dev.advancedspark.common.testkit.SharedSpark;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.execution.SparkPlan;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PlansTest {

  private final SparkSession spark = SharedSpark.session();
  private final Dataset<Row> orders = DataGenerators.orders(spark, OrdersSpec.of(20_000));
  private final Dataset<Row> customers = DataGenerators.customers(spark, 1_000, 42);

  private static Map<String, String> aqe(boolean on) {
    return Map.of(
        "spark.sql.adaptive.enabled", String.valueOf(on),
        // Keep AQE from turning every small join into a broadcast: the test picks the strategy.
        "spark.sql.adaptive.autoBroadcastJoinThreshold", "-1",
        "spark.sql.autoBroadcastJoinThreshold", "-1");
  }

  @ParameterizedTest(name = "AQE {0}")
  @ValueSource(booleans = {true, false})
  void recognisesBroadcastHashJoinAndItsMissingShuffle(boolean adaptive) {
    // tag::plan-assertion[]
    SparkPlan plan =
        SqlConfs.with(
            spark,
            aqe(adaptive),
            () -> Plans.finalPlan(orders.join(broadcast(customers), "customer_id")));

    assertThat(Plans.joinStrategies(plan)).containsExactly(JoinStrategy.BROADCAST_HASH);
    assertThat(Plans.shuffleCount(plan)).isZero();
    assertThat(Plans.broadcastExchangeCount(plan)).isEqualTo(1);
    // end::plan-assertion[]
  }

  @ParameterizedTest(name = "AQE {0}")
  @ValueSource(booleans = {true, false})
  void recognisesSortMergeJoinWithAShuffleOnEachSide(boolean adaptive) {
    SparkPlan plan =
        SqlConfs.with(
            spark, aqe(adaptive), () -> Plans.finalPlan(orders.join(customers, "customer_id")));

    assertThat(Plans.joinStrategies(plan)).containsExactly(JoinStrategy.SORT_MERGE);
    assertThat(Plans.shuffleCount(plan)).isEqualTo(2);
  }

  @ParameterizedTest(name = "AQE {0}")
  @ValueSource(booleans = {true, false})
  void recognisesShuffledHashJoin(boolean adaptive) {
    SparkPlan plan =
        SqlConfs.with(
            spark,
            aqe(adaptive),
            () -> Plans.finalPlan(orders.join(customers.hint("shuffle_hash"), "customer_id")));

    assertThat(Plans.joinStrategies(plan)).containsExactly(JoinStrategy.SHUFFLED_HASH);
    assertThat(Plans.shuffleCount(plan)).isEqualTo(2);
  }

  @Test
  void finalPlanShowsTheJoinAqeChoseAtRunTime() {
    // Planned as sort-merge (static threshold off), but AQE sees a tiny side at run time.
    Map<String, String> conf =
        Map.of(
            "spark.sql.adaptive.enabled", "true",
            "spark.sql.autoBroadcastJoinThreshold", "-1",
            "spark.sql.adaptive.autoBroadcastJoinThreshold", "10MB");
    Dataset<Row> joined = orders.join(customers.filter(col("customer_id").lt(10)), "customer_id");

    // Read the planned strategy before executing: AQE updates its plan node in place.
    List<List<JoinStrategy>> strategies =
        SqlConfs.with(
            spark,
            conf,
            () -> {
              List<JoinStrategy> planned = Plans.joinStrategies(Plans.plannedPlan(joined));
              List<JoinStrategy> ran = Plans.joinStrategies(Plans.finalPlan(joined));
              return List.of(planned, ran);
            });

    assertThat(strategies.get(0)).containsExactly(JoinStrategy.SORT_MERGE);
    assertThat(strategies.get(1)).containsExactly(JoinStrategy.BROADCAST_HASH);
  }

  @ParameterizedTest(name = "AQE {0}")
  @ValueSource(booleans = {true, false})
  void finalPlanRunsTheQueryOnceSoItsMetricsAreFilledIn(boolean adaptive) {
    Path path =
        DataFiles.write(orders, DataFiles.Format.PARQUET, SharedSpark.scratch("plans-metrics"));
    Dataset<Row> query = spark.read().parquet(path.toString()).filter(col("quantity").gt(5));

    SparkPlan plan = SqlConfs.with(spark, aqe(adaptive), () -> Plans.finalPlan(query));

    long rowsOut = Plans.fileScans(plan).get(0).metrics().apply("numOutputRows").value();
    assertThat(rowsOut).isEqualTo(orders.count());
  }

  @Test
  void readsPushedFiltersAndColumnarScanOfParquet() {
    Path path =
        DataFiles.write(orders, DataFiles.Format.PARQUET, SharedSpark.scratch("plans-parquet"));

    SparkPlan plan =
        Plans.finalPlan(
            spark.read().parquet(path.toString()).filter(col("amount").gt(100)).select("order_id"));

    assertThat(Plans.pushedFilters(plan))
        .contains("IsNotNull(amount)", "GreaterThan(amount,100.0)");
    assertThat(Plans.hasColumnarScan(plan)).isTrue();
  }

  @Test
  void seesACachedRelationBeingReused() {
    Dataset<Row> cached = orders.filter(col("quantity").gt(5)).cache();
    try {
      cached.count();
      SparkPlan plan = Plans.finalPlan(cached.groupBy("status").count());
      assertThat(Plans.readsCache(plan)).isTrue();
      assertThat(Plans.readsCache(Plans.finalPlan(orders.groupBy("status").count()))).isFalse();
    } finally {
      cached.unpersist(true);
    }
  }

  @Test
  void splitsFiltersOnTopLevelCommasOnly() {
    assertThat(Plans.splitTopLevel("IsNotNull(a), In(b, [1,2]), EqualTo(c,x)"))
        .containsExactly("IsNotNull(a)", "In(b, [1,2])", "EqualTo(c,x)");
  }

  @Test
  void phasesShowNamesResolvedConstantsFoldedAndAnExchangeChosen() {
    // given
    orders.createOrReplaceTempView("plans_orders");

    // when
    Plans.Phases p =
        Plans.phases(
            spark.sql(
                "SELECT customer_id, sum(amount) FROM plans_orders"
                    + " WHERE quantity > 2 + 3 GROUP BY customer_id"));

    // then: one query, four trees, each a step further
    assertThat(p.parsed().resolved()).isFalse();
    assertThat(
            Plans.find(p.parsed(), org.apache.spark.sql.catalyst.analysis.UnresolvedRelation.class))
        .hasSize(1);
    assertThat(p.analyzed().resolved()).isTrue();
    assertThat(p.optimized().treeString()).contains("> 5)").doesNotContain("2 + 3");
    assertThat(Plans.find(p.optimized(), org.apache.spark.sql.catalyst.plans.logical.Filter.class))
        .hasSize(1);
    assertThat(Plans.expressions(p.optimized())).isNotEmpty();
    assertThat(Plans.shuffleCount(p.physical())).isEqualTo(1);
    assertThat(p.describe())
        .containsSubsequence(
            "== Parsed Logical Plan ==",
            "== Analyzed Logical Plan ==",
            "== Optimized Logical Plan ==",
            "== Physical Plan ==");
  }
}
