package dev.advancedspark.part2.catalyst;

import dev.advancedspark.common.ExampleArgs;
import dev.advancedspark.common.Examples;
import dev.advancedspark.common.RunnableExample;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.SparkSessionExtensions;
import org.apache.spark.sql.catalyst.QueryPlanningTracker.RuleSummary;
import scala.Function1;
import scala.Option;
import scala.runtime.BoxedUnit;

/**
 * A custom optimizer rule and a custom SQL function, injected through {@code
 * SparkSessionExtensions}, and how to get a session that has them when a SparkContext already
 * exists.
 *
 * <p>Extensions are read once, when a session's state is built. What happens in a JVM that already
 * runs Spark (a notebook, a test suite with a shared session), checked on Spark 4.2.0: {@code
 * spark.newSession()} copies the parent's extensions and cannot add any; {@code
 * SparkSession.builder().withExtensions(f).getOrCreate()} returns the running session, without the
 * extensions. What works: the classic builder's {@code sparkContext(existing)}, {@code
 * withExtensions(f)} and {@code create()}, which always makes a new session over the same
 * SparkContext and leaves the active and default sessions as they were.
 *
 * <p>In a job you launch yourself, prefer {@code --conf
 * spark.sql.extensions=dev.advancedspark.part2.catalyst.DivisionRuleAndEmailDomainExtensions}:
 * every session of the application gets the extensions.
 *
 * <pre>
 * bin/run-example SessionExtensionsExample
 * </pre>
 *
 * Expected output: the optimized plan of {@code id / 1} without and with the rule ("cast(id as
 * double)" instead of "(cast(id as double) / 1.0)"), the rule's invocation counts from the query's
 * tracker, and {@code email_domain('Ann@Example.COM')} = "example.com" (and the error a session
 * without the extension gives).
 */
@RunnableExample("Custom optimizer rule and SQL function via SparkSessionExtensions")
public final class SessionExtensionsExample {

  static final ExampleArgs ARGS = ExampleArgs.forExample("SessionExtensionsExample");

  /** The query the rule rewrites. */
  public static final String QUERY = "SELECT id, id / 1 AS same_id FROM range(5)";

  private SessionExtensionsExample() {}

  // tag::session-with-extensions[]
  /** A new session with {@code extensions}, over the SparkContext of {@code existing}. */
  public static SparkSession withExtensions(
      SparkSession existing, Function1<SparkSessionExtensions, BoxedUnit> extensions) {
    // create(), unlike getOrCreate(), never hands back a running session; getOrCreate() would
    // return `existing` without the extensions.
    return org.apache.spark.sql.classic.SparkSession.builder()
        .sparkContext(existing.sparkContext())
        .withExtensions(extensions)
        .create();
  }

  // end::session-with-extensions[]

  /**
   * How often {@link RemoveDivisionByOne} ran while optimizing {@code query}, and how often it
   * changed the plan; zeros when the rule is not installed.
   */
  public static RuleSummary ruleRuns(Dataset<Row> query) {
    query.queryExecution().optimizedPlan();
    scala.collection.immutable.Map<String, RuleSummary> rules =
        query.queryExecution().tracker().rules();
    Option<RuleSummary> summary = rules.get(RemoveDivisionByOne.class.getName());
    return summary.isDefined() ? summary.get() : new RuleSummary(0L, 0L, 0L);
  }

  /**
   * The error a session without the extension gives for the injected function, as one line. Only
   * that error is the lesson ({@code UNRESOLVED_ROUTINE}); any other failure propagates.
   */
  public static String functionMissingWithout(SparkSession session) {
    try {
      session.sql("SELECT email_domain('Ann@Example.COM')").collect();
    } catch (Exception e) { // AnalysisException: checked in Java's eyes, thrown undeclared
      if (!(e instanceof AnalysisException ae && "UNRESOLVED_ROUTINE".equals(ae.getCondition()))) {
        throw e;
      }
      return e.getMessage().lines().findFirst().orElse("");
    }
    throw new IllegalStateException("email_domain resolved in a session without the extension");
  }

  public static void main(String[] args) {
    Examples.run(
        args,
        ARGS,
        (spark, opts) -> {
          SparkSession extended = withExtensions(spark, new DivisionRuleAndEmailDomainExtensions());
          System.out.println(
              "Same SparkContext: " + (extended.sparkContext() == spark.sparkContext()));
          System.out.println(
              "Optimized without the rule:\n" + spark.sql(QUERY).queryExecution().optimizedPlan());
          Dataset<Row> rewritten = extended.sql(QUERY);
          System.out.println(
              "Optimized with the rule:\n" + rewritten.queryExecution().optimizedPlan());
          RuleSummary runs = ruleRuns(rewritten);
          System.out.printf(
              "%s: %d invocations, %d changed the plan%n",
              RemoveDivisionByOne.class.getSimpleName(),
              runs.numInvocations(),
              runs.numEffectiveInvocations());
          extended.sql("SELECT email_domain('Ann@Example.COM') AS domain").show(false);
          System.out.println("Without the extension: " + functionMissingWithout(spark));
        });
  }
}
