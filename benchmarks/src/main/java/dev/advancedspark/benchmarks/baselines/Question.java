package dev.advancedspark.benchmarks.baselines;

import java.util.List;
import java.util.Locale;

/**
 * The ten db-benchmark groupby questions (h2oai/db-benchmark, as DuckDB Labs runs it), as SQL over
 * table {@code x} (id1..id6, v1..v3) that Spark SQL and DuckDB both accept. q1-q5 are the
 * benchmark's "basic" questions, q6-q10 its "advanced" ones. Every engine answers the same
 * question; {@link Answer} fingerprints the results so they can be compared.
 *
 * <p>Two details differ from db-benchmark's DuckDB script, both so that one SQL text serves every
 * engine: q6 uses {@code median} (DuckDB's {@code quantile_cont(v3, 0.5)}, Spark's exact {@code
 * percentile}; the same value), and q8 uses db-benchmark's portable window form (its DuckDB script
 * uses {@code array_agg}).
 */
public enum Question {
  Q1("SELECT id1, sum(v1) AS v1 FROM x GROUP BY id1", List.of("id1"), List.of("v1")),
  Q2(
      "SELECT id1, id2, sum(v1) AS v1 FROM x GROUP BY id1, id2",
      List.of("id1", "id2"),
      List.of("v1")),
  Q3(
      "SELECT id3, sum(v1) AS v1, avg(v3) AS v3 FROM x GROUP BY id3",
      List.of("id3"),
      List.of("v1", "v3")),
  Q4(
      "SELECT id4, avg(v1) AS v1, avg(v2) AS v2, avg(v3) AS v3 FROM x GROUP BY id4",
      List.of("id4"),
      List.of("v1", "v2", "v3")),
  Q5(
      "SELECT id6, sum(v1) AS v1, sum(v2) AS v2, sum(v3) AS v3 FROM x GROUP BY id6",
      List.of("id6"),
      List.of("v1", "v2", "v3")),
  Q6(
      "SELECT id4, id5, median(v3) AS median_v3, stddev(v3) AS sd_v3 FROM x GROUP BY id4, id5",
      List.of("id4", "id5"),
      List.of("median_v3", "sd_v3")),
  Q7(
      "SELECT id3, max(v1) - min(v2) AS range_v1_v2 FROM x GROUP BY id3",
      List.of("id3"),
      List.of("range_v1_v2")),
  Q8(
      "SELECT id6, largest2_v3 FROM (SELECT id6, v3 AS largest2_v3, row_number() OVER"
          + " (PARTITION BY id6 ORDER BY v3 DESC) AS order_v3 FROM x WHERE v3 IS NOT NULL)"
          + " sub_query WHERE order_v3 <= 2",
      List.of("id6"),
      List.of("largest2_v3")),
  Q9(
      "SELECT id2, id4, pow(corr(v1, v2), 2) AS r2 FROM x GROUP BY id2, id4",
      List.of("id2", "id4"),
      List.of("r2")),
  Q10(
      "SELECT id1, id2, id3, id4, id5, id6, sum(v3) AS v3, count(*) AS count FROM x"
          + " GROUP BY id1, id2, id3, id4, id5, id6",
      List.of("id1", "id2", "id3", "id4", "id5", "id6"),
      List.of("v3", "count"));

  /** db-benchmark's two groups of questions, reported as two geometric means. */
  public enum Group {
    BASIC,
    ADVANCED
  }

  private final String sql;
  private final List<String> keys;
  private final List<String> values;

  Question(String sql, List<String> keys, List<String> values) {
    this.sql = sql;
    this.keys = keys;
    this.values = values;
  }

  public String sql() {
    return sql;
  }

  /** The result's key columns, in order (they lead the result). */
  public List<String> keys() {
    return keys;
  }

  /** The result's value columns, after the keys. */
  public List<String> valueColumns() {
    return values;
  }

  /** How many leading result columns form the group key. */
  public int keyColumns() {
    return keys.size();
  }

  /** q1-q5: basic, q6-q10: advanced. */
  public Group group() {
    return ordinal() < 5 ? Group.BASIC : Group.ADVANCED;
  }

  /** The name of the JMH method that times this question ({@code q1} ... {@code q10}). */
  public String method() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * The question a JMH benchmark name ends with ({@code ...GroupByBenchmark.q7} -> Q7), for set-up
   * and for reports that group questions.
   */
  public static Question ofMethod(String benchmark) {
    String method = benchmark.substring(benchmark.lastIndexOf('.') + 1);
    for (Question q : values()) {
      if (q.method().equals(method)) {
        return q;
      }
    }
    throw new IllegalArgumentException("no groupby question is timed by " + benchmark);
  }
}
