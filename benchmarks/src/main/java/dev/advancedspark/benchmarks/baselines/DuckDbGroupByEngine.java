package dev.advancedspark.benchmarks.baselines;

import dev.advancedspark.part1.engines.DuckDbEngine;
import java.nio.file.Path;

/**
 * The groupby questions on DuckDB, in process through JDBC, measured the way DuckDB's own
 * db-benchmark script measures them: the Parquet table is loaded into DuckDB's own (in-memory)
 * storage before timing, a run stores its answer with {@code CREATE TEMP TABLE ans AS ...}, and the
 * table is dropped after the run, outside the timed region. The embedded database is Part 1's
 * {@link DuckDbEngine}, the one the article's engine comparison runs. {@code threads}: the
 * benchmark passes the machine's cores, as db-benchmark does.
 */
public final class DuckDbGroupByEngine implements GroupByEngine {

  private final DuckDbEngine duckDb;
  private final int threads;
  private final Layout layout;
  private final long rows;

  public DuckDbGroupByEngine(Path parquet, Layout layout, int threads) {
    this.threads = threads;
    this.layout = layout;
    this.duckDb = new DuckDbEngine(threads);
    String columns =
        layout.stringKeys()
            ? "*"
            : "CAST(substr(id1, 3) AS INTEGER) AS id1, CAST(substr(id2, 3) AS INTEGER) AS id2,"
                + " CAST(substr(id3, 3) AS INTEGER) AS id3, id4, id5, id6, v1, v2, v3";
    try {
      duckDb.execute("SET enable_progress_bar = false");
      duckDb.execute(
          "CREATE TABLE x AS SELECT "
              + columns
              + " FROM read_parquet('"
              + GroupByData.duckDbGlob(parquet)
              + "')");
      rows = duckDb.query("SELECT count(*) FROM x", rs -> rs.getLong(1)).get(0);
      duckDb.execute("DROP TABLE IF EXISTS ans");
    } catch (RuntimeException e) {
      duckDb.close();
      throw new IllegalStateException("Cannot load " + parquet + " into DuckDB", e);
    }
  }

  // tag::duckdb-run[]
  @Override
  public Object run(Question q) {
    duckDb.execute("CREATE TEMP TABLE ans AS " + q.sql());
    return null;
  }

  @Override
  public void afterRun() {
    duckDb.execute("DROP TABLE IF EXISTS ans");
  }

  // end::duckdb-run[]

  /** The fingerprint of the table a timed run materialised. */
  @Override
  public Answer answer(Question q) {
    afterRun();
    run(q);
    try {
      return Answer.of(
          q, duckDb.query(Answer.sql(q, "ans", layout.stringKeys()), AnswerCheck::numbers).get(0));
    } finally {
      afterRun();
    }
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
  public Layout layout() {
    return layout;
  }

  @Override
  public void verify() {
    long actual = duckDb.threads();
    if (actual != threads) {
      throw new IllegalStateException(
          "DuckDB runs " + actual + " threads, the benchmark asked for " + threads);
    }
    String type = duckDb.query("SELECT typeof(id1) FROM x LIMIT 1", rs -> rs.getString(1)).get(0);
    if (type.equals("VARCHAR") != layout.stringKeys()) {
      throw new IllegalStateException(
          "DuckDB's id1 is " + type + ", layout " + layout.label() + " expected");
    }
  }

  /** DuckDB's version, for the output. */
  public String version() {
    return duckDb.version();
  }

  @Override
  public void close() {
    duckDb.close();
  }
}
