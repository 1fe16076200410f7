package dev.advancedspark.part1.engines;

import dev.advancedspark.common.ExampleArgs;
import dev.advancedspark.common.Examples;
import dev.advancedspark.common.RunnableExample;
import dev.advancedspark.common.SparkSessions;
import dev.advancedspark.common.UsageException;
import dev.advancedspark.common.data.DataFiles;
import dev.advancedspark.common.data.DataFiles.Format;
import dev.advancedspark.common.data.DataGenerators;
import dev.advancedspark.common.data.DataGenerators.OrdersSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import org.apache.spark.sql.SparkSession;

/**
 * When Spark makes sense: the same aggregation (top customers by revenue) and the same join
 * (revenue per customer country) over the same Parquet files, three ways: Spark {@code local[*]},
 * DuckDB embedded through JDBC, and one plain Java thread over primitive arrays (the COST
 * baseline). Spark pays for being distributed (tasks, shuffles, serialization) even on one machine;
 * below a machine's capacity a single-node engine is usually faster and simpler.
 *
 * <pre>
 * bin/run-example EngineComparisonExample
 * bin/run-example EngineComparisonExample --rows 10M --runs 5
 * </pre>
 *
 * Expected output: the data written, the time to load the arrays of the Java baseline (not part of
 * its timings), then for each query the median and best of {@code --runs} timed runs per engine
 * (after one warm-up), the ratios to DuckDB and to the Java thread, and "answers agree: yes".
 */
@RunnableExample("Spark vs DuckDB vs one Java thread: same aggregation and join, timed")
public final class EngineComparisonExample {

  static final ExampleArgs ARGS =
      ExampleArgs.forExample("EngineComparisonExample")
          .count("rows", "1000000", "orders")
          .count("customers", "100000", "customers (the aggregation's groups)")
          .count("runs", "3", "timed runs per engine and query, after one warm-up")
          .count("threads", "0", "DuckDB threads (0: all cores, like local[*])", 0);

  private static final String JAVA = "Java 1 thread";

  private EngineComparisonExample() {}

  /** Where the generated tables live. */
  public record Tables(Path orders, Path customers) {}

  /** Writes {@code rows} orders over {@code customers} customers, and the customers, to Parquet. */
  public static Tables writeTables(SparkSession spark, long rows, long customers, Path dir) {
    Path orders =
        DataFiles.write(
            DataGenerators.orders(spark, OrdersSpec.of(rows).withCustomers(customers)),
            Format.PARQUET,
            dir.resolve("orders"));
    Path cust =
        DataFiles.write(
            DataGenerators.customers(spark, customers, 42L),
            Format.PARQUET,
            dir.resolve("customers"));
    return new Tables(orders, cust);
  }

  public static Answers spark(SparkSession spark, Tables t) {
    return new Answers(
        SparkEngine.topCustomers(spark, t.orders()),
        SparkEngine.revenueByCountry(spark, t.orders(), t.customers()));
  }

  public static Answers duckDb(DuckDbEngine duck, Tables t) {
    return new Answers(
        duck.topCustomers(t.orders()), duck.revenueByCountry(t.orders(), t.customers()));
  }

  public static Answers singleThread(SingleThreadEngine.Columns c) {
    return new Answers(SingleThreadEngine.topCustomers(c), SingleThreadEngine.revenueByCountry(c));
  }

  /** Wall times of one query on one engine, in milliseconds. */
  public record Timing(String engine, String query, List<Double> millis) {
    public double median() {
      List<Double> sorted = millis.stream().sorted().toList();
      int n = sorted.size();
      return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    public double best() {
      return millis.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
    }
  }

  /** One untimed warm-up (JIT, code generation, file metadata), then {@code runs} timed runs. */
  public static Timing time(String engine, String query, int runs, Supplier<?> body) {
    body.get();
    List<Double> ms = new ArrayList<>();
    for (int i = 0; i < runs; i++) {
      long start = System.nanoTime();
      Object result = body.get();
      ms.add((System.nanoTime() - start) / 1e6);
      if (result == null) {
        throw new IllegalStateException(engine + " returned no result for " + query);
      }
    }
    return new Timing(engine, query, ms);
  }

  /**
   * What the example prints.
   *
   * @param tables the Parquet files every engine read
   * @param writeSeconds time to write them
   * @param loadSeconds time to load the Java baseline's arrays (not part of its timings)
   * @param engines one line naming the engines, their versions and threads
   * @param disagreement the first difference between the engines' answers, or null
   * @param timings the timed runs, per engine and query
   */
  public record Comparison(
      Tables tables,
      double writeSeconds,
      double loadSeconds,
      String engines,
      String disagreement,
      List<Timing> timings) {}

