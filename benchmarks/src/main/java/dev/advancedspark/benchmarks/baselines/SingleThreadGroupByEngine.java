package dev.advancedspark.benchmarks.baselines;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The groupby questions in one plain Java thread: columns in primitive arrays, keys int-coded
 * ({@code "id042"} as 42), every group-by an array indexed by the key. The loading (through
 * DuckDB's Parquet reader, outside the timed region) is not part of the comparison.
 *
 * <p>This is the COST baseline (McSherry et al.): what one competent thread does without a
 * framework, for a table that fits in memory.
 */
public final class SingleThreadGroupByEngine implements GroupByEngine {

  /** A question's groups: a key per slot in use and the aggregates, column by column. */
  public record Result(int[] keys, double[][] values) {}

  private final int rows;
  private final int[] id1;
  private final int[] id2;
  private final int[] id3;
  private final int[] id4;
  private final int[] id6;
  private final int[] v1;
  private final int[] v2;
  private final double[] v3;
  private final int maxId12;
  private final int maxId3;
  private final int maxId4;
  private final int maxId6;

  public SingleThreadGroupByEngine(Path parquet) {
    String sql =
        "SELECT CAST(substr(id1, 3) AS INTEGER), CAST(substr(id2, 3) AS INTEGER),"
            + " CAST(substr(id3, 3) AS INTEGER), id4, id6, v1, v2, v3 FROM read_parquet('"
            + GroupByData.duckDbGlob(parquet)
            + "')";
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
        Statement st = c.createStatement()) {
      int n;
      try (ResultSet rs =
          st.executeQuery(
              "SELECT count(*) FROM read_parquet('" + GroupByData.duckDbGlob(parquet) + "')")) {
        rs.next();
        n = Math.toIntExact(rs.getLong(1));
      }
      rows = n;
      id1 = new int[n];
      id2 = new int[n];
      id3 = new int[n];
      id4 = new int[n];
      id6 = new int[n];
      v1 = new int[n];
      v2 = new int[n];
      v3 = new double[n];
      try (ResultSet rs = st.executeQuery(sql)) {
        int i = 0;
        while (rs.next()) {
          id1[i] = rs.getInt(1);
          id2[i] = rs.getInt(2);
          id3[i] = rs.getInt(3);
          id4[i] = rs.getInt(4);
          id6[i] = rs.getInt(5);
          v1[i] = rs.getInt(6);
          v2[i] = rs.getInt(7);
          v3[i] = rs.getDouble(8);
          i++;
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException("Cannot load " + parquet, e);
    }
    maxId12 = Math.max(max(id1), max(id2));
    maxId3 = max(id3);
    maxId4 = max(id4);
    maxId6 = max(id6);
  }

  private static int max(int[] a) {
    int m = 0;
    for (int x : a) {
      m = Math.max(m, x);
    }
    return m;
  }

  @Override
  public Object run(Question q) {
    return compute(q);
  }

  // tag::plain-java-q1[]
  /** q1: sum(v1) by id1, one array slot per key. */
  Result q1() {
    long[] sum = new long[maxId12 + 1];
    boolean[] seen = new boolean[maxId12 + 1];
    for (int i = 0; i < rows; i++) {
      sum[id1[i]] += v1[i];
      seen[id1[i]] = true;
    }
    return collect(seen, sum);
  }

  // end::plain-java-q1[]

  /** Runs a question and returns its groups. */
  public Result compute(Question q) {
    return switch (q) {
      case Q1 -> q1();
      case Q2 -> q2();
      case Q3 -> q3();
      case Q4 -> q4();
      case Q5 -> q5();
    };
  }

  /** q2: sum(v1) by id1, id2, the pair coded as id1 * (K + 1) + id2. */
  Result q2() {
    int width = maxId12 + 1;
    long[] sum = new long[width * width];
    boolean[] seen = new boolean[width * width];
    for (int i = 0; i < rows; i++) {
      int slot = id1[i] * width + id2[i];
      sum[slot] += v1[i];
      seen[slot] = true;
    }
    return collect(seen, sum);
  }

  /** q3: sum(v1), mean(v3) by id3. */
  Result q3() {
    long[] sum = new long[maxId3 + 1];
    double[] sum3 = new double[maxId3 + 1];
    long[] count = new long[maxId3 + 1];
    for (int i = 0; i < rows; i++) {
      int k = id3[i];
      sum[k] += v1[i];
      sum3[k] += v3[i];
      count[k]++;
    }
    int groups = 0;
    for (long c : count) {
      groups += c > 0 ? 1 : 0;
    }
    int[] keys = new int[groups];
    double[][] values = new double[2][groups];
    int g = 0;
    for (int k = 0; k < count.length; k++) {
      if (count[k] > 0) {
        keys[g] = k;
        values[0][g] = sum[k];
        values[1][g] = sum3[k] / count[k];
        g++;
      }
    }
    return new Result(keys, values);
  }

  /** q4: mean(v1), mean(v2), mean(v3) by id4. */
  Result q4() {
    long[] s1 = new long[maxId4 + 1];
    long[] s2 = new long[maxId4 + 1];
    double[] s3 = new double[maxId4 + 1];
    long[] count = new long[maxId4 + 1];
    for (int i = 0; i < rows; i++) {
      int k = id4[i];
      s1[k] += v1[i];
      s2[k] += v2[i];
      s3[k] += v3[i];
      count[k]++;
    }
    return means(count, s1, s2, s3);
  }

  /** q5: sum(v1), sum(v2), sum(v3) by id6. */
  Result q5() {
    long[] s1 = new long[maxId6 + 1];
    long[] s2 = new long[maxId6 + 1];
    double[] s3 = new double[maxId6 + 1];
    boolean[] seen = new boolean[maxId6 + 1];
    for (int i = 0; i < rows; i++) {
      int k = id6[i];
      s1[k] += v1[i];
      s2[k] += v2[i];
      s3[k] += v3[i];
      seen[k] = true;
    }
    int groups = 0;
    for (boolean s : seen) {
      groups += s ? 1 : 0;
    }
    int[] keys = new int[groups];
    double[][] values = new double[3][groups];
    int g = 0;
    for (int k = 0; k < seen.length; k++) {
      if (seen[k]) {
        keys[g] = k;
        values[0][g] = s1[k];
        values[1][g] = s2[k];
        values[2][g] = s3[k];
        g++;
      }
    }
    return new Result(keys, values);
  }

  private static Result collect(boolean[] seen, long[] sum) {
    int groups = 0;
    for (boolean s : seen) {
      groups += s ? 1 : 0;
    }
    int[] keys = new int[groups];
    double[][] values = new double[1][groups];
    int g = 0;
    for (int k = 0; k < seen.length; k++) {
      if (seen[k]) {
        keys[g] = k;
        values[0][g] = sum[k];
        g++;
      }
    }
    return new Result(keys, values);
  }

  private static Result means(long[] count, long[] s1, long[] s2, double[] s3) {
    int groups = 0;
    for (long c : count) {
      groups += c > 0 ? 1 : 0;
    }
    int[] keys = new int[groups];
    double[][] values = new double[3][groups];
    int g = 0;
    for (int k = 0; k < count.length; k++) {
      if (count[k] > 0) {
        keys[g] = k;
        values[0][g] = (double) s1[k] / count[k];
        values[1][g] = (double) s2[k] / count[k];
        values[2][g] = s3[k] / count[k];
        g++;
      }
    }
    return new Result(keys, values);
  }

  @Override
  public Answer answer(Question q) {
    Result r = compute(q);
    Map<String, double[]> groups = new LinkedHashMap<>();
    int width = maxId12 + 1;
    for (int g = 0; g < r.keys().length; g++) {
      int k = r.keys()[g];
      String key =
          switch (q) {
            case Q1 -> String.format("id%03d", k);
            case Q2 -> String.format("id%03d|id%03d", k / width, k % width);
            case Q3 -> String.format("id%010d", k);
            case Q4, Q5 -> Integer.toString(k);
          };
      double[] values = new double[r.values().length];
      for (int c = 0; c < values.length; c++) {
        values[c] = r.values()[c][g];
      }
      groups.put(key, values);
    }
    return Answer.of(groups);
  }

  @Override
  public long rows() {
    return rows;
  }

  @Override
  public String name() {
    return "java";
  }

  @Override
  public void verify() {
    if (rows == 0) {
      throw new IllegalStateException("plain Java engine loaded no rows");
    }
  }

  @Override
  public void close() {
    // Arrays only: nothing to release.
  }
}
