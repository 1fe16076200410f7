package dev.advancedspark.part2.shuffles;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;

import dev.advancedspark.common.ExampleArgs;
import dev.advancedspark.common.Examples;
import dev.advancedspark.common.RunnableExample;
import dev.advancedspark.common.data.DataGenerators;
import dev.advancedspark.common.data.DataGenerators.OrdersSpec;
import dev.advancedspark.common.plan.Plans;
import java.util.Set;
import java.util.TreeSet;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.aggregate.HashAggregateExec;
import org.apache.spark.sql.expressions.Window;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Partial (map-side) aggregation: for {@code groupBy(customer_id).agg(sum(amount))} Spark plans two
 * {@code HashAggregate}s, a partial one before the shuffle (one running total per customer and
 * task) and a final one after it, so the shuffle carries at most customers x map tasks records
 * instead of every order.
 *
 * <p>The same totals computed with a window function ({@code sum(amount) over (partition by
 * customer_id)}) shuffle every input row: windows have no partial step. Prefer a {@code groupBy}
 * (and a join back if the detail rows are needed) when the window only aggregates.
 *
 * <pre>
 * bin/run-example PartialAggregationExample --rows 10M
 * </pre>
 *
 * Expected output: the aggregate modes of the plan (Partial, Final), then records and bytes
 * shuffled by the groupBy (a few thousand records) and by the window version (every row).
 */
@RunnableExample("Partial (map-side) aggregation: groupBy shuffles far fewer records than rows")
public final class PartialAggregationExample {

  static final ExampleArgs ARGS =
      ExampleArgs.forExample("PartialAggregationExample")
          .count("rows", "10000000", "orders to aggregate")
          .count("customers", "1000", "distinct keys (customers)");

  private PartialAggregationExample() {}

  /** Revenue and order count per customer: partial aggregation before the shuffle. */
  public static Dataset<Row> revenuePerCustomer(Dataset<Row> orders) {
    return orders
        .groupBy("customer_id")
        .agg(sum("amount").as("revenue"), count(lit(1)).as("orders"));
  }

  /** The same result through a window: every row crosses the shuffle. */
  public static Dataset<Row> revenuePerCustomerViaWindow(Dataset<Row> orders) {
    var byCustomer = Window.partitionBy("customer_id");
    return orders
        .select(
            col("customer_id"),
            sum("amount").over(byCustomer).as("revenue"),
            count(lit(1)).over(byCustomer).as("orders"))
        .distinct();
  }

  /** The modes of the HashAggregate operators of a plan, e.g. [Final, Partial]. */
  public static Set<String> aggregateModes(SparkPlan plan) {
    Set<String> modes = new TreeSet<>();
    for (HashAggregateExec agg : Plans.find(plan, HashAggregateExec.class)) {
      CollectionConverters.asJava(agg.aggregateExpressions())
          .forEach(e -> modes.add(e.mode().toString()));
    }
    return modes;
  }

  public static void main(String[] args) {
    Examples.run(
        args,
        ARGS,
        (spark, opts) -> {
          long rows = opts.getLong("rows");
          Dataset<Row> orders =
              DataGenerators.orders(
                  spark, OrdersSpec.of(rows).withCustomers(opts.getLong("customers")));
          ShuffleRun.of(spark, revenuePerCustomer(orders)); // warm-up
          ShuffleRun groupBy = ShuffleRun.of(spark, revenuePerCustomer(orders));
          ShuffleRun window = ShuffleRun.of(spark, revenuePerCustomerViaWindow(orders));
          System.out.println("groupBy aggregate modes: " + aggregateModes(groupBy.plan()));
          System.out.printf("input rows: %,d%n", rows);
          System.out.printf("%-8s %s%n", "groupBy", groupBy.summary());
          System.out.printf("%-8s %s%n", "window", window.summary());
        });
  }
}