  /**
   * Writes the tables, checks that Spark, DuckDB ({@code threads} threads) and one Java thread give
   * the same answers, then times each engine on each query ({@code runs} runs after a warm-up).
   */
  public static Comparison compare(
      SparkSession spark, long rows, long customers, int runs, int threads, Path dir) {
    long t0 = System.nanoTime();
    Tables tables = writeTables(spark, rows, customers, dir);
    double writeSeconds = (System.nanoTime() - t0) / 1e9;
    t0 = System.nanoTime();
    SingleThreadEngine.Columns columns =
        SingleThreadEngine.load(spark, tables.orders(), tables.customers(), rows);
    double loadSeconds = (System.nanoTime() - t0) / 1e9;
    try (DuckDbEngine duck = new DuckDbEngine(threads)) {
      String engines =
          String.format(
              "engines: Spark %s %s | DuckDB %s, %d threads | Java %s, 1 thread | %d cores",
              spark.version(),
              spark.sparkContext().master(),
              duck.version(),
              threads,
              System.getProperty("java.version"),
              Runtime.getRuntime().availableProcessors());
      Answers fromSpark = spark(spark, tables);
      String diff = fromSpark.firstDifference(duckDb(duck, tables), 1e-9);
      if (diff == null) {
        diff = fromSpark.firstDifference(singleThread(columns), 1e-9);
      }
      List<Timing> timings = new ArrayList<>();
      timings.add(
          time(
              "Spark",
              "aggregation",
              runs,
              () -> SparkEngine.topCustomers(spark, tables.orders())));
      timings.add(time("DuckDB", "aggregation", runs, () -> duck.topCustomers(tables.orders())));
      timings.add(time(JAVA, "aggregation", runs, () -> SingleThreadEngine.topCustomers(columns)));
      timings.add(
          time(
              "Spark",
              "join",
              runs,
              () -> SparkEngine.revenueByCountry(spark, tables.orders(), tables.customers())));
      timings.add(
          time(
              "DuckDB",
              "join",
              runs,
              () -> duck.revenueByCountry(tables.orders(), tables.customers())));
      timings.add(time(JAVA, "join", runs, () -> SingleThreadEngine.revenueByCountry(columns)));
      return new Comparison(tables, writeSeconds, loadSeconds, engines, diff, timings);
    }
  }

  public static void main(String[] args) {
    Examples.run(
        args,
        ARGS,
        (spark, opts) -> {
          long rows = opts.getLong("rows");
          if (rows > Integer.MAX_VALUE) {
            throw new UsageException("Option '--rows' must be at most 2^31-1.", ARGS.usage());
          }
          int threads =
              opts.getInt("threads") > 0
                  ? opts.getInt("threads")
                  : Runtime.getRuntime().availableProcessors();
          Comparison c =
              compare(
                  spark,
                  rows,
                  opts.getLong("customers"),
                  opts.getInt("runs"),
                  threads,
                  SparkSessions.TARGET.resolve("engines").resolve("r" + rows));
          System.out.printf(
              Locale.ROOT,
              "wrote %,d orders and %,d customers to %s in %.1f s%n",
              rows,
              opts.getLong("customers"),
              c.tables().orders().getParent(),
              c.writeSeconds());
          System.out.printf(
              Locale.ROOT,
              "loaded the Java baseline's arrays through Spark in %.1f s (not timed below)%n",
              c.loadSeconds());
          System.out.println(c.engines());
          System.out.println(
              "answers agree: " + (c.disagreement() == null ? "yes" : "NO: " + c.disagreement()));
          print(c.timings());
        });
  }

  private static double median(List<Timing> timings, String query, String engine) {
    return timings.stream()
        .filter(o -> o.query().equals(query) && o.engine().equals(engine))
        .findFirst()
        .orElseThrow()
        .median();
  }

  private static void print(List<Timing> timings) {
    System.out.printf(
        "%n%-12s %-14s %12s %10s %10s %10s%n",
        "query", "engine", "median ms", "best ms", "x DuckDB", "x Java");
    for (Timing t : timings) {
      System.out.printf(
          Locale.ROOT,
          "%-12s %-14s %12.1f %10.1f %10.2f %10.1f%n",
          t.query(),
          t.engine(),
          t.median(),
          t.best(),
          t.median() / median(timings, t.query(), "DuckDB"),
          t.median() / median(timings, t.query(), JAVA));
    }
  }
}
