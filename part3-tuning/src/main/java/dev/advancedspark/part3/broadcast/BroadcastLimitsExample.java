package dev.advancedspark.part3.broadcast;

import dev.advancedspark.common.ExampleArgs;
import dev.advancedspark.common.Examples;
import dev.advancedspark.common.RunnableExample;
import dev.advancedspark.common.SqlConfs;
import dev.advancedspark.common.data.DataGenerators;
import dev.advancedspark.common.data.DataGenerators.OrdersSpec;
import dev.advancedspark.common.metrics.RunMetrics;
import dev.advancedspark.common.plan.JoinStrategy;
import dev.advancedspark.common.plan.Plans;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The limits of a broadcast join in Spark 4.2, as its source states them:
 *
 * <ul>
 *   <li>{@code spark.sql.autoBroadcastJoinThreshold} (default 10 MiB): the planner broadcasts a
 *       side on its own only when its <em>estimated</em> size is below it; {@code -1} turns
 *       automatic broadcasting off (hints still broadcast). With AQE, {@code
 *       spark.sql.adaptive.autoBroadcastJoinThreshold} applies to the sizes measured at run time.
 *   <li>{@code spark.sql.maxBroadcastTableSize} (default 8 GiB, since Spark 4.1): the built hash
 *       relation must be smaller, even when a hint asked for the broadcast ({@code
 *       BroadcastExchangeExec}: "Cannot broadcast the table that is larger than 8.0 GiB"). Before
 *       4.1 this 8 GiB was a constant. Rows are capped too: 512,000,000, or about 358 million for a
 *       key that is not a single long ({@code BytesToBytesMap.MAX_CAPACITY / 1.5}).
 *   <li>{@code spark.sql.broadcastTimeout} (default 300 s): how long {@code BroadcastExchangeExec}
 *       waits for the collect and build. With AQE on (the default), the broadcast runs as a query
 *       stage that is awaited without this timeout; it bites in plans without AQE.
 * </ul>
 *
 * Every broadcast passes through the driver: it collects the rows, builds the relation (both in
 * driver memory) and keeps the serialized pieces until the query's broadcast is cleaned up. A
 * broadcast of several GiB needs that much driver heap, on top of everything else there.
 *
 * <pre>
 * bin/run-example BroadcastLimitsExample --customers 200k
 * </pre>
 *
 * Expected output: the join strategy under the default threshold, under {@code -1}, and the error
 * with {@code spark.sql.maxBroadcastTableSize} set below the relation's size.
 */
@RunnableExample("Broadcast limits: autoBroadcastJoinThreshold, maxBroadcastTableSize, timeout")
public final class BroadcastLimitsExample {

  static final ExampleArgs ARGS =
      ExampleArgs.forExample("BroadcastLimitsExample")
          .count("customers", "200000", "rows of the small (dimension) side")
          .count("rows", "1000000", "orders (the large side)");

  private BroadcastLimitsExample() {}

  /** The join strategy Spark picks for orders x customers under {@code settings}. */
  public static List<JoinStrategy> strategyWith(
      SparkSession spark, Dataset<Row> orders, Dataset<Row> customers, Map<String, String> s) {
    return SqlConfs.with(
        spark,
        s,
        () -> {
          Dataset<Row> joined = orders.join(customers, "customer_id");
          joined.write().format("noop").mode("overwrite").save();
          return Plans.joinStrategies(Plans.finalPlan(joined));
        });
  }

  // tag::max-broadcast-table-size[]
  /**
   * Runs the hinted broadcast join with {@code spark.sql.maxBroadcastTableSize} set; returns null
   * when it ran, or the error's message.
   */
  public static String hintedJoinWithMaxSize(
      SparkSession spark, Dataset<Row> orders, Dataset<Row> customers, String maxSize) {
    return SqlConfs.with(
        spark,
        Map.of("spark.sql.maxBroadcastTableSize", maxSize),
        () -> {
          try {
            BroadcastVariablesExample.joinWithSegments(orders, customers)
                .write()
                .format("noop")
                .mode("overwrite")
                .save();
            return null;
          } catch (Exception e) {
            Throwable t = e;
            while (t.getCause() != null && !t.getMessage().contains("Cannot broadcast")) {
              t = t.getCause();
            }
            return t.getMessage();
          }
        });
  }

  // end::max-broadcast-table-size[]

  public static void main(String[] args) {
    Examples.run(
        args,
        ARGS,
        "BroadcastLimitsExample",
        (spark, opts) -> {
          long n = opts.getPositiveLong("customers");
          Dataset<Row> customers = DataGenerators.customers(spark, n, 42);
          Dataset<Row> orders =
              DataGenerators.orders(
                  spark,
                  new OrdersSpec(
                      opts.getPositiveLong("rows"),
                      n,
                      100,
                      dev.advancedspark.common.data.Skew.parse("uniform"),
                      0,
                      42));
          System.out.printf(
              "customers: %,d rows, planner's estimate %s%n",
              n,
              RunMetrics.bytes(
                  customers.queryExecution().optimizedPlan().stats().sizeInBytes().longValue()));
          System.out.println(
              "default thresholds:              "
                  + strategyWith(spark, orders, customers, Map.of()));
          System.out.println(
              "autoBroadcastJoinThreshold=-1 (and AQE's): "
                  + strategyWith(
                      spark,
                      orders,
                      customers,
                      Map.of(
                          "spark.sql.autoBroadcastJoinThreshold", "-1",
                          "spark.sql.adaptive.autoBroadcastJoinThreshold", "-1")));
          System.out.println(
              "broadcast hint, maxBroadcastTableSize=1m: "
                  + hintedJoinWithMaxSize(spark, orders, customers, "1m"));
        });
  }
}
