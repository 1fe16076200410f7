package dev.advancedspark.part2.catalyst;

import static org.assertj.core.api.Assertions.assertThat;

import dev.advancedspark.common.plan.Plans;
import dev.advancedspark.common.plan.Plans.Phases;
import dev.advancedspark.common.testkit.SharedSpark;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.analysis.UnresolvedRelation;
import org.apache.spark.sql.catalyst.plans.logical.Filter;
import org.apache.spark.sql.catalyst.plans.logical.Join;
import org.apache.spark.sql.execution.aggregate.HashAggregateExec;
import org.apache.spark.sql.execution.datasources.LogicalRelation;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class PlanPhasesExampleTest {

  private static SampleTables tables;
  private final SparkSession spark = SharedSpark.session();

  @BeforeAll
  static void writeTables() {
    tables =
        SampleTables.write(SharedSpark.session(), SharedSpark.scratch("catalyst-phases"), 2_000);
  }

  @Test
  void eachPhaseResolvesOptimizesOrPlansWhatThePreviousOneLeft() {
    // given the SQL query of the lesson
    // when
    Phases p = Plans.phases(PlanPhasesExample.lessonQuery(spark, tables));

    // then parsed: names only
    assertThat(p.parsed().resolved()).isFalse();
    assertThat(Plans.find(p.parsed(), UnresolvedRelation.class)).hasSize(2);
    // analyzed: resolved against the catalog, the files are relations now
    assertThat(p.analyzed().resolved()).isTrue();
    assertThat(Plans.find(p.analyzed(), LogicalRelation.class)).hasSize(2);
    // optimized: the constant condition is gone and the status filter sits below the join
    assertThat(OptimizerRulesExample.unfoldedArithmetic(p.analyzed())).isNotEmpty();
    assertThat(OptimizerRulesExample.unfoldedArithmetic(p.optimized())).isEmpty();
    assertThat(Plans.find(p.optimized(), Filter.class))
        .allSatisfy(f -> assertThat(f.condition().sql()).doesNotContain("(1 + 1)"));
    assertThat(OptimizerRulesExample.filtersBelowJoins(p.optimized()))
        .anySatisfy(sql -> assertThat(sql).contains("status").contains("delivered"));
    assertThat(Plans.find(p.optimized(), Join.class)).hasSize(1);
    // physical: operators that run, the filter handed to the Parquet reader
    assertThat(Plans.find(p.physical(), HashAggregateExec.class)).isNotEmpty();
    assertThat(Plans.pushedFilters(p.physical())).contains("EqualTo(status,delivered)");
  }
}
