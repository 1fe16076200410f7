package dev.advancedspark.part1.anatomy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.advancedspark.common.SqlConfs;
import dev.advancedspark.common.data.DataGenerators;
import dev.advancedspark.common.data.DataGenerators.OrdersSpec;
import dev.advancedspark.common.metrics.MetricsCollector.Measured;
import dev.advancedspark.common.metrics.RunMetrics;
import dev.advancedspark.common.plan.Plans;
import dev.advancedspark.common.plan.Plans.Phases;
import dev.advancedspark.common.testkit.SharedSpark;
import dev.advancedspark.part1.anatomy.JobAnatomyExample.Prediction;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

class JobAnatomyExampleTest {

  private static final long ROWS = 2_000;

  private final SparkSession spark = SharedSpark.session();
  private final Dataset<Row> orders = DataGenerators.orders(spark, OrdersSpec.of(ROWS));

  @Test
  void transformationsAndPlanningRunNoJob() {
    // given/when: four transformations and a physical plan, but no action
    RunMetrics m = JobAnatomyExample.metricsOfBuildingOnly(spark, ROWS, 1_000);

    // then
    assertThat(m.jobs()).isZero();
    assertThat(m.tasks()).isZero();
  }

  @Test
  void narrowTransformationsAddNoShuffleAndEachWideOneAddsOne() {
    SqlConfs.with(
        spark,
        JobAnatomyExample.STATIC_PLAN,
        () -> {
          assertThat(
                  Plans.shuffleCount(Plans.plannedPlan(JobAnatomyExample.validOrderLines(orders))))
              .isZero();
          assertThat(
                  Plans.shuffleCount(
                      Plans.plannedPlan(JobAnatomyExample.revenuePerCustomer(orders))))
              .isEqualTo(1);
          assertThat(
                  Plans.shuffleCount(
                      Plans.plannedPlan(JobAnatomyExample.customersPerRevenueBand(orders, 1_000))))
              .isEqualTo(2);
        });
  }

  @Test
  void oneActionRunsOneJobWithAStagePerShufflePlusOneAndATaskPerPartition() {
    SqlConfs.with(
        spark,
        JobAnatomyExample.STATIC_PLAN,
        () -> {
          // given: two shuffles; the test session has 4 input partitions, 4 shuffle partitions;
          // stages in execution order: scan + partial aggregate, first reduce, second reduce
          Dataset<Row> q = JobAnatomyExample.customersPerRevenueBand(orders, 1_000);
          Prediction predicted = JobAnatomyExample.predict(q);

          // when
          Measured<List<Row>> run = JobAnatomyExample.runAndCount(spark, q);

          // then: the listener saw exactly what the plan announced
          assertThat(predicted.shuffles()).isEqualTo(2);
          assertThat(predicted.tasksPerStage())
              .containsExactly(
                  orders.queryExecution().toRdd().getNumPartitions(),
                  Integer.parseInt(spark.conf().get("spark.sql.shuffle.partitions")),
                  Integer.parseInt(spark.conf().get("spark.sql.shuffle.partitions")));
          RunMetrics m = run.metrics();
          assertThat(m.jobs()).isEqualTo(1);
          assertThat(m.stages()).isEqualTo(predicted.stages()).isEqualTo(3);
          assertThat(m.tasks()).isEqualTo(predicted.tasks());
          assertThat(m.shuffleWriteRecords()).isPositive();
          long customers = run.result().stream().mapToLong(r -> r.getLong(1)).sum();
          assertThat(customers)
              .isEqualTo(
                  JobAnatomyExample.validOrderLines(orders)
                      .select("customer_id")
                      .distinct()
                      .count());
        });
  }

  @Test
  void withAdaptiveExecutionEachShuffleStageIsItsOwnJob() {
    SqlConfs.with(
        spark,
        Map.of("spark.sql.adaptive.enabled", "true"),
        () -> {
          // given
          Dataset<Row> q = JobAnatomyExample.customersPerRevenueBand(orders, 1_000);

          // when
          RunMetrics m = JobAnatomyExample.runAndCount(spark, q).metrics();

          // then: AQE submits each map stage as a job, re-plans, then runs the result job, whose
          // already-computed parent stages are skipped (not counted); tiny partitions are merged
          assertThat(m.jobs()).isEqualTo(3);
          assertThat(m.stages()).isEqualTo(3);
          assertThat(m.tasks()).isLessThan(4 + 4 + 4);
        });
  }

  @Test
  void queryGoesThroughParsedAnalyzedOptimizedAndPhysicalPlans() {
    // given
    orders.createOrReplaceTempView("anatomy_orders");

    // when
    Phases phases = JobAnatomyExample.planPhases(spark, "anatomy_orders");

    // then: names unresolved, then resolved; constants folded; an exchange chosen
    assertThat(phases.parsed().treeString()).contains("UnresolvedRelation").contains("(2 + 3)");
    assertThat(phases.analyzed().treeString())
        .doesNotContain("Unresolved")
        .contains("customer_id#");
    assertThat(phases.optimized().treeString()).contains("> 5)").doesNotContain("2 + 3");
    assertThat(phases.physical().treeString())
        .contains("HashAggregate")
        .contains("Exchange hashpartitioning(customer_id#");
  }
}
