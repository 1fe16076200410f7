package dev.advancedspark.benchmarks.baselines;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;

/**
 * A question's result reduced to a fingerprint that every engine computes the same way, at any size
 * (even q10's ten million groups): the number of result rows; per key column the sum of the key
 * numbers ({@code "id042"} and the int-coded 42 both count 42) and the sum of their squares; per
 * value column the sum of its finite values, the same sum weighted by a number made of the row's
 * keys (a plain sum over groups of {@code sum(v1)} is the grand total however the rows were
 * grouped: the weighted one is not), and the number of missing values (NULL or NaN: Spark and
 * DuckDB disagree on which one a correlation over a constant column is).
 *
 * <p>Spark and DuckDB compute it in SQL over their result ({@link #sql}), the Java engines from
 * their arrays ({@link Builder}); {@link #firstDifference} compares two fingerprints, exactly for
 * counts and key sums, within a relative tolerance for floating-point sums (engines add in
 * different orders).
 */
public record Answer(
    long rows,
    long[] keySums,
    double[] keySquares,
    double[] valueSums,
    double[] weightedSums,
    long[] missing) {

  /** The relative tolerance the benchmark's answer check uses for floating-point sums. */
  public static final double TOLERANCE = 1e-9;

  /**
   * The SQL that fingerprints {@code relation} (a table name or a parenthesised query) holding the
   * answer to {@code q}; {@code stringKeys}: id1..id3 are strings (layout {@code string}).
   */
  public static String sql(Question q, String relation, boolean stringKeys) {
    List<String> cols = new ArrayList<>();
    cols.add("count(*)");
    StringBuilder weight = new StringBuilder("1.0");
    for (int j = 0; j < q.keyColumns(); j++) {
      String k = q.keys().get(j);
      boolean text = stringKeys && List.of("id1", "id2", "id3").contains(k);
      String n = text ? "CAST(substr(" + k + ", 3) AS BIGINT)" : "CAST(" + k + " AS BIGINT)";
      cols.add("sum(" + n + ")");
      cols.add("sum(CAST(" + n + " AS DOUBLE) * " + n + ")");
      weight.append(" + ").append(j + 1).append(".0 * ").append(n);
    }
    for (String v : q.valueColumns()) {
      String missing = v + " IS NULL OR isnan(CAST(" + v + " AS DOUBLE))";
      String value = "CAST(" + v + " AS DOUBLE)";
      cols.add("sum(CASE WHEN " + missing + " THEN 0.0 ELSE " + value + " END)");
      cols.add("sum(CASE WHEN " + missing + " THEN 0.0 ELSE " + value + " * (" + weight + ") END)");
      cols.add("sum(CASE WHEN " + missing + " THEN 1 ELSE 0 END)");
    }
    return "SELECT " + String.join(", ", cols) + " FROM " + relation + " fingerprint";
  }

  /** The fingerprint from the one row of {@link #sql}'s result, as numbers (NULL: no rows). */
  public static Answer of(Question q, List<? extends Number> row) {
    int i = 0;
    long rows = asLong(row.get(i++));
    long[] keySums = new long[q.keyColumns()];
    double[] keySquares = new double[q.keyColumns()];
    for (int k = 0; k < keySums.length; k++) {
      keySums[k] = asLong(row.get(i++));
      keySquares[k] = asDouble(row.get(i++));
    }
    double[] valueSums = new double[q.valueColumns().size()];
    double[] weightedSums = new double[valueSums.length];
    long[] missing = new long[valueSums.length];
    for (int v = 0; v < valueSums.length; v++) {
      valueSums[v] = asDouble(row.get(i++));
      weightedSums[v] = asDouble(row.get(i++));
      missing[v] = asLong(row.get(i++));
    }
    return new Answer(rows, keySums, keySquares, valueSums, weightedSums, missing);
  }

  private static long asLong(Number n) {
    return n == null ? 0 : n.longValue();
  }

  private static double asDouble(Number n) {
    return n == null ? 0 : n.doubleValue();
  }

  /** Builds a fingerprint row by row, for engines that hold their result in arrays. */
  public static final class Builder {
    private long rows;
    private final long[] keySums;
    private final double[] keySquares;
    private final double[] valueSums;
    private final double[] weightedSums;
    private final long[] missing;

    public Builder(Question q) {
      keySums = new long[q.keyColumns()];
      keySquares = new double[q.keyColumns()];
      valueSums = new double[q.valueColumns().size()];
      weightedSums = new double[valueSums.length];
      missing = new long[valueSums.length];
    }

    /** One result row: its key numbers and its values (NaN: missing). */
    public Builder row(long[] keys, double[] values) {
      rows++;
      double weight = 1.0;
      for (int k = 0; k < keys.length; k++) {
        keySums[k] += keys[k];
        keySquares[k] += (double) keys[k] * keys[k];
        weight += (k + 1.0) * keys[k];
      }
      for (int v = 0; v < values.length; v++) {
        if (Double.isNaN(values[v]) || Double.isInfinite(values[v])) {
          missing[v]++;
        } else {
          valueSums[v] += values[v];
          weightedSums[v] += values[v] * weight;
        }
      }
      return this;
    }

    public Answer build() {
      return new Answer(rows, keySums, keySquares, valueSums, weightedSums, missing);
    }
  }

  /**
   * The first difference with {@code expected} beyond {@code tolerance} (relative, for the
   * floating-point sums), or null when the fingerprints agree.
   */
  public String firstDifference(Answer expected, double tolerance) {
    if (rows != expected.rows) {
      return "result rows " + rows + " vs " + expected.rows;
    }
    for (int k = 0; k < keySums.length; k++) {
      if (keySums[k] != expected.keySums[k]) {
        return "key column " + (k + 1) + " sums " + keySums[k] + " vs " + expected.keySums[k];
      }
      // Squares are summed as doubles: over q10's ten million keys of up to 1e6 the order of the
      // additions alone moved the sum by more than 1e-12 of it: the same tolerance as the values.
      if (!close(keySquares[k], expected.keySquares[k], tolerance)) {
        return "key column "
            + (k + 1)
            + " sum of squares "
            + keySquares[k]
            + " vs "
            + expected.keySquares[k];
      }
    }
    for (int v = 0; v < valueSums.length; v++) {
      if (missing[v] != expected.missing[v]) {
        return "value column " + (v + 1) + " missing " + missing[v] + " vs " + expected.missing[v];
      }
      if (!close(valueSums[v], expected.valueSums[v], tolerance)) {
        return "value column " + (v + 1) + " sum " + valueSums[v] + " vs " + expected.valueSums[v];
      }
      if (!close(weightedSums[v], expected.weightedSums[v], tolerance)) {
        return "value column "
            + (v + 1)
            + " key-weighted sum "
            + weightedSums[v]
            + " vs "
            + expected.weightedSums[v]
            + " (grouped differently)";
      }
    }
    return null;
  }

  private static boolean close(double a, double b, double tolerance) {
    double scale = Math.max(1.0, Math.max(Math.abs(a), Math.abs(b)));
    return Math.abs(a - b) <= tolerance * scale;
  }

  /** One line, for messages and for the reference file. */
  public String encode() {
    return rows
        + ";"
        + join(keySums)
        + ";"
        + join(keySquares)
        + ";"
        + join(valueSums)
        + ";"
        + join(weightedSums)
        + ";"
        + join(missing);
  }

  /** The inverse of {@link #encode}. */
  public static Answer decode(String line) {
    String[] p = line.split(";", -1);
    return new Answer(
        Long.parseLong(p[0]),
        p[1].isEmpty()
            ? new long[0]
            : Arrays.stream(p[1].split(",")).mapToLong(Long::parseLong).toArray(),
        doubles(p[2]),
        doubles(p[3]),
        doubles(p[4]),
        p[5].isEmpty()
            ? new long[0]
            : Arrays.stream(p[5].split(",")).mapToLong(Long::parseLong).toArray());
  }

  private static double[] doubles(String s) {
    return s.isEmpty()
        ? new double[0]
        : Arrays.stream(s.split(",")).mapToDouble(Double::parseDouble).toArray();
  }

  private static String join(long[] a) {
    return String.join(",", Arrays.stream(a).mapToObj(Long::toString).toList());
  }

  private static String join(double[] a) {
    // Double.toString round-trips exactly
    return String.join(",", Arrays.stream(a).mapToObj(Double::toString).toList());
  }

  @Override
  public String toString() {
    return "rows="
        + rows
        + " keySums="
        + Arrays.toString(keySums)
        + " valueSums="
        + Arrays.toString(valueSums)
        + " weightedSums="
        + Arrays.toString(weightedSums)
        + " missing="
        + Arrays.toString(missing);
  }

  /** Stores this answer under {@code q}'s name in {@code p}. */
  void store(Properties p, Question q) {
    p.setProperty(q.method(), encode());
  }
}
