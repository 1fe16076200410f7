package dev.advancedspark.part1.driver;

import dev.advancedspark.common.ExampleArgs;
import dev.advancedspark.common.Examples;
import dev.advancedspark.common.RunnableExample;
import dev.advancedspark.common.data.DataGenerators;
import dev.advancedspark.common.data.DataGenerators.OrdersSpec;
import java.io.NotSerializableException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FilterFunction;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * What runs on the driver and what on the executors. The driver runs {@code main}, plans queries
 * and schedules tasks; a lambda passed to {@code map} or {@code mapPartitions} is serialized with
 * everything it captures and runs inside an executor's task thread.
 *
 * <p>How it travels: for each stage the driver serializes the stage's RDD chain and functions once
 * into the <em>task binary</em> and ships it as a broadcast ({@code DAGScheduler}); each executor
 * fetches it once, and every task deserializes its own copy. A lambda that captures a large lookup
 * map makes the task binary large (Spark warns above 1000 KiB: "Broadcasting large task binary with
 * size ...") and every task rebuilds the map from those bytes. A broadcast variable keeps the task
 * binary small: it carries a handle, and each executor fetches and deserializes the value once and
 * shares it between its tasks. Capturing an object that is not serializable fails the job on the
 * driver ("Task not serializable").
 *
 * <pre>
 * bin/run-example DriverVsExecutorsExample
 * bin/run-example DriverVsExecutorsExample --rows 1M --customers 100k
 * </pre>
 *
 * Expected output: the driver thread ("main") and the executor threads that ran the tasks
 * ("Executor task launch worker for task ..."); the task binary Spark warned about for the closure
 * capturing the lookup map (megabytes) and none for the one capturing its broadcast handle, both
 * giving the same answer; and the "Task not serializable" failure explained.
 */
@RunnableExample("Driver vs executors: task threads, closure serialization, broadcast variables")
public final class DriverVsExecutorsExample {

  static final ExampleArgs ARGS =
      ExampleArgs.forExample("DriverVsExecutorsExample")
          .count("rows", "1000000", "orders to enrich")
          .count("customers", "100000", "entries of the customer -> country lookup");

  private DriverVsExecutorsExample() {}

  /** The thread that ran the driver code, and the distinct threads that ran the tasks. */
  public record Placement(String driverThread, List<String> taskThreads) {}

  /** Runs one task per partition of {@code ds}; each reports the thread it ran in. */
  public static Placement whereCodeRuns(Dataset<Row> ds) {
    String driver = Thread.currentThread().getName();
    List<String> tasks =
        ds.mapPartitions(
                (MapPartitionsFunction<Row, String>)
                    rows -> List.of(Thread.currentThread().getName()).iterator(),
                Encoders.STRING())
            .distinct()
            .collectAsList();
    return new Placement(driver, tasks);
  }

  /** A small dimension collected to the driver: fine, it is small by construction. */
  public static Map<Long, String> countryByCustomer(SparkSession spark, long customers) {
    Map<Long, String> lookup = new HashMap<>();
    for (Row r :
        DataGenerators.customers(spark, customers, 42L)
            .select("customer_id", "country")
            .collectAsList()) {
      lookup.put(r.getLong(0), r.getString(1));
    }
    return lookup;
  }

  /** Closure capturing the map itself: the whole map travels inside every task. */
  public static MapFunction<Row, String> capturingTheMap(Map<Long, String> lookup) {
    return row -> lookup.getOrDefault(row.getLong(0), "unknown");
  }

  /** Closure capturing a broadcast handle: each executor fetches the map once and caches it. */
  public static MapFunction<Row, String> capturingABroadcast(Broadcast<Map<Long, String>> lookup) {
    return row -> lookup.value().getOrDefault(row.getLong(0), "unknown");
  }

  public static Broadcast<Map<Long, String>> broadcast(SparkSession spark, Map<Long, String> m) {
    return JavaSparkContext.fromSparkContext(spark.sparkContext()).broadcast(m);
  }

  /** Countries of the orders' customers, computed on the executors with {@code fn}. */
  public static Dataset<String> countriesOf(Dataset<Row> orders, MapFunction<Row, String> fn) {
    return orders.select("customer_id").map(fn, Encoders.STRING());
  }

  /** How many orders went to customers of {@code country}: a tiny result for the driver. */
  public static long ordersFrom(Dataset<String> countries, String country) {
    return countries.filter((FilterFunction<String>) country::equals).count();
  }

  /**
   * The count of orders from {@code country}, computed with {@code fn}, and the large task binaries
   * Spark warned about while it ran (empty: every stage's task binary stayed under 1000 KiB).
   */
  public static TaskBinaryLog.Logged<Long> countWithTaskBinaries(
      Dataset<Row> orders, MapFunction<Row, String> fn, String country) {
    return TaskBinaryLog.capture(() -> ordersFrom(countriesOf(orders, fn), country));
  }

  /** A driver-side helper that is not Serializable: capturing it in a lambda fails the job. */
  public static final class CountryService {
    private final Map<Long, String> lookup;

    public CountryService(Map<Long, String> lookup) {
      this.lookup = lookup;
    }

    public String countryOf(long customerId) {
      return lookup.getOrDefault(customerId, "unknown");
    }
  }

  /** The mistake: a lambda that calls a non-serializable driver object from a task. */
  public static Dataset<String> countriesViaService(Dataset<Row> orders, CountryService service) {
    return countriesOf(orders, row -> service.countryOf(row.getLong(0)));
  }

  /**
   * The "Task not serializable" failure, as one line: Spark's message and the object at fault. Any
   * other failure is not the lesson and propagates.
   */
  public static String taskNotSerializable(Dataset<Row> orders, CountryService service) {
    try {
      countriesViaService(orders, service).count();
    } catch (Exception e) { // SparkException is checked, but Scala throws it undeclared
      Throwable root = e;
      while (root.getCause() != null && root.getCause() != root) {
        root = root.getCause();
      }
      String message = e.getMessage() == null ? "" : e.getMessage();
      if (!(root instanceof NotSerializableException)
          || !message.contains("Task not serializable")) {
        throw e;
      }
      return message.lines().findFirst().orElse("")
          + " (caused by NotSerializableException: "
          + root.getMessage().lines().findFirst().orElse("")
          + ")";
    }
    throw new IllegalStateException("capturing " + service + " was expected to fail the job");
  }

  /**
   * What the example shows.
   *
   * @param placement the driver thread and the task threads
   * @param lookupEntries entries of the customer -> country map
   * @param heavyTaskBinaries task binaries Spark warned about with the map captured, in bytes
   * @param lightTaskBinaries the same with the broadcast handle captured (expected: none)
   * @param ordersViaMap orders from DE counted with the captured map
   * @param ordersViaBroadcast the same with the broadcast
   * @param notSerializable the one-line "Task not serializable" failure
   */
  public record Lesson(
      Placement placement,
      int lookupEntries,
      List<Long> heavyTaskBinaries,
      List<Long> lightTaskBinaries,
      long ordersViaMap,
      long ordersViaBroadcast,
      String notSerializable) {}

  /** The lesson end to end, for {@code main} and the test. */
  public static Lesson lesson(SparkSession spark, long rows, long customers) {
    Dataset<Row> orders =
        DataGenerators.orders(spark, OrdersSpec.of(rows).withCustomers(customers));
    Placement where = whereCodeRuns(orders);
    Map<Long, String> lookup = countryByCustomer(spark, customers);
    Broadcast<Map<Long, String>> handle = broadcast(spark, lookup);
    try {
      TaskBinaryLog.Logged<Long> heavy =
          countWithTaskBinaries(orders, capturingTheMap(lookup), "DE");
      TaskBinaryLog.Logged<Long> light =
          countWithTaskBinaries(orders, capturingABroadcast(handle), "DE");
      return new Lesson(
          where,
          lookup.size(),
          heavy.largeTaskBinaries(),
          light.largeTaskBinaries(),
          heavy.result(),
          light.result(),
          taskNotSerializable(orders, new CountryService(lookup)));
    } finally {
      handle.destroy();
    }
  }

  public static void main(String[] args) {
    Examples.run(
        args,
        ARGS,
        (spark, opts) -> {
          Lesson l = lesson(spark, opts.getLong("rows"), opts.getLong("customers"));
          System.out.println("driver code ran in thread: " + l.placement().driverThread());
          System.out.println("tasks ran in threads:");
          l.placement().taskThreads().forEach(t -> System.out.println("  " + t));
          System.out.printf(
              "%nlambda capturing the %,d-entry map: Spark warned of task binaries of %s bytes"
                  + " (shipped once per stage, deserialized by every task)%n",
              l.lookupEntries(), l.heavyTaskBinaries());
          System.out.printf(
              "lambda capturing the broadcast handle: %s%n",
              l.lightTaskBinaries().isEmpty()
                  ? "no warning (every task binary under 1000 KiB)"
                  : "task binaries of " + l.lightTaskBinaries() + " bytes");
          System.out.printf(
              "orders from DE: %,d (map in closure) / %,d (broadcast)%n",
              l.ordersViaMap(), l.ordersViaBroadcast());
          System.out.printf(
              "%ncapturing a non-serializable driver object fails: %s%n"
                  + "  fix: capture only serializable values (or a broadcast of them),"
                  + " or build the helper inside mapPartitions on the executor%n",
              l.notSerializable());
        });
  }
}
