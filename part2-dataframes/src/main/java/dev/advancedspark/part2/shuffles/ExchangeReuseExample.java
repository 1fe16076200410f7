package dev.advancedspark.part2.shuffles;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.sum;

import dev.advancedspark.common.ExampleArgs;
import dev.advancedspark.common.Examples;
import dev.advancedspark.common.RunnableExample;
import dev.advancedspark.common.SqlConfs;
import dev.advancedspark.common.data.DataGenerators;
import dev.advancedspark.common.data.DataGenerators.OrdersSpec;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Exchange reuse: a query that uses the same sub-result twice (here the revenue per customer, once
 * for the rows and once for their average) plans the same shuffle twice. Spark notices that both
 * exchanges are identical and runs one; the second becomes a {@code ReusedExchange} that reads the
 * first one's shuffle files. Switching {@code spark.sql.exchange.reuse} off shows what it saves.
 *
 * <p>Reuse needs the two subtrees to be exactly equal after optimization: the same source, filters
 * and columns. Two "almost equal" branches (one extra column, a different filter) each shuffle.
 *
 * <pre>
 * bin/run-example ExchangeReuseExample --rows 10M
 * </pre>
 *
 * Expected output: with reuse, one ReusedExchange and one shuffle of the orders fewer; the shuffle
 * records and time for both runs.
 */
@RunnableExample("The same subquery used twice: one shuffle and a ReusedExchange")
public final class ExchangeReuseExample {

  static final ExampleArgs ARGS =
      ExampleArgs.forExample("ExchangeReuseExample")
          .count("rows", "10000000", "orders")
          .count("customers", "100000", "customers");

  private ExchangeReuseExample() {}

  // tag::exchange-reuse[]
  /** Customers whose revenue is above the average customer's: revenue per customer used twice. */
  public static Dataset<Row> aboveAverageCustomers(Dataset<Row> orders) {
    Dataset<Row> revenue = orders.groupBy("customer_id").agg(sum("amount").as("revenue"));
    Dataset<Row> average = revenue.agg(avg("revenue").as("average_revenue"));
    return revenue.crossJoin(average).where(col("revenue").gt(col("average_revenue")));
  }

  // end::exchange-reuse[]

  /** Runs the query with exchange reuse on or off. */
  public static ShuffleRun run(SparkSession spark, Dataset<Row> orders, boolean reuse) {
    return SqlConfs.with(
        spark,
        Map.of("spark.sql.exchange.reuse", String.valueOf(reuse)),
        () -> ShuffleRun.of(spark, aboveAverageCustomers(orders)));
  }

  public static void main(String[] args) {
    Examples.run(
        args,
        ARGS,
        (spark, opts) -> {
          Dataset<Row> orders =
              DataGenerators.orders(
                  spark,
                  OrdersSpec.of(opts.getLong("rows")).withCustomers(opts.getLong("customers")));
          run(spark, orders, true); // warm-up
          ShuffleRun off = run(spark, orders, false);
          ShuffleRun on = run(spark, orders, true);
          System.out.printf("%-12s %s%n", "reuse off", off.summary());
          System.out.printf("%-12s %s%n", "reuse on", on.summary());
        });
  }
}
