package dev.advancedspark.part5.governance;

import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.sum;

import dev.advancedspark.common.ExampleArgs;
import dev.advancedspark.common.Examples;
import dev.advancedspark.common.RunnableExample;
import java.nio.file.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;

/**
 * Lineage for a catalog: a join + aggregate written to Parquet, seen by {@link LineageListener},
 * which writes an OpenLineage-shaped event with column lineage to {@code
 * target/part5/lineage/lineage.jsonl}.
 *
 * <pre>
 * bin/run-example LineageExample
 * </pre>
 *
 * Expected output: the event, one JSON line: inputs {@code orders} and {@code customers}, output
 * {@code revenue_by_country}, and {@code revenue <- orders.amount}, {@code country <-
 * customers.country}, {@code orders <- orders.order_id}.
 */
@RunnableExample("Governance: OpenLineage-shaped events with column lineage from a listener")
public final class LineageExample {

  static final ExampleArgs ARGS =
      ExampleArgs.forExample("LineageExample")
          .option("dir", "target/part5/lineage", "folder for the tables and lineage.jsonl");

  private LineageExample() {}

  /** Revenue and order count per country: the join + aggregate whose lineage is recorded. */
  public static Dataset<Row> revenueByCountry(Dataset<Row> orders, Dataset<Row> customers) {
    return orders
        .join(customers, "customer_id")
        .groupBy("country")
        .agg(sum("amount").as("revenue"), count("order_id").as("orders"));
  }

  /**
   * Waits (at most 30 s) until the listener bus has delivered every event posted so far: query
   * execution listeners run asynchronously, after the action returned.
   */
  public static void awaitEvents(LineageListener listener, int atLeast) {
    drainListenerBus(SparkSession.active());
    if (listener.events().size() < atLeast) {
      throw new IllegalStateException(
          "expected " + atLeast + " lineage events, got " + listener.events().size());
    }
  }

  /**
   * Waits (at most 30 s) until every event posted so far was delivered. Call it before registering
   * a listener too: a listener receives the events still queued when it registers, so a write that
   * finished just before would show up in its file.
   */
  public static void drainListenerBus(SparkSession spark) {
    try {
      spark.sparkContext().listenerBus().waitUntilEmpty(30_000);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException("The listener bus did not drain within 30 s", e);
    }
  }

  public static void main(String[] args) {
    Examples.run(
        args,
        ARGS,
        "LineageExample",
        (spark, opts) -> {
          Path dir = Path.of(opts.get("dir")).toAbsolutePath();
          String orders = dir.resolve("orders").toString();
          String customers = dir.resolve("customers").toString();
          spark
              .sql(
                  "SELECT * FROM VALUES (1, 10, 25.0), (2, 11, 40.0), (3, 10, 5.0)"
                      + " AS o(order_id, customer_id, amount)")
              .write()
              .mode(SaveMode.Overwrite)
              .parquet(orders);
          spark
              .sql("SELECT * FROM VALUES (10, 'GB'), (11, 'DE') AS c(customer_id, country)")
              .write()
              .mode(SaveMode.Overwrite)
              .parquet(customers);
          Path events = dir.resolve("lineage.jsonl");
          events.toFile().delete();
          drainListenerBus(spark);
          LineageListener listener = new LineageListener(events, "part5-examples");
          spark.listenerManager().register(listener);
          revenueByCountry(spark.read().parquet(orders), spark.read().parquet(customers))
              .write()
              .mode(SaveMode.Overwrite)
              .parquet(dir.resolve("revenue_by_country").toString());
          awaitEvents(listener, 1);
          System.out.println("lineage events in " + events + ":");
          try {
            System.out.println(java.nio.file.Files.readString(events).strip());
          } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("Cannot read " + events, e);
          }
        });
  }
}
