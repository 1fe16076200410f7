package dev.advancedspark.part5.integration;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.sum;

import dev.advancedspark.common.ExampleArgs;
import dev.advancedspark.common.Examples;
import dev.advancedspark.common.RunnableExample;
import dev.advancedspark.common.SparkSessions;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;

/**
 * Spark and PostgreSQL over JDBC, against a real server ({@link LocalPostgres}): a partitioned
 * parallel read (one query, and one task, per range of {@code partitionColumn}), filters and
 * aggregates pushed down into the SQL the server receives, batched transactional writes, and an
 * idempotent upsert through a staging table and {@code INSERT ... ON CONFLICT}.
 *
 * <pre>
 * bin/run-example JdbcExample
 * </pre>
 *
 * Expected output: 4 tasks for a read with {@code numPartitions=4} and the four range queries the
 * server logged; the pushed filter and aggregate in the plan and the server's {@code WHERE} and
 * {@code GROUP BY}; the target table with the same row count after the upsert ran twice.
 */
@RunnableExample("Integration: PostgreSQL over JDBC: partitioned reads, pushdown, upsert")
public final class JdbcExample {

  static final ExampleArgs ARGS =
      ExampleArgs.forTool("JdbcExample")
          .count("rows", "10000", "orders written to PostgreSQL")
          .option("dir", "target/part5/postgres", "folder for the server's files");

  private JdbcExample() {}

  /** Connection properties for Spark's JDBC source: user, driver, connect timeout. */
  public static Properties props(LocalPostgres pg) {
    Properties p = pg.connectionProperties();
    p.setProperty("driver", "org.postgresql.Driver");
    return p;
  }

  // tag::partitioned-read[]
  /**
   * {@code table} read by {@code numPartitions} parallel queries, each over a stride of {@code
   * column} between {@code lower} and {@code upper}. The bounds only cut the strides: rows outside
   * them are still read (by the first and last query), not filtered.
   */
  public static Dataset<Row> partitionedRead(
      SparkSession spark,
      String url,
      Properties props,
      String table,
      String column,
      long lower,
      long upper,
      int numPartitions) {
    return spark.read().jdbc(url, table, column, lower, upper, numPartitions, props);
  }

  // end::partitioned-read[]

  // tag::pushdown[]
  /**
   * Registers PostgreSQL as the catalog {@code name} (DataSource V2): {@code spark.table(name +
   * ".public.orders")}. Aggregate pushdown needs this path; {@code spark.read().jdbc(...)} (V1)
   * pushes filters and columns only.
   */
  public static void registerCatalog(SparkSession spark, String name, LocalPostgres pg) {
    String prefix = "spark.sql.catalog." + name;
    spark.conf().set(prefix, "org.apache.spark.sql.execution.datasources.v2.jdbc.JDBCTableCatalog");
    spark.conf().set(prefix + ".url", pg.jdbcUrl());
    spark.conf().set(prefix + ".driver", "org.postgresql.Driver");
    spark.conf().set(prefix + ".user", LocalPostgres.USER);
    spark.conf().set(prefix + ".pushDownAggregate", "true"); // off by default
  }

  /** Revenue per country of the orders above {@code minAmount}. */
  public static Dataset<Row> bigOrderRevenueByCountry(Dataset<Row> orders, double minAmount) {
    return orders
        .where(col("amount").gt(minAmount))
        .groupBy("country")
        .agg(sum("amount").as("revenue"));
  }

  // end::pushdown[]

  // tag::batch-write[]
  /**
   * Appends {@code rows} to {@code table}: each partition in one transaction at {@code
   * isolationLevel}, inserts sent {@code batchSize} at a time.
   */
  public static void batchWrite(
      Dataset<Row> rows,
      String url,
      Properties props,
      String table,
      SaveMode mode,
      int batchSize,
      String isolationLevel) {
    rows.write()
        .mode(mode)
        .option("batchsize", batchSize)
        .option("isolationLevel", isolationLevel)
        .option("truncate", "true") // Overwrite keeps the table (and its keys), empties it
        .jdbc(url, table, props);
  }

  // end::batch-write[]

  // tag::upsert[]
  /**
   * Idempotent upsert of {@code batch} into {@code target} (primary key {@code id}): the batch
   * replaces a staging table, then one statement merges it in one transaction. Running it twice
   * with the same batch leaves the same rows; a retried Spark job cannot duplicate anything.
   *
   * @return rows inserted or updated by the merge
   */
  public static int upsert(Dataset<Row> batch, LocalPostgres pg, String target, String staging)
      throws SQLException {
    batchWrite(batch, pg.jdbcUrl(), props(pg), staging, SaveMode.Overwrite, 1000, "READ_COMMITTED");
    String[] cols = batch.columns();
    StringBuilder set = new StringBuilder();
    for (String c : cols) {
      if (!c.equals("id")) {
        set.append(set.isEmpty() ? "" : ", ").append(c).append(" = EXCLUDED.").append(c);
      }
    }
    String sql =
        "INSERT INTO "
            + target
            + " ("
            + String.join(", ", cols)
            + ") SELECT "
            + String.join(", ", cols)
            + " FROM "
            + staging
            + " ON CONFLICT (id) DO UPDATE SET "
            + set;
    try (Connection c = pg.connect()) {
      c.setAutoCommit(false);
      try (Statement s = c.createStatement()) {
        int n = s.executeUpdate(sql);
        c.commit();
        return n;
      } catch (SQLException e) {
        c.rollback();
        throw e;
      }
    }
  }

