package dev.advancedspark.part1.driver;

import dev.advancedspark.common.ExampleArgs;
import dev.advancedspark.common.Examples;
import dev.advancedspark.common.RunnableExample;
import dev.advancedspark.common.data.DataGenerators;
import dev.advancedspark.common.data.DataGenerators.OrdersSpec;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.NotSerializableException;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
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
 * everything it captures and runs inside an executor's task thread. Capturing a large object ships
 * it with every task; capturing an object that is not serializable fails the job ("Task not
 * serializable"); a broadcast variable ships a small handle and each executor fetches the value
 * once.
 *
 * <pre>
 * bin/run-example DriverVsExecutorsExample
 * bin/run-example DriverVsExecutorsExample --rows 1M --customers 100k
 * </pre>
 *
 * Expected output: the driver thread ("main") and the executor threads that ran the tasks
 * ("Executor task launch worker for task ..."); the serialized size of a closure capturing a lookup
 * map (megabytes) and of one capturing its broadcast handle (hundreds of bytes), both giving the
 * same answer; and the "Task not serializable" failure explained.
 */
@RunnableExample("Driver vs executors: task threads, closure serialization, broadcast variables")
public final class DriverVsExecutorsExample {

  static final ExampleArgs ARGS =
      ExampleArgs.forExample("DriverVsExecutorsExample")
          .option("rows", "1000000", "orders to enrich")
          .option("customers", "100000", "entries of the customer -> country lookup");

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
   * The bytes Java serialization writes for {@code closure}: roughly what Spark's closure
   * serializer puts into every task that uses it.
   */
  public static long closureBytes(Serializable closure) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(closure);
    } catch (NotSerializableException e) {
      throw new IllegalArgumentException(
          "The closure captures " + e.getMessage() + ", which is not Serializable", e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.size();
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

  public static void main(String[] args) {
    Examples.run(
        args,
        ARGS,
        "DriverVsExecutorsExample",
        (spark, opts) -> {
          Dataset<Row> orders =
              DataGenerators.orders(
                  spark,
                  OrdersSpec.of(opts.getLong("rows")).withCustomers(opts.getLong("customers")));

          Placement where = whereCodeRuns(orders);
          System.out.println("driver code ran in thread: " + where.driverThread());
          System.out.println("tasks ran in threads:");
          where.taskThreads().forEach(t -> System.out.println("  " + t));

          Map<Long, String> lookup = countryByCustomer(spark, opts.getLong("customers"));
          Broadcast<Map<Long, String>> handle = broadcast(spark, lookup);
          MapFunction<Row, String> heavy = capturingTheMap(lookup);
          MapFunction<Row, String> light = capturingABroadcast(handle);
          System.out.printf(
              "%nclosure capturing the %,d-entry map: %,d bytes in every task%n",
              lookup.size(), closureBytes(heavy));
          System.out.printf(
              "closure capturing the broadcast handle: %,d bytes%n", closureBytes(light));
          System.out.printf(
              "orders from DE: %,d (map in closure) / %,d (broadcast)%n",
              ordersFrom(countriesOf(orders, heavy), "DE"),
              ordersFrom(countriesOf(orders, light), "DE"));
          handle.destroy();

          try {
            countriesViaService(orders, new CountryService(lookup)).count();
          } catch (Exception e) { // SparkException is checked, but Scala throws it undeclared
            Throwable root = e;
            while (root.getCause() != null) {
              root = root.getCause();
            }
            System.out.printf(
                "%ncapturing a non-serializable driver object fails: %s%n  caused by %s: %s%n"
                    + "  fix: capture only serializable values (or a broadcast of them),"
                    + " or build the helper inside mapPartitions on the executor%n",
                e.getMessage().lines().findFirst().orElse(""),
                root.getClass().getSimpleName(),
                root.getMessage().lines().findFirst().orElse(""));
          }
        });
  }
}
