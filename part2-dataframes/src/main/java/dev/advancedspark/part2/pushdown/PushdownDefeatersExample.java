package dev.advancedspark.part2.pushdown;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.format_string;
import static org.apache.spark.sql.functions.udf;

import dev.advancedspark.common.ExampleArgs;
import dev.advancedspark.common.Examples;
import dev.advancedspark.common.RunnableExample;
import dev.advancedspark.common.SparkSessions;
import dev.advancedspark.common.data.DataGenerators;
import dev.advancedspark.common.data.DataGenerators.OrdersSpec;
import dev.advancedspark.common.metrics.RunMetrics;
import dev.advancedspark.part2.pushdown.ParquetLookups.Lookup;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.types.DataTypes;

/**
 * Three everyday predicates that silently stop Spark from pushing a filter into the Parquet reader,
 * and the rewrite on the raw column that brings the pushdown back:
 *
 * <ul>
 *   <li>a UDF on the column: Spark cannot look inside Java code, so nothing is pushed;
 *   <li>a cast of the column to another kind of value ({@code cast(order_id as string) = '4242'}):
 *       the filter is not pushed. Not every cast defeats pushdown: the optimizer rule {@code
 *       UnwrapCastInBinaryComparison} moves a widening numeric cast onto the literal, so {@code
 *       cast(quantity as bigint) = 3} on an int column reaches the source as {@code quantity = 3};
 *   <li>a string column compared to a number ({@code customer_code = 42}): Spark casts the column,
 *       not the literal, so the filter is not pushed; {@code '00042'} and {@code '42'} both compare
 *       as 42 (leading zeros mean nothing to a number, which is rarely what a code column wants).
 *       Worse, under ANSI mode (Spark 4's default) one value that is not a number ({@code 'N/A'})
 *       fails the whole query with {@code CAST_INVALID_INPUT}: a wrong type is a correctness and
 *       availability bug before it is a performance one.
 * </ul>
 *
 * The data is written sorted by {@code order_id} with small row groups, so a pushed filter on it
 * skips almost every row group and the difference shows in the records read.
 *
 * <pre>
 * bin/run-example PushdownDefeatersExample --rows 1M
 * </pre>
 *
 * Expected output: for each case the predicate, its PushedFilters, and the records and bytes read.
 * The defeated order_id predicates read every row and the raw-column rewrite one row group (1M
 * rows: 14,450 records, 649 KiB instead of 23 MiB). The customer_code rewrite shows in
 * PushedFilters only: the file is sorted by order_id, so its row groups all hold the whole
 * customer_code range.
 */
@RunnableExample(
    "Predicates that defeat Parquet pushdown (UDF, cast) and the rewrites that fix them")
public final class PushdownDefeatersExample {

  static final ExampleArgs ARGS =
      ExampleArgs.forExample("PushdownDefeatersExample")
          .count("rows", "1000000", "orders to write")
          .count("order", "4242", "the order_id to look up");

  /** A predicate and how it was read. */
  public record Case(String name, String predicate, Lookup lookup) {}

  private PushdownDefeatersExample() {}

  /** The orders with a zero-padded text code, the shape of zip codes and account numbers. */
  public static Dataset<Row> ordersWithCode(Dataset<Row> orders) {
    return orders.withColumn("customer_code", format_string("%05d", col("customer_id")));
  }

  /** A Java predicate on order_id: opaque to the optimizer. */
  public static UserDefinedFunction isOrder(long orderId) {
    return udf((UDF1<Long, Boolean>) id -> id != null && id == orderId, DataTypes.BooleanType);
  }

  // tag::defeaters[]
  /** Not pushed: a UDF hides the comparison from the optimizer. */
  public static Column viaUdf(long orderId) {
    return isOrder(orderId).apply(col("order_id"));
  }

  /** Not pushed: the column is cast to a string, a cast Spark cannot move onto the literal. */
  public static Column viaCastToString(long orderId) {
    return expr("cast(order_id as string) = '" + orderId + "'");
  }

  /** Pushed after all: a widening numeric cast is unwrapped onto the literal by the optimizer. */
  public static Column viaWideningCast(int quantity) {
    return expr("cast(quantity as bigint) = " + quantity);
  }

  /** Not pushed: a string column against a number makes Spark cast the column. */
  public static Column stringColumnAgainstNumber(long customerId) {
    return col("customer_code").equalTo(customerId);
  }

  /** The fix for the first two: compare the raw column with a value of its own type. */
  public static Column onTheRawColumn(long orderId) {
    return col("order_id").equalTo(orderId);
  }

  /** The fix for the third: a literal of the column's type (and its exact text). */
  public static Column stringColumnAgainstString(long customerId) {
    return col("customer_code").equalTo(String.format("%05d", customerId));
  }

  // end::defeaters[]

  /** Looks up one order with each predicate, against a Parquet folder written by the caller. */
  public static List<Case> compare(SparkSession spark, Path parquet, long orderId, long customer) {
    List<Case> cases = new ArrayList<>();
    cases.add(run(spark, parquet, "UDF on the column", viaUdf(orderId)));
    cases.add(run(spark, parquet, "cast on the column", viaCastToString(orderId)));
    cases.add(run(spark, parquet, "fix: raw column", onTheRawColumn(orderId)));
    cases.add(run(spark, parquet, "widening cast", viaWideningCast(3)));
    cases.add(run(spark, parquet, "string vs number", stringColumnAgainstNumber(customer)));
    cases.add(run(spark, parquet, "fix: string literal", stringColumnAgainstString(customer)));
    return cases;
  }

  private static Case run(SparkSession spark, Path parquet, String name, Column predicate) {
    return new Case(
        name, predicate.toString(), ParquetLookups.lookup(spark, name, parquet, predicate));
  }

  public static void main(String[] args) {
    Examples.run(
        args,
        ARGS,
        (spark, opts) -> {
          Dataset<Row> orders =
              ordersWithCode(DataGenerators.orders(spark, OrdersSpec.of(opts.getLong("rows"))));
          Path parquet =
              ParquetLookups.writeParquet(
                  orders,
                  SparkSessions.TARGET.resolve("data/part2/pushdown-defeaters"),
                  "order_id",
                  1 << 20);
          long orderId = opts.getLong("order");
          long customer = 42;
          // Warm-up so the first measured query does not pay for class loading alone.
          ParquetLookups.lookup(spark, "warm-up", parquet, onTheRawColumn(orderId));
          System.out.println(
              "The file is sorted by order_id: a pushed order_id filter skips row groups; for"
                  + " customer_code only PushedFilters changes.");
          for (Case c : compare(spark, parquet, orderId, customer)) {
            Lookup l = c.lookup();
            System.out.printf(
                "%-20s %-48s records read=%,10d read=%10s time=%5d ms%n    PushedFilters: %s%n",
                c.name(),
                c.predicate(),
                l.inputRecords(),
                RunMetrics.bytes(l.inputBytes()),
                l.wallMillis(),
                l.pushedFilters());
          }
        });
  }
}