  // end::upsert[]

  /** {@code n} orders with ids 1..n over five countries. */
  public static Dataset<Row> orders(SparkSession spark, long n) {
    return spark
        .range(1, n + 1, 1, 2)
        .selectExpr(
            "id",
            "element_at(array('DE', 'FR', 'GB', 'PT', 'US'), cast(id % 5 + 1 as int)) AS country",
            "cast((id * 37) % 1000 as double) AS amount");
  }

  /** Creates {@code orders} (primary key id) in the server. */
  public static void createOrdersTable(LocalPostgres pg, String name) throws SQLException {
    try (Connection c = pg.connect();
        Statement s = c.createStatement()) {
      s.execute("DROP TABLE IF EXISTS " + name);
      s.execute(
          "CREATE TABLE "
              + name
              + " (id BIGINT PRIMARY KEY, country TEXT NOT NULL, amount DOUBLE PRECISION)");
    }
  }

  /**
   * The first line of what a read against {@code url} reports when the server is not there, within
   * {@code deadline}: e.g. "Connection to 127.0.0.1:5 refused".
   */
  public static String unreachable(SparkSession spark, String url, Duration deadline) {
    Properties p = new Properties();
    p.setProperty("user", LocalPostgres.USER);
    p.setProperty("driver", "org.postgresql.Driver");
    p.setProperty("connectTimeout", String.valueOf(Math.max(1, deadline.toSeconds())));
    try {
      spark.read().jdbc(url, "orders", p).schema();
      return null;
    } catch (Exception e) {
      Throwable t = e;
      while (t.getCause() != null && !(t instanceof SQLException)) {
        t = t.getCause();
      }
      String msg = t.getMessage() == null ? t.toString() : t.getMessage();
      return msg.lines().findFirst().orElse(msg);
    }
  }

  /** The walk-through of {@code main}: a server under {@code dir}, then each lesson printed. */
  static void walkThrough(ExampleArgs.Parsed opts) {
    try {
      walkThrough(opts.getPositiveLong("rows"), Path.of(opts.get("dir")));
    } catch (SQLException | IOException e) {
      // Examples.runTool prints the message, without a stack trace, and exits with 1.
      throw new IllegalStateException(e.getMessage(), e);
    }
  }

  private static void walkThrough(long n, Path dir) throws SQLException, IOException {
    try (LocalPostgres pg = LocalPostgres.start(dir, Duration.ofMinutes(2))) {
      SparkSession spark = SparkSessions.forExample(SparkSessions.Settings.local("JdbcExample"));
      try {
        String url = pg.jdbcUrl();
        createOrdersTable(pg, "orders");
        batchWrite(
            orders(spark, n), url, props(pg), "orders", SaveMode.Append, 1000, "READ_COMMITTED");
        Dataset<Row> read = partitionedRead(spark, url, props(pg), "orders", "id", 1, n + 1, 4);
        System.out.printf(
            "partitioned read: %d rows in %d partitions%n",
            read.count(), read.rdd().getNumPartitions());
        pg.statements().stream()
            .filter(s -> s.contains("FROM orders WHERE"))
            .forEach(s -> System.out.println("  server: " + s));
        registerCatalog(spark, "pg", pg);
        Dataset<Row> revenue = bigOrderRevenueByCountry(spark.table("pg.public.orders"), 900);
        revenue.orderBy("country").show();
        System.out.println(revenue.queryExecution().executedPlan().toString());
        pg.statements().stream()
            .filter(s -> s.contains("GROUP BY"))
            .forEach(s -> System.out.println("  server: " + s));
        createOrdersTable(pg, "orders_target");
        Dataset<Row> batch = orders(spark, 100);
        System.out.println(
            "upsert 1: " + upsert(batch, pg, "orders_target", "orders_staging") + " rows");
        System.out.println(
            "upsert 2: " + upsert(batch, pg, "orders_target", "orders_staging") + " rows");
        System.out.println(
            "orders_target: "
                + spark.read().jdbc(url, "orders_target", props(pg)).count()
                + " rows");
        System.out.println(
            "closed port: "
                + unreachable(
                    spark,
                    "jdbc:postgresql://127.0.0.1:" + LocalPostgres.freePort() + "/postgres",
                    Duration.ofSeconds(5)));
      } finally {
        spark.stop();
      }
    }
  }

  public static void main(String[] args) {
    Examples.runTool(args, ARGS, JdbcExample::walkThrough);
  }
}
