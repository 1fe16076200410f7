package dev.advancedspark.part2.catalyst;

import static dev.advancedspark.common.testkit.DataFrameAssert.assertThatDataFrame;
import static dev.advancedspark.common.testkit.DataFrameAssert.row;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.advancedspark.common.plan.Plans;
import dev.advancedspark.common.testkit.SharedSpark;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.QueryPlanningTracker.RuleSummary;
import org.apache.spark.sql.catalyst.expressions.Divide;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class SessionExtensionsExampleTest {

  private static SparkSession extended;
  private final SparkSession shared = SharedSpark.session();

  @BeforeAll
  static void buildExtendedSession() {
    extended =
        SessionExtensionsExample.withExtensions(
            SharedSpark.session(), new DivisionRuleAndEmailDomainExtensions());
  }

  @AfterAll
  static void forgetExtendedSession() {
    // Not stopped: stopping a session stops the SparkContext it shares with every other test.
    extended = null;
  }

  @Test
  void theNewSessionSharesTheSparkContextAndLeavesTheActiveSessionAlone() {
    assertThat(extended).isNotSameAs(shared);
    assertThat(extended.sparkContext()).isSameAs(shared.sparkContext());
    assertThat(SparkSession.getActiveSession().get()).isSameAs(shared);
    assertThat(SparkSession.getDefaultSession().get()).isSameAs(shared);
  }

  @Test
  void getOrCreateWithExtensionsReturnsTheRunningSessionWithoutThem() {
    // The trap this lesson avoids: no error, just a session that lacks the extensions.
    SparkSession same =
        org.apache.spark.sql.classic.SparkSession.builder()
            .withExtensions(new DivisionRuleAndEmailDomainExtensions())
            .getOrCreate();

    assertThat(same).isSameAs(shared);
    assertThatThrownBy(() -> same.sql("SELECT email_domain('a@b.c')").collect())
        .hasMessageContaining("email_domain");
  }

  @Test
  void theInjectedRuleFiresAndRemovesTheDivision() {
    // given the same query in a session with and one without the extension
    Dataset<Row> withRule = extended.sql(SessionExtensionsExample.QUERY);
    Dataset<Row> withoutRule = shared.sql(SessionExtensionsExample.QUERY);

    // when
    RuleSummary runs = SessionExtensionsExample.ruleRuns(withRule);

    // then the rule ran, changed the plan, and the division is gone only there
    assertThat(runs.numEffectiveInvocations()).isPositive();
    assertThat(SessionExtensionsExample.ruleRuns(withoutRule).numInvocations()).isZero();
    assertThat(
            Plans.expressions(withRule.queryExecution().optimizedPlan()).stream()
                .filter(Divide.class::isInstance))
        .isEmpty();
    assertThat(
            Plans.expressions(withoutRule.queryExecution().optimizedPlan()).stream()
                .filter(Divide.class::isInstance))
        .hasSize(1);
    assertThatDataFrame(withRule).hasSameRowsAs(withoutRule);
  }

  @Test
  void theRuleKeepsADivisionThatChangesTheType() {
    // decimal(10,2) / 1 is a decimal with a wider scale: removing it would change the schema
    Dataset<Row> widening = extended.sql("SELECT CAST(id AS DECIMAL(10,2)) / 1 AS d FROM range(3)");

    assertThat(widening.schema().apply("d").dataType().sql()).isNotEqualTo("DECIMAL(10,2)");
    assertThat(SessionExtensionsExample.ruleRuns(widening).numEffectiveInvocations()).isZero();
    assertThat(
            Plans.expressions(widening.queryExecution().optimizedPlan()).stream()
                .filter(Divide.class::isInstance))
        .hasSize(1);
  }

  @Test
  void theInjectedFunctionExistsOnlyInTheExtendedSession() {
    Dataset<Row> domain = extended.sql("SELECT email_domain('Ann@Example.COM') AS domain");

    assertThatDataFrame(domain).containsExactly(row("example.com"));
    assertThatThrownBy(() -> shared.sql("SELECT email_domain('a@b.c')").collect())
        .hasMessageContaining("email_domain");
  }

  @Test
  void withoutTheExtensionOnlyTheMissingFunctionIsReportedAsTheLesson() {
    assertThat(SessionExtensionsExample.functionMissingWithout(shared))
        .contains("UNRESOLVED_ROUTINE")
        .contains("email_domain")
        .doesNotContain("\n");
    // the extended session resolves it: reporting that as "missing" would hide a real bug
    assertThatThrownBy(() -> SessionExtensionsExample.functionMissingWithout(extended))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void builtInRulesDropTimesOneForIntegersButNotForDoublesAndNeverDropDivisionByOne() {
    // Spark 4.2's ReorderAssociativeOperator folds the constant factors of an integral product
    // and drops a factor that folds to 1 (checked in its bytecode and here): x * 1 is gone
    assertThat(optimizedProjection("id * 1")).isEqualTo("id");
    assertThat(optimizedProjection("id * 2 * 3")).isEqualTo("(id * 6)");
    // not for a floating-point product, and no built-in rule removes a division by one: the
    // custom rule's effect is visible
    assertThat(optimizedProjection("cast(id AS DOUBLE) * 1.0D"))
        .isEqualTo("(cast(id as double) * 1.0)");
    assertThat(optimizedProjection("id / 1")).isEqualTo("(cast(id as double) / 1.0)");
  }

  /** The first projected expression of the optimized plan, expression ids removed. */
  private String optimizedProjection(String expression) {
    Dataset<Row> q = shared.sql("SELECT " + expression + " AS x FROM range(3)");
    org.apache.spark.sql.catalyst.plans.logical.Project project =
        (org.apache.spark.sql.catalyst.plans.logical.Project) q.queryExecution().optimizedPlan();
    return ((org.apache.spark.sql.catalyst.expressions.Expression) project.projectList().head())
        .children()
        .head()
        .toString()
        .replaceAll("#\\d+L?", "");
  }
}
