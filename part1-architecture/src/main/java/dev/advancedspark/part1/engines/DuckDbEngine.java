package dev.advancedspark.part1.engines;

import dev.advancedspark.part1.engines.Answers.CountryRevenue;
import dev.advancedspark.part1.engines.Answers.TopCustomer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * The two queries in DuckDB, embedded in this JVM through JDBC, reading the same Parquet files with
 * {@code read_parquet}. No server, no cluster: one process, all cores.
 */
public final class DuckDbEngine implements AutoCloseable {

  private final Connection connection;

  /** An in-memory DuckDB database with {@code threads} worker threads. */
  public DuckDbEngine(int threads) {
    try {
      connection = DriverManager.getConnection("jdbc:duckdb:");
      try (Statement s = connection.createStatement()) {
        s.execute("SET threads TO " + threads);
        // Parquet support is built into the JDBC driver; never fetch extensions from the network.
        s.execute("SET autoinstall_known_extensions = false");
      }
    } catch (SQLException e) {
      throw new IllegalStateException("Cannot start embedded DuckDB: " + e.getMessage(), e);
    }
  }

  static String parquetGlob(Path dir) {
    return "read_parquet('" + dir.toAbsolutePath().toString().replace("'", "''") + "/*.parquet')";
  }

  public List<TopCustomer> topCustomers(Path orders) {
    return query(
        "SELECT customer_id, count(*) AS orders, CAST(sum(quantity) AS BIGINT) AS quantity,"
            + " sum(amount) AS revenue FROM "
            + parquetGlob(orders)
            + " GROUP BY customer_id ORDER BY revenue DESC, customer_id LIMIT "
            + Answers.TOP,
        rs -> new TopCustomer(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getDouble(4)));
  }

  public List<CountryRevenue> revenueByCountry(Path orders, Path customers) {
    return query(
        "SELECT c.country, count(*) AS orders, sum(o.amount) AS revenue FROM "
            + parquetGlob(orders)
            + " o JOIN "
            + parquetGlob(customers)
            + " c ON o.customer_id = c.customer_id GROUP BY c.country ORDER BY c.country",
        rs -> new CountryRevenue(rs.getString(1), rs.getLong(2), rs.getDouble(3)));
  }

  /** Reads one row of a result set (positioned on the row). */
  @FunctionalInterface
  public interface RowReader<T> {
    T read(ResultSet row) throws SQLException;
  }

  /** Runs a query and reads every row of its result. */
  public <T> List<T> query(String sql, RowReader<T> reader) {
    List<T> out = new ArrayList<>();
    try (Statement s = connection.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      while (rs.next()) {
        out.add(reader.read(rs));
      }
    } catch (SQLException e) {
      throw new IllegalStateException("DuckDB query failed: " + e.getMessage(), e);
    }
    return out;
  }

  /** Runs a statement that returns no rows ({@code CREATE TABLE ... AS ...}). */
  public void execute(String sql) {
    try (Statement s = connection.createStatement()) {
      s.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException("DuckDB statement failed: " + e.getMessage(), e);
    }
  }

  /** The worker threads DuckDB really uses (its {@code threads} setting). */
  public long threads() {
    return query("SELECT current_setting('threads')", rs -> rs.getLong(1)).get(0);
  }

  /** DuckDB's version string, for the output. */
  public String version() {
    return query("SELECT version()", rs -> rs.getString(1)).get(0);
  }

  @Override
  public void close() {
    try {
      connection.close();
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
