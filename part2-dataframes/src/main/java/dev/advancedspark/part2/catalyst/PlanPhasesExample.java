package dev.advancedspark.part2.catalyst;

import dev.advancedspark.common.ExampleArgs;
import dev.advancedspark.common.Examples;
import dev.advancedspark.common.RunnableExample;
import dev.advancedspark.common.plan.Plans;
import dev.advancedspark.common.plan.Plans.Phases;
import java.nio.file.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The four plans Catalyst makes for one query: parsed (unresolved) logical plan, analyzed logical
 * plan, optimized logical plan, physical plan.
 *
 * <ul>
 *   <li>Parsed: the SQL text as a tree; table and column names are still just names ({@code
 *       'UnresolvedRelation}, {@code 'o.amount}).
 *   <li>Analyzed: names resolved against the catalog, types known, {@code *} expanded; every
 *       attribute has an id ({@code amount#12}).
 *   <li>Optimized: rule-based rewrites: constant folding ({@code 1 + 1 = 2} disappears), filters
 *       pushed below the join, columns pruned to those the query uses.
 *   <li>Physical: operators that run ({@code HashAggregate}, {@code BroadcastHashJoin}, {@code
 *       FileScan parquet} with {@code PushedFilters}), chosen by strategies and cost.
 * </ul>
 *
 * <pre>
 * bin/run-example PlanPhasesExample
 * </pre>
 *
 * Expected output: the four trees, in order; the same as {@code EXPLAIN EXTENDED} prints.
 */
@RunnableExample("Catalyst's four plans for one query: parsed, analyzed, optimized, physical")
public final class PlanPhasesExample {

  static final ExampleArgs ARGS =
      ExampleArgs.forExample("PlanPhasesExample").count("rows", "10000", "generated orders");

  /** The query of the lesson, over the temp views {@code orders} and {@code customers}. */
  public static final String QUERY =
      """
      SELECT c.country, sum(o.amount) AS revenue
      FROM orders o JOIN customers c ON o.customer_id = c.customer_id
      WHERE o.status = 'delivered' AND 1 + 1 = 2
      GROUP BY c.country""";

  private PlanPhasesExample() {}

  /** Registers the tables as the temp views the query names and returns the query. */
  public static Dataset<Row> lessonQuery(SparkSession spark, SampleTables tables) {
    tables.orders().createOrReplaceTempView("orders");
    tables.customers().createOrReplaceTempView("customers");
    return spark.sql(QUERY);
  }

  public static void main(String[] args) {
    Examples.run(
        args,
        ARGS,
        (spark, opts) -> {
          SampleTables tables =
              SampleTables.write(spark, Path.of("target", "part2-catalyst"), opts.getLong("rows"));
          Phases p = Plans.phases(lessonQuery(spark, tables));
          System.out.println("== 1. Parsed logical plan (unresolved) ==\n" + p.parsed());
          System.out.println("== 2. Analyzed logical plan ==\n" + p.analyzed());
          System.out.println("== 3. Optimized logical plan ==\n" + p.optimized());
          System.out.println("== 4. Physical plan ==\n" + p.physical());
        });
  }
}
