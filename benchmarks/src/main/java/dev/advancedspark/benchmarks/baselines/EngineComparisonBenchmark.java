package dev.advancedspark.benchmarks.baselines;

import dev.advancedspark.benchmarks.SparkBenchmark;
import dev.advancedspark.part1.engines.DuckDbEngine;
import dev.advancedspark.part1.engines.EngineComparisonExample;
import dev.advancedspark.part1.engines.EngineComparisonExample.Tables;
import dev.advancedspark.part1.engines.SingleThreadEngine;
import dev.advancedspark.part1.engines.SparkEngine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Part 1's engine comparison under JMH: the article's own code ({@link SparkEngine}, {@link
 * DuckDbEngine}, {@link SingleThreadEngine} of {@code part1-architecture}) answering its two
 * questions, the top customers by revenue (an aggregation) and orders and revenue per country (a
 * join), on the same Parquet files. {@code EngineComparisonExample} prints quick medians of the
 * same calls; this suite gives them JMH's warm-up, forks and error bars.
 *
 * <p>Spark reads the Parquet files on each run; DuckDB reads them with {@code read_parquet} on each
 * run (2 threads, as {@code local[2]}); the single Java thread works on arrays loaded once before
 * timing (the COST baseline: computation only). The files are written once under {@code
 * target/bench-work} and reused.
 */
@State(Scope.Benchmark)
public class EngineComparisonBenchmark extends SparkBenchmark {

  /** DuckDB's threads: the two cores {@code local[2]} gets. */
  static final int DUCKDB_THREADS = 2;

  /** The article's two questions. */
  public enum Query {
    TOP_CUSTOMERS,
    REVENUE_BY_COUNTRY
  }

  @Param({"spark", "duckdb", "java"})
  public String engine;

  @Param({"1000000"})
  public long rows;

  @Param({"100000"})
  public long customers;

  private Tables tables;
  private DuckDbEngine duckDb;
  private SingleThreadEngine.Columns columns;

  @Setup
  public void setUp() {
    startSpark("EngineComparisonBenchmark", Map.of());
    tables = tables(spark, rows, customers, WORK.resolve("engines-" + rows + "-" + customers));
    switch (engine) {
      case "spark" -> {}
      case "duckdb" -> {
        duckDb = new DuckDbEngine(DUCKDB_THREADS);
        // DuckDB needs no Spark: do not let an idle session share the cores.
        stopSpark();
      }
      case "java" -> {
        columns = SingleThreadEngine.load(spark, tables.orders(), tables.customers(), rows);
        stopSpark();
      }
      default -> throw new IllegalArgumentException("unknown engine " + engine);
    }
  }

  /** The tables under {@code dir}, written by Part 1's example unless a previous trial did. */
  static Tables tables(SparkSession spark, long rows, long customers, Path dir) {
    Tables t = new Tables(dir.resolve("orders"), dir.resolve("customers"));
    if (Files.exists(t.orders().resolve("_SUCCESS"))
        && Files.exists(t.customers().resolve("_SUCCESS"))) {
      return t;
    }
    return EngineComparisonExample.writeTables(spark, rows, customers, dir);
  }

  @Benchmark
  public List<?> topCustomers() {
    return run(engine, Query.TOP_CUSTOMERS, spark, tables, duckDb, columns);
  }

  @Benchmark
  public List<?> revenueByCountry() {
    return run(engine, Query.REVENUE_BY_COUNTRY, spark, tables, duckDb, columns);
  }

  /** One question on one engine: the same calls as {@code EngineComparisonExample}. */
  static List<?> run(
      String engine,
      Query q,
      SparkSession spark,
      Tables t,
      DuckDbEngine duckDb,
      SingleThreadEngine.Columns columns) {
    return switch (engine) {
      case "spark" ->
          q == Query.TOP_CUSTOMERS
              ? SparkEngine.topCustomers(spark, t.orders())
              : SparkEngine.revenueByCountry(spark, t.orders(), t.customers());
      case "duckdb" ->
          q == Query.TOP_CUSTOMERS
              ? duckDb.topCustomers(t.orders())
              : duckDb.revenueByCountry(t.orders(), t.customers());
      case "java" ->
          q == Query.TOP_CUSTOMERS
              ? SingleThreadEngine.topCustomers(columns)
              : SingleThreadEngine.revenueByCountry(columns);
      default -> throw new IllegalArgumentException("unknown engine " + engine);
    };
  }

  @Override
  protected void beforeStop() {
    if (duckDb != null) {
      duckDb.close();
      duckDb = null;
    }
  }
}
