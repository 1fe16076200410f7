package dev.advancedspark.part2.catalyst;

import dev.advancedspark.common.ExampleArgs;
import dev.advancedspark.common.Examples;
import dev.advancedspark.common.RunnableExample;
import dev.advancedspark.common.SqlConfs;
import dev.advancedspark.common.data.DataGenerators;
import dev.advancedspark.common.data.DataGenerators.OrdersSpec;
import dev.advancedspark.common.metrics.MetricsCollector;
import dev.advancedspark.common.metrics.MetricsCollector.Measured;
import dev.advancedspark.common.metrics.RunMetrics;
import dev.advancedspark.common.plan.Plans;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.plans.logical.Join;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.datasources.LogicalRelation;

/**
 * Join reordering with the cost-based optimizer: with table and column statistics ({@code ANALYZE
 * TABLE ... COMPUTE STATISTICS FOR COLUMNS}) and {@code spark.sql.cbo.enabled} plus {@code
 * spark.sql.cbo.joinReorder.enabled}, Spark estimates the rows each join produces and joins the
 * most selective table first.
 *
 * <p>The query joins orders to customers, then to products, and keeps one product category. As
 * written, the first join produces a row per order; joined first, the filtered products cut the
 * orders to about one in twelve before the customers join. Without statistics (or with CBO off, the
 * default), Spark keeps the written order. Statistics go stale: re-run ANALYZE after big loads, or
 * the optimizer plans with old numbers.
 *
 * <pre>
 * bin/run-example CostBasedJoinReorderExample
 * bin/run-example CostBasedJoinReorderExample --rows 5M
 * </pre>
 *
 * Expected output: the tables of the first join with CBO off ([cbo_customers, cbo_orders]) and on
 * ([cbo_orders, cbo_products]), the optimizer's row estimates, and shuffle bytes and time of both
 * runs (broadcast off, so the join order shows in the shuffles).
 */
@RunnableExample("Cost-based join reordering with ANALYZE TABLE statistics")
public final class CostBasedJoinReorderExample {

  static final ExampleArgs ARGS =
      ExampleArgs.forExample("CostBasedJoinReorderExample")
          .count("rows", "200000", "generated orders");

  /** The query as written: customers joined before the selective products. */
  public static final String QUERY =
      """
      SELECT c.country, p.category, sum(o.amount) AS revenue
      FROM cbo_orders o
      JOIN cbo_customers c ON o.customer_id = c.customer_id
      JOIN cbo_products p ON o.product_id = p.product_id
      WHERE p.category = 'books'
      GROUP BY c.country, p.category""";

  private CostBasedJoinReorderExample() {}

  /**
   * Saves orders, customers and products as tables {@code cbo_*} with files under {@code dir}, and
   * computes table and column statistics for them.
   */
  public static void createAndAnalyzeTables(SparkSession spark, Path dir, long orders) {
    save(DataGenerators.orders(spark, OrdersSpec.of(orders)), "cbo_orders", dir);
    save(DataGenerators.customers(spark, 1_000, 42), "cbo_customers", dir);
    save(DataGenerators.products(spark, 100, 42), "cbo_products", dir);
    spark.sql("ANALYZE TABLE cbo_orders COMPUTE STATISTICS FOR COLUMNS customer_id, product_id");
    spark.sql("ANALYZE TABLE cbo_customers COMPUTE STATISTICS FOR COLUMNS customer_id, country");
    spark.sql("ANALYZE TABLE cbo_products COMPUTE STATISTICS FOR COLUMNS product_id, category");
  }

  private static void save(Dataset<Row> df, String table, Path dir) {
    // An explicit path makes it an external table: rerunning overwrites the files cleanly.
    df.write()
        .mode(SaveMode.Overwrite)
        .option("path", dir.resolve(table).toAbsolutePath().toString())
        .saveAsTable(table);
  }

  /** CBO and join reordering on or off. */
  public static Map<String, String> cbo(boolean on) {
    return Map.of(
        "spark.sql.cbo.enabled", String.valueOf(on),
        "spark.sql.cbo.joinReorder.enabled", String.valueOf(on));
  }

  /** The innermost join of a plan: the join that runs first. */
  public static Join innermostJoin(LogicalPlan optimized) {
    List<Join> joins = Plans.find(optimized, Join.class);
    for (Join j : joins) {
      if (Plans.children(j).stream().allMatch(c -> Plans.find(c, Join.class).isEmpty())) {
        return j;
      }
    }
    throw new IllegalArgumentException("the plan has no join");
  }

  /** The tables of the join that runs first, sorted by name. */
  public static Set<String> firstJoinTables(LogicalPlan optimized) {
    return new TreeSet<>(tableNames(innermostJoin(optimized)));
  }

  /** The catalog tables a plan reads, left to right. */
  public static List<String> tableNames(LogicalPlan plan) {
    List<String> names = new ArrayList<>();
    for (LogicalRelation r : Plans.find(plan, LogicalRelation.class)) {
      if (r.catalogTable().isDefined()) {
        names.add(r.catalogTable().get().identifier().table());
      }
    }
    return names;
  }

  /** The optimizer's row-count estimate for a plan, or -1 when it has none (no statistics). */
  public static long estimatedRows(LogicalPlan plan) {
    return plan.stats().rowCount().isDefined() ? plan.stats().rowCount().get().longValue() : -1;
  }

  public static void main(String[] args) {
    Examples.run(
        args,
        ARGS,
        (spark, opts) -> {
          createAndAnalyzeTables(spark, Path.of("target", "part2-cbo"), opts.getLong("rows"));
          Map<String, String> noBroadcast =
              Map.of(
                  "spark.sql.autoBroadcastJoinThreshold", "-1",
                  "spark.sql.adaptive.autoBroadcastJoinThreshold", "-1");
          for (int round = 1; round <= 2; round++) {
            System.out.println(round == 1 ? "warm-up round:" : "measured round:");
            for (boolean on : new boolean[] {false, true}) {
              SqlConfs.with(
                  spark, noBroadcast, () -> SqlConfs.with(spark, cbo(on), () -> run(spark, on)));
            }
          }
        });
  }

  private static void run(SparkSession spark, boolean cboOn) {
    Dataset<Row> query = spark.sql(QUERY);
    LogicalPlan optimized = query.queryExecution().optimizedPlan();
    Join innermost = innermostJoin(optimized);
    Measured<SparkPlan> m = MetricsCollector.measure(spark, () -> Plans.finalPlan(query));
    RunMetrics r = m.metrics();
    System.out.printf(
        "CBO %-5s first join: %-30s its estimated rows: %-7s | shuffle write=%s wall=%d ms%n",
        cboOn,
        firstJoinTables(optimized),
        estimatedRows(innermost) < 0 ? "none" : String.format("%,d", estimatedRows(innermost)),
        RunMetrics.bytes(r.shuffleWriteBytes()),
        m.wallMillis());
  }
}
