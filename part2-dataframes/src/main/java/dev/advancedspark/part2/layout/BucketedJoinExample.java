package dev.advancedspark.part2.layout;

import static org.apache.spark.sql.functions.col;

import dev.advancedspark.common.ExampleArgs;
import dev.advancedspark.common.Examples;
import dev.advancedspark.common.RunnableExample;
import dev.advancedspark.common.SqlConfs;
import dev.advancedspark.common.data.DataGenerators;
import dev.advancedspark.common.data.DataGenerators.OrdersSpec;
import dev.advancedspark.common.metrics.MetricsCollector;
import dev.advancedspark.common.metrics.MetricsCollector.Measured;
import dev.advancedspark.common.metrics.RunMetrics;
import dev.advancedspark.common.plan.JoinStrategy;
import dev.advancedspark.common.plan.Plans;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.execution.SortExec;
import org.apache.spark.sql.execution.SparkPlan;

/**
 * Bucketing: both sides of a frequent join written with {@code bucketBy(n, "customer_id")} into the
 * session's warehouse, so that the join reads matching buckets side by side and needs no {@code
 * Exchange}. The same join of the same data saved without buckets shuffles both sides.
 *
 * <p>{@code sortBy} does not remove the join's {@code Sort} in Spark 4: a bucketed scan reports its
 * sort order only with {@code spark.sql.legacy.bucketedTableScan.outputOrdering=true} (off by
 * default since Spark 3.0, because it lists the files while planning) and one file per bucket. By
 * default the bucketed join still sorts each side, in the same task, without a shuffle (tested: 2
 * sorts by default, 0 with the legacy setting).
 *
 * <p>Bucketing pays for itself when the same tables are joined (or grouped) on the same key many
 * times: the shuffle is done once, at write time. Both sides need the same number of buckets (or
 * Spark may still shuffle one side), and readers must go through the table, not the path.
 *
 * <pre>
 * bin/run-example BucketedJoinExample --rows 1M
 * </pre>
 *
 * Expected output: for the plain and the bucketed tables, the join strategy, the number of shuffle
 * exchanges (2, then 0), the shuffle bytes written and the time.
 */
@RunnableExample("Bucketed tables joined without an Exchange vs the same join on plain tables")
public final class BucketedJoinExample {

  static final ExampleArgs ARGS =
      ExampleArgs.forExample("BucketedJoinExample")
          .count("rows", "1000000", "orders to write")
          .count("customers", "100000", "customers to write")
          .count("buckets", "8", "buckets per table");

  /**
   * Broadcast joins need no shuffle either: switch them off so the comparison is sort-merge with
   * and without buckets, whatever the table sizes.
   */
  public static final Map<String, String> NO_BROADCAST =
      Map.of(
          "spark.sql.autoBroadcastJoinThreshold", "-1",
          "spark.sql.adaptive.autoBroadcastJoinThreshold", "-1");

  /** What one join did. */
  public record JoinRun(
      String tables,
      List<JoinStrategy> strategies,
      int shuffles,
      int sorts,
      long shuffleWriteBytes,
      long rows,
      long wallMillis) {}

  private BucketedJoinExample() {}

  /**
   * Saves {@code data} as a managed table bucketed and sorted by {@code key}. Repartitioning by the
   * same key into the same number of partitions first gives exactly one file per bucket instead of
   * one per bucket and write task.
   */
  // tag::bucketed-write[]
  public static void saveBucketed(Dataset<Row> data, String table, String key, int buckets) {
    data.repartition(buckets, col(key))
        .write()
        .mode(SaveMode.Overwrite)
        .bucketBy(buckets, key)
        .sortBy(key)
        .saveAsTable(table);
  }

  // end::bucketed-write[]

  /** Saves {@code data} as a plain managed table: the baseline. */
  public static void savePlain(Dataset<Row> data, String table) {
    data.write().mode(SaveMode.Overwrite).saveAsTable(table);
  }

  /** The join both layouts run: orders with their customer's country. */
  public static Dataset<Row> ordersWithCountry(
      SparkSession spark, String orders, String customers) {
    return spark
        .table(orders)
        .join(spark.table(customers), "customer_id")
        .select("order_id", "customer_id", "amount", "country");
  }

  /** Runs the join to the end (noop sink) and returns the plan shape and the shuffle it wrote. */
  public static JoinRun run(SparkSession spark, String orders, String customers) {
    return run(spark, orders, customers, Map.of());
  }

  /** {@link #run} with extra settings (e.g. the legacy bucketed-scan ordering). */
  public static JoinRun run(
      SparkSession spark, String orders, String customers, Map<String, String> settings) {
    Map<String, String> conf = new java.util.HashMap<>(NO_BROADCAST);
    conf.putAll(settings);
    return SqlConfs.with(
        spark,
        conf,
        () -> {
          Dataset<Row> joined = ordersWithCountry(spark, orders, customers);
          Measured<SparkPlan> m = MetricsCollector.measure(spark, () -> Plans.finalPlan(joined));
          SparkPlan plan = m.result();
          return new JoinRun(
              orders + " x " + customers,
              Plans.joinStrategies(plan),
              Plans.shuffleCount(plan),
              Plans.find(plan, SortExec.class).size(),
              m.metrics().shuffleWriteBytes(),
              m.metrics().inputRecords(),
              m.wallMillis());
        });
  }

  /** Drops the tables (and, for managed tables, their files) so that a re-run starts clean. */
  public static void dropTables(SparkSession spark, String... tables) {
    for (String table : tables) {
      spark.sql("DROP TABLE IF EXISTS " + table);
    }
  }

  public static void main(String[] args) {
    Examples.run(
        args,
        ARGS,
        (spark, opts) -> {
          // A suffix per run: a managed table's folder left by an interrupted run would make
          // saveAsTable fail, since the local catalog forgets tables when the JVM exits.
          String suffix = "_" + ProcessHandle.current().pid();
          String plainOrders = "orders_plain" + suffix;
          String plainCustomers = "customers_plain" + suffix;
          String bucketedOrders = "orders_bucketed" + suffix;
          String bucketedCustomers = "customers_bucketed" + suffix;
          int buckets = opts.getInt("buckets");
          Dataset<Row> orders =
              DataGenerators.orders(
                  spark,
                  OrdersSpec.of(opts.getLong("rows")).withCustomers(opts.getLong("customers")));
          Dataset<Row> customers = DataGenerators.customers(spark, opts.getLong("customers"), 42);
          try {
            savePlain(orders, plainOrders);
            savePlain(customers, plainCustomers);
            saveBucketed(orders, bucketedOrders, "customer_id", buckets);
            saveBucketed(customers, bucketedCustomers, "customer_id", buckets);
            run(spark, plainOrders, plainCustomers); // warm-up
            for (JoinRun r :
                List.of(
                    run(spark, plainOrders, plainCustomers),
                    run(spark, bucketedOrders, bucketedCustomers))) {
              System.out.printf(
                  "%-60s %s shuffles=%d sorts=%d shuffle write=%10s time=%5d ms%n",
                  r.tables(),
                  r.strategies(),
                  r.shuffles(),
                  r.sorts(),
                  RunMetrics.bytes(r.shuffleWriteBytes()),
                  r.wallMillis());
            }
          } finally {
            dropTables(spark, plainOrders, plainCustomers, bucketedOrders, bucketedCustomers);
          }
        });
  }
}
