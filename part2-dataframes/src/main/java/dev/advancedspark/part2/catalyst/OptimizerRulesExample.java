package dev.advancedspark.part2.catalyst;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import dev.advancedspark.common.ExampleArgs;
import dev.advancedspark.common.Examples;
import dev.advancedspark.common.RunnableExample;
import dev.advancedspark.common.plan.Plans;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.expressions.BinaryArithmetic;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.plans.logical.Filter;
import org.apache.spark.sql.catalyst.plans.logical.Join;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.catalyst.plans.logical.Project;
import org.apache.spark.sql.execution.FileSourceScanExec;
import org.apache.spark.sql.execution.datasources.LogicalRelation;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Three rule-based rewrites of Catalyst's optimizer, each visible in the optimized logical plan:
 * constant folding, predicate pushdown (through a project and through a join) and column pruning.
 *
 * <p>They are why the DataFrame you write is not the one that runs: a filter written after a join
 * runs before it, on the side it concerns; a {@code select} of two columns after a join makes the
 * Parquet scans read only the columns used anywhere in the query; arithmetic on literals is done
 * once at planning time. Each stops at a boundary: a UDF is opaque, a non-deterministic expression
 * blocks pushdown, a cached DataFrame has fixed columns.
 *
 * <pre>
 * bin/run-example OptimizerRulesExample
 * </pre>
 *
 * Expected output: for each rewrite the analyzed and the optimized plan, e.g. {@code (amount#23 *
 * 86400.0)} where the analyzed plan had {@code cast(((24 * 60) * 60) as double)} and a {@code
 * Filter ((1 + 1) = 2)}, the country filter below the join, and the columns the Parquet scans read:
 * {@code [[customer_id, order_id], [country, customer_id]]}.
 */
@RunnableExample("Catalyst rewrites: constant folding, predicate pushdown, column pruning")
public final class OptimizerRulesExample {

  static final ExampleArgs ARGS =
      ExampleArgs.forExample("OptimizerRulesExample").count("rows", "10000", "generated orders");

  private OptimizerRulesExample() {}

  /** Arithmetic on literals and an always-true filter: both vanish from the optimized plan. */
  public static Dataset<Row> constantFolding(Dataset<Row> orders) {
    return orders
        .filter(lit(1).plus(1).equalTo(2))
        .select(
            col("order_id"),
            col("amount").multiply(lit(24).multiply(60).multiply(60)).as("amount_x_day_seconds"));
  }

  /** A filter written after a computed column: it runs before the projection. */
  public static Dataset<Row> filterAfterProject(Dataset<Row> orders) {
    return orders
        .select(col("order_id"), col("status"), col("amount").multiply(0.9).as("net"))
        .filter(col("status").equalTo("returned"));
  }

  /** A filter on a customer column written after the join: it runs on the customers side. */
  public static Dataset<Row> filterAfterJoin(Dataset<Row> orders, Dataset<Row> customers) {
    return orders.join(customers, "customer_id").filter(col("country").equalTo("DE"));
  }

  /** Two columns of a seven- and a five-column table: the scans read three. */
  public static Dataset<Row> twoColumnsOfAJoin(Dataset<Row> orders, Dataset<Row> customers) {
    return orders.join(customers, "customer_id").select("order_id", "country");
  }

  /** Arithmetic nodes whose inputs are all constants: what constant folding leaves none of. */
  public static List<String> unfoldedArithmetic(LogicalPlan plan) {
    return Plans.expressions(plan).stream()
        .filter(e -> e instanceof BinaryArithmetic && e.foldable())
        .map(Expression::sql)
        .toList();
  }

  /** The SQL of filter conditions found beneath a join: filters the optimizer pushed down. */
  public static List<String> filtersBelowJoins(LogicalPlan plan) {
    List<String> out = new ArrayList<>();
    for (Join join : Plans.find(plan, Join.class)) {
      for (LogicalPlan child : Plans.children(join)) {
        Plans.find(child, Filter.class).forEach(f -> out.add(f.condition().sql()));
      }
    }
    return out;
  }

  /**
   * For each file relation: the columns of the projection right above it (through filters), i.e.
   * the columns the optimized plan still needs from that relation; all its columns if none.
   */
  public static List<Set<String>> columnsReadPerRelation(LogicalPlan plan) {
    List<Set<String>> out = new ArrayList<>();
    collectReads(plan, null, out);
    return out;
  }

  private static void collectReads(LogicalPlan node, Project above, List<Set<String>> out) {
    if (node instanceof LogicalRelation relation) {
      LogicalPlan source = above != null ? above : relation;
      Set<String> names = new TreeSet<>();
      CollectionConverters.asJava(source.output()).forEach(a -> names.add(a.name()));
      out.add(names);
      return;
    }
    Project next = node instanceof Project p ? p : node instanceof Filter ? above : null;
    for (LogicalPlan child : Plans.children(node)) {
      collectReads(child, next, out);
    }
  }

  /** The columns each Parquet scan of the physical plan reads (its ReadSchema). */
  public static List<Set<String>> scannedColumns(Dataset<Row> query) {
    return Plans.fileScans(query.queryExecution().executedPlan()).stream()
        .map(FileSourceScanExec::requiredSchema)
        .map(s -> (Set<String>) new TreeSet<>(Arrays.asList(s.fieldNames())))
        .toList();
  }

  public static void main(String[] args) {
    Examples.run(
        args,
        ARGS,
        (spark, opts) -> {
          SampleTables t =
              SampleTables.write(spark, Path.of("target", "part2-catalyst"), opts.getLong("rows"));
          show("Constant folding", constantFolding(t.orders()));
          show("Predicate pushdown through a project", filterAfterProject(t.orders()));
          show("Predicate pushdown through a join", filterAfterJoin(t.orders(), t.customers()));
          Dataset<Row> pruned = twoColumnsOfAJoin(t.orders(), t.customers());
          show("Column pruning", pruned);
          System.out.println("Columns the Parquet scans read: " + scannedColumns(pruned));
        });
  }

  private static void show(String title, Dataset<Row> query) {
    System.out.println("=== " + title + " ===");
    System.out.println("-- analyzed --\n" + query.queryExecution().analyzed());
    System.out.println("-- optimized --\n" + query.queryExecution().optimizedPlan());
  }
}
