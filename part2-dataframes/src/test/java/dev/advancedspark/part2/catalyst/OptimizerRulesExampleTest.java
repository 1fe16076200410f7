package dev.advancedspark.part2.catalyst;

import static dev.advancedspark.common.testkit.DataFrameAssert.assertThatDataFrame;
import static org.assertj.core.api.Assertions.assertThat;

import dev.advancedspark.common.plan.Plans;
import dev.advancedspark.common.testkit.SharedSpark;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.plans.logical.Filter;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.catalyst.plans.logical.Project;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class OptimizerRulesExampleTest {

  private static SampleTables tables;

  @BeforeAll
  static void writeTables() {
    tables =
        SampleTables.write(SharedSpark.session(), SharedSpark.scratch("catalyst-rules"), 2_000);
  }

  @Test
  void constantFoldingComputesLiteralArithmeticAndDropsTheAlwaysTrueFilter() {
    Dataset<Row> query = OptimizerRulesExample.constantFolding(tables.orders());

    LogicalPlan analyzed = query.queryExecution().analyzed();
    LogicalPlan optimized = query.queryExecution().optimizedPlan();

    assertThat(OptimizerRulesExample.unfoldedArithmetic(analyzed))
        .containsExactlyInAnyOrder("(1 + 1)", "(24 * 60)", "((24 * 60) * 60)");
    assertThat(OptimizerRulesExample.unfoldedArithmetic(optimized)).isEmpty();
    assertThat(Plans.find(optimized, Filter.class)).isEmpty();
    assertThat(optimized.toString()).contains("* 86400");
  }

  @Test
  void aFilterAfterAProjectRunsBeforeIt() {
    Dataset<Row> query = OptimizerRulesExample.filterAfterProject(tables.orders());

    LogicalPlan optimized = query.queryExecution().optimizedPlan();

    // written: Filter over Project; optimized: Project over Filter
    assertThat(query.queryExecution().analyzed()).isInstanceOf(Filter.class);
    assertThat(optimized).isInstanceOf(Project.class);
    assertThat(Plans.children(optimized).get(0)).isInstanceOf(Filter.class);
    assertThat(query.count()).isEqualTo(tables.orders().filter("status = 'returned'").count());
  }

  @Test
  void aFilterOnOneSideOfAJoinIsPushedBelowTheJoin() {
    Dataset<Row> query = OptimizerRulesExample.filterAfterJoin(tables.orders(), tables.customers());

    LogicalPlan optimized = query.queryExecution().optimizedPlan();

    assertThat(query.queryExecution().analyzed()).isInstanceOf(Filter.class);
    assertThat(OptimizerRulesExample.filtersBelowJoins(optimized))
        .anySatisfy(sql -> assertThat(sql).contains("country").contains("'DE'"));
    assertThat(optimized).isNotInstanceOf(Filter.class);
    assertThatDataFrame(query.select("country").distinct())
        .containsExactly(dev.advancedspark.common.testkit.DataFrameAssert.row("DE"));
  }

  @Test
  void selectingTwoColumnsPrunesWhatTheScansRead() {
    Dataset<Row> query =
        OptimizerRulesExample.twoColumnsOfAJoin(tables.orders(), tables.customers());

    LogicalPlan optimized = query.queryExecution().optimizedPlan();

    assertThat(OptimizerRulesExample.columnsReadPerRelation(optimized))
        .containsExactlyInAnyOrder(
            Set.of("order_id", "customer_id"), Set.of("customer_id", "country"));
    assertThat(OptimizerRulesExample.scannedColumns(query))
        .containsExactlyInAnyOrder(
            Set.of("order_id", "customer_id"), Set.of("customer_id", "country"));
  }
}
