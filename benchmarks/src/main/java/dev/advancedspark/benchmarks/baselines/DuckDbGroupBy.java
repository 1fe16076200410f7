package dev.advancedspark.benchmarks.baselines;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The groupby questions on DuckDB, in process through JDBC, with {@code threads} threads: the
 * Parquet table is loaded into a DuckDB table (string keys, as generated) before timing; a run
 * stores the answer in a temporary table, as db-benchmark does.
 */
public final class DuckDbGroupBy implements GroupByEngine {

  private final Connection connection;
  private final int threads;
  private final long rows;

  public DuckDbGroupBy(Path parquet, int threads) {
    this.threads = threads;
    try {
      connection = DriverManager.getConnection("jdbc:duckdb:");
      try (Statement st = connection.createStatement()) {
        st.execute("SET threads = " + threads);
        st.execute(
            "CREATE TABLE x AS SELECT * FROM read_parquet('"
                + GroupByData.duckDbGlob(parquet)
                + "')");
        try (ResultSet rs = st.executeQuery("SELECT count(*) FROM x")) {
          rs.next();
          rows = rs.getLong(1);
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException("Cannot load " + parquet + " into DuckDB", e);
    }
  }

  @Override
  public Object run(Question q) {
    try (Statement st = connection.createStatement()) {
      st.execute("CREATE OR REPLACE TEMP TABLE ans AS " + q.sql());
      return null;
    } catch (SQLException e) {
      throw new IllegalStateException(q + " failed on DuckDB", e);
    }
  }

  @Override
  public Answer answer(Question q) {
    Map<String, double[]> groups = new LinkedHashMap<>();
    try (Statement st = connection.createStatement();
        ResultSet rs = st.executeQuery(q.sql())) {
      int columns = rs.getMetaData().getColumnCount();
      while (rs.next()) {
        List<String> key = new ArrayList<>();
        for (int i = 1; i <= q.keyColumns(); i++) {
          key.add(rs.getString(i));
        }
        double[] values = new double[columns - q.keyColumns()];
        for (int i = 0; i < values.length; i++) {
          values[i] = rs.getDouble(q.keyColumns() + 1 + i);
        }
        groups.put(String.join("|", key), values);
      }
    } catch (SQLException e) {
      throw new IllegalStateException(q + " failed on DuckDB", e);
    }
    return Answer.of(groups);
  }

  @Override
  public long rows() {
    return rows;
  }

  @Override
  public String name() {
    return "duckdb";
  }

  @Override
  public void verify() {
    try (Statement st = connection.createStatement();
        ResultSet rs = st.executeQuery("SELECT current_setting('threads')")) {
      rs.next();
      long actual = rs.getLong(1);
      if (actual != threads) {
        throw new IllegalStateException(
            "DuckDB runs " + actual + " threads, the benchmark asked for " + threads);
      }
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
