package dev.advancedspark.benchmarks.baselines;

/**
 * The db-benchmark groupby questions 1 to 5, as SQL over table {@code x} (id1..id6, v1..v3). Every
 * engine answers the same question; {@link Answer} compares the results.
 */
public enum Question {
  Q1("SELECT id1, sum(v1) AS v1 FROM x GROUP BY id1", 1),
  Q2("SELECT id1, id2, sum(v1) AS v1 FROM x GROUP BY id1, id2", 2),
  Q3("SELECT id3, sum(v1) AS v1, avg(v3) AS v3 FROM x GROUP BY id3", 1),
  Q4("SELECT id4, avg(v1) AS v1, avg(v2) AS v2, avg(v3) AS v3 FROM x GROUP BY id4", 1),
  Q5("SELECT id6, sum(v1) AS v1, sum(v2) AS v2, sum(v3) AS v3 FROM x GROUP BY id6", 1);

  private final String sql;
  private final int keyColumns;

  Question(String sql, int keyColumns) {
    this.sql = sql;
    this.keyColumns = keyColumns;
  }

  public String sql() {
    return sql;
  }

  /** How many leading result columns form the group key. */
  public int keyColumns() {
    return keyColumns;
  }
}
