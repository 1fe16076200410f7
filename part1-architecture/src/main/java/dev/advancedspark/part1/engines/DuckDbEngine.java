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
    String sql =
        "SELECT customer_id, count(*) AS orders, CAST(sum(quantity) AS BIGINT) AS quantity,"
            + " sum(amount) AS revenue FROM "
            + parquetGlob(orders)
            + " GROUP BY customer_id ORDER BY revenue DESC, customer_id LIMIT "
            + Answers.TOP;
    List<TopCustomer> out = new ArrayList<>();
    try (Statement s = connection.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      while (rs.next()) {
        out.add(new TopCustomer(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getDouble(4)));
      }
    } catch (SQLException e) {
      throw new IllegalStateException("DuckDB query failed: " + e.getMessage(), e);
    }
    return out;
  }

  public List<CountryRevenue> revenueByCountry(Path orders, Path customers) {
    String sql =
        "SELECT c.country, count(*) AS orders, sum(o.amount) AS revenue FROM "
            + parquetGlob(orders)
            + " o JOIN "
            + parquetGlob(customers)
            + " c ON o.customer_id = c.customer_id GROUP BY c.country ORDER BY c.country";
    List<CountryRevenue> out = new ArrayList<>();
    try (Statement s = connection.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      while (rs.next()) {
        out.add(new CountryRevenue(rs.getString(1), rs.getLong(2), rs.getDouble(3)));
      }
    } catch (SQLException e) {
      throw new IllegalStateException("DuckDB query failed: " + e.getMessage(), e);
    }
    return out;
  }

  /** DuckDB's version string, for the output. */
  public String version() {
    try (Statement s = connection.createStatement();
        ResultSet rs = s.executeQuery("SELECT version()")) {
      rs.next();
      return rs.getString(1);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
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
