package dev.advancedspark.benchmarks.baselines;

import dev.advancedspark.part1.engines.DuckDbEngine;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The groupby questions on DuckDB, in process through JDBC, with {@code threads} threads: the
 * Parquet table is loaded into a DuckDB table (string keys, as generated) before timing; a run
 * stores the answer in a temporary table, as db-benchmark does. The embedded database is Part 1's
 * {@link DuckDbEngine}, the one the article's engine comparison runs.
 */
public final class DuckDbGroupByEngine implements GroupByEngine {

  private final DuckDbEngine duckDb;
  private final int threads;
  private final long rows;

  public DuckDbGroupByEngine(Path parquet, int threads) {
    this.threads = threads;
    this.duckDb = new DuckDbEngine(threads);
    try {
      duckDb.execute(
          "CREATE TABLE x AS SELECT * FROM read_parquet('"
              + GroupByData.duckDbGlob(parquet)
              + "')");
      rows = duckDb.query("SELECT count(*) FROM x", rs -> rs.getLong(1)).get(0);
    } catch (RuntimeException e) {
      duckDb.close();
      throw new IllegalStateException("Cannot load " + parquet + " into DuckDB", e);
    }
  }

  @Override
  public Object run(Question q) {
    duckDb.execute("CREATE OR REPLACE TEMP TABLE ans AS " + q.sql());
    return null;
  }

  @Override
  public Answer answer(Question q) {
    Map<String, double[]> groups = new LinkedHashMap<>();
    duckDb.query(
        q.sql(),
        rs -> {
          int columns = rs.getMetaData().getColumnCount();
          List<String> key = new ArrayList<>();
          for (int i = 1; i <= q.keyColumns(); i++) {
            key.add(rs.getString(i));
          }
          double[] values = new double[columns - q.keyColumns()];
          for (int i = 0; i < values.length; i++) {
            values[i] = rs.getDouble(q.keyColumns() + 1 + i);
          }
          groups.put(String.join("|", key), values);
          return key;
        });
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
    long actual = duckDb.threads();
    if (actual != threads) {
      throw new IllegalStateException(
          "DuckDB runs " + actual + " threads, the benchmark asked for " + threads);
    }
  }

  @Override
  public void close() {
    duckDb.close();
  }
}
