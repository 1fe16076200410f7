package dev.advancedspark.part2.shuffles;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
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
 * Reusing a partitioning: a {@code groupBy(customer_id, product_id)} followed by a join on {@code
 * customer_id} shuffles the orders twice, once by (customer_id, product_id) for the aggregate and
 * once more by customer_id for the join. Repartitioning by {@code customer_id} first satisfies
 * both: rows hashed by customer_id are already clustered for any grouping that contains
 * customer_id, so Spark plans one exchange on that side instead of two.
 *
 * <p>The trade-off: the single exchange now carries raw rows (the partial aggregate runs after it),
 * so it pays when the grouping keys are nearly unique per map task, as here (customers x products
 * is large), and less when partial aggregation would have shrunk the data a lot. The example prints
 * both the exchanges and the bytes, so the trade-off shows.
 *
 * <pre>
 * bin/run-example ReusePartitioningExample --rows 10M
 * </pre>
 *
 * Expected output: exchanges 3 then 2, with the shuffle records and bytes and the time of each.
 */
@RunnableExample("Repartition once by the join key so groupBy + join need one shuffle, not two")
public final class ReusePartitioningExample {

  static final ExampleArgs ARGS =
      ExampleArgs.forExample("ReusePartitioningExample")
          .count("rows", "10000000", "orders")
          .count("customers", "100000", "customers")
          .count("products", "1000", "products");

  /** Pinned so that the join is a sort-merge join whatever the sizes: the case being taught. */
  public static final Map<String, String> NO_BROADCAST =
      Map.of(
          "spark.sql.autoBroadcastJoinThreshold", "-1",
          "spark.sql.adaptive.autoBroadcastJoinThreshold", "-1");

  private ReusePartitioningExample() {}

  // tag::reuse-partitioning[]
  /** Revenue per customer and product, with the customer's country. */
  public static Dataset<Row> customerProductRevenue(Dataset<Row> orders, Dataset<Row> customers) {
    return orders
        .groupBy("customer_id", "product_id")
        .agg(sum("amount").as("revenue"), count(lit(1)).as("orders"))
        .join(customers.select("customer_id", "country"), "customer_id");
  }

  /** The same query after one repartition by the join key: no second exchange on orders. */
  public static Dataset<Row> customerProductRevenueRepartitioned(
      Dataset<Row> orders, Dataset<Row> customers) {
    return customerProductRevenue(orders.repartition(col("customer_id")), customers);
  }

  // end::reuse-partitioning[]

  /** Runs a query with broadcast joins off. */
  public static ShuffleRun run(SparkSession spark, Dataset<Row> query) {
    return SqlConfs.with(spark, NO_BROADCAST, () -> ShuffleRun.of(spark, query));
  }

  public static void main(String[] args) {
    Examples.run(
        args,
        ARGS,
        (spark, opts) -> {
          Dataset<Row> orders =
              DataGenerators.orders(
                  spark,
                  OrdersSpec.of(opts.getLong("rows"))
                      .withCustomers(opts.getLong("customers"))
                      .withProducts(opts.getLong("products")));
          Dataset<Row> customers = DataGenerators.customers(spark, opts.getLong("customers"), 42);
          run(spark, customerProductRevenue(orders, customers)); // warm-up
          ShuffleRun before = run(spark, customerProductRevenue(orders, customers));
          ShuffleRun after = run(spark, customerProductRevenueRepartitioned(orders, customers));
          System.out.printf("%-22s %s%n", "groupBy then join", before.summary());
          System.out.printf("%-22s %s%n", "repartition first", after.summary());
        });
  }
}
