package dev.advancedspark.benchmarks.baselines;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;

/**
 * The groupby table in primitive arrays, for the plain Java engines, loaded (through DuckDB's
 * Parquet reader, outside the timed region) in one {@link Layout}: int-coded keys in {@code int[]},
 * or the original key strings in {@code String[]} (one String object per distinct value, as a
 * dictionary-encoded reader would hand them out).
 */
final class JavaColumns {

  final Layout layout;
  final int rows;

  /** id1..id3 in the int-coded layout (null in the string layout). */
  final int[] id1;

  final int[] id2;
  final int[] id3;

  /** id1..id3 in the string layout (null in the int-coded layout). */
  final String[] sid1;

  final String[] sid2;
  final String[] sid3;
  final int[] id4;
  final int[] id5;
  final int[] id6;
  final int[] v1;
  final int[] v2;
  final double[] v3;

  /** The largest key number of each id column (id1..id6), for array sizes. */
  final int[] max = new int[6];

  JavaColumns(Path parquet, Layout layout) {
    this.layout = layout;
    String from = " FROM read_parquet('" + GroupByData.duckDbGlob(parquet) + "')";
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
        Statement st = c.createStatement()) {
      int n;
      try (ResultSet rs = st.executeQuery("SELECT count(*)" + from)) {
        rs.next();
        n = Math.toIntExact(rs.getLong(1));
      }
      rows = n;
      boolean strings = layout.stringKeys();
      id1 = strings ? null : new int[n];
      id2 = strings ? null : new int[n];
      id3 = strings ? null : new int[n];
      sid1 = strings ? new String[n] : null;
      sid2 = strings ? new String[n] : null;
      sid3 = strings ? new String[n] : null;
      id4 = new int[n];
      id5 = new int[n];
      id6 = new int[n];
      v1 = new int[n];
      v2 = new int[n];
      v3 = new double[n];
      Map<String, String> distinct = new HashMap<>();
      try (ResultSet rs =
          st.executeQuery("SELECT id1, id2, id3, id4, id5, id6, v1, v2, v3" + from)) {
        int i = 0;
        while (rs.next()) {
          String a = rs.getString(1);
          String b = rs.getString(2);
          String d = rs.getString(3);
          if (strings) {
            sid1[i] = distinct.computeIfAbsent(a, s -> s);
            sid2[i] = distinct.computeIfAbsent(b, s -> s);
            sid3[i] = distinct.computeIfAbsent(d, s -> s);
          } else {
            id1[i] = Layout.keyNumber(a);
            id2[i] = Layout.keyNumber(b);
            id3[i] = Layout.keyNumber(d);
          }
          max[0] = Math.max(max[0], Layout.keyNumber(a));
          max[1] = Math.max(max[1], Layout.keyNumber(b));
          max[2] = Math.max(max[2], Layout.keyNumber(d));
          id4[i] = rs.getInt(4);
          id5[i] = rs.getInt(5);
          id6[i] = rs.getInt(6);
          max[3] = Math.max(max[3], id4[i]);
          max[4] = Math.max(max[4], id5[i]);
          max[5] = Math.max(max[5], id6[i]);
          v1[i] = rs.getInt(7);
          v2[i] = rs.getInt(8);
          v3[i] = rs.getDouble(9);
          i++;
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException("Cannot load " + parquet + ": " + e.getMessage(), e);
    }
  }
}
