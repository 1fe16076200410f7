package dev.advancedspark.common.testkit;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.assertj.core.api.AbstractAssert;

/**
 * AssertJ-style assertions on a DataFrame's rows, with a diff that names the differing cells.
 *
 * <pre>{@code
 * assertThatDataFrame(totals)
 *     .hasColumns("customer_id", "total")
 *     .withTolerance(1e-9)
 *     .containsExactlyInAnyOrder(row(1L, 30.0), row(2L, 12.5));
 * }</pre>
 *
 * A failure reads like:
 *
 * <pre>
 * 1 of 2 rows differ (any order, tolerance 1.0E-9); columns [customer_id, total]
 *   expected [2, 12.5]
 *   actual   [2, 13.5]   &lt;- total: expected 12.5 but was 13.5
 * </pre>
 */
public final class DataFrameAssert extends AbstractAssert<DataFrameAssert, Dataset<Row>> {

  private double tolerance = 0.0;

  private DataFrameAssert(Dataset<Row> actual) {
    super(actual, DataFrameAssert.class);
  }

  public static DataFrameAssert assertThatDataFrame(Dataset<Row> actual) {
    return new DataFrameAssert(actual);
  }

  /** A row literal for expectations. */
  public static Row row(Object... values) {
    return RowFactory.create(values);
  }

  /** Compare floating-point cells with this absolute tolerance (default: exact). */
  public DataFrameAssert withTolerance(double absoluteTolerance) {
    this.tolerance = absoluteTolerance;
    return this;
  }

  public DataFrameAssert hasColumns(String... names) {
    isNotNull();
    List<String> actualNames = Arrays.asList(actual.columns());
    if (!actualNames.equals(Arrays.asList(names))) {
      failWithMessage("Expected columns %s but were %s", Arrays.asList(names), actualNames);
    }
    return this;
  }

  public DataFrameAssert hasRowCount(long expected) {
    isNotNull();
    long count = actual.count();
    if (count != expected) {
      failWithMessage("Expected %d rows but found %d", expected, count);
    }
    return this;
  }

  /** Same rows in the same order. */
  public DataFrameAssert containsExactly(Row... expected) {
    return containsExactly(Arrays.asList(expected));
  }

  public DataFrameAssert containsExactly(List<Row> expected) {
    isNotNull();
    List<Row> rows = actual.collectAsList();
    String diff = orderedDiff(expected, rows);
    if (diff != null) {
      failWithMessage("%s", diff);
    }
    return this;
  }

  /** Same rows, any order (a multiset comparison: duplicates count). */
  public DataFrameAssert containsExactlyInAnyOrder(Row... expected) {
    return containsExactlyInAnyOrder(Arrays.asList(expected));
  }

  public DataFrameAssert containsExactlyInAnyOrder(List<Row> expected) {
    isNotNull();
    List<Row> rows = actual.collectAsList();
    String diff = unorderedDiff(expected, rows);
    if (diff != null) {
      failWithMessage("%s", diff);
    }
    return this;
  }

  /** Same rows as another DataFrame, any order: e.g. two join strategies, one answer. */
  public DataFrameAssert hasSameRowsAs(Dataset<Row> expected) {
    return containsExactlyInAnyOrder(expected.collectAsList());
  }

  String orderedDiff(List<Row> expected, List<Row> rows) {
    StringBuilder sb = new StringBuilder();
    int differing = 0;
    int n = Math.max(expected.size(), rows.size());
    for (int i = 0; i < n; i++) {
      Row e = i < expected.size() ? expected.get(i) : null;
      Row a = i < rows.size() ? rows.get(i) : null;
      if (e != null && a != null && rowsMatch(e, a)) {
        continue;
      }
      differing++;
      sb.append("  row ").append(i).append('\n');
      appendPair(sb, e, a);
    }
    if (differing == 0) {
      return null;
    }
    return String.format(
            "%d of %d rows differ (in order, tolerance %s); expected %d rows, got %d; columns %s%n",
            differing, n, tolerance, expected.size(), rows.size(), Arrays.asList(actual.columns()))
        + sb;
  }

  String unorderedDiff(List<Row> expected, List<Row> rows) {
    List<Row> unmatched = new ArrayList<>(rows);
    List<Row> missing = new ArrayList<>();
    for (Row e : expected) {
      int hit = -1;
      for (int i = 0; i < unmatched.size(); i++) {
        if (rowsMatch(e, unmatched.get(i))) {
          hit = i;
          break;
        }
      }
      if (hit >= 0) {
        unmatched.remove(hit);
      } else {
        missing.add(e);
      }
    }
    if (missing.isEmpty() && unmatched.isEmpty()) {
      return null;
    }
    StringBuilder sb = new StringBuilder();
    sb.append(
        String.format(
            "%d of %d rows differ (any order, tolerance %s); expected %d rows, got %d; columns %s%n",
            Math.max(missing.size(), unmatched.size()),
            Math.max(expected.size(), rows.size()),
            tolerance,
            expected.size(),
            rows.size(),
            Arrays.asList(actual.columns())));
    // Pair each missing row with the unexpected row closest to it, so a one-cell change reads as
    // one.
    for (Row e : missing) {
      Row closest = null;
      int best = -1;
      for (Row a : unmatched) {
        int same = sameCells(e, a);
        if (same > best) {
          best = same;
          closest = a;
        }
      }
      if (closest != null) {
        unmatched.remove(closest);
      }
      appendPair(sb, e, closest);
    }
    for (Row a : unmatched) {
      appendPair(sb, null, a);
    }
    return sb.toString();
  }

  private void appendPair(StringBuilder sb, Row e, Row a) {
    sb.append("  expected ").append(e == null ? "(no row)" : format(e)).append('\n');
    sb.append("  actual   ").append(a == null ? "(no row)" : format(a));
    if (e != null && a != null) {
      List<String> cells = new ArrayList<>();
      String[] cols = actual.columns();
      for (int i = 0; i < Math.max(e.size(), a.size()); i++) {
        Object ev = i < e.size() ? e.get(i) : "(none)";
        Object av = i < a.size() ? a.get(i) : "(none)";
        if (!cellsMatch(ev, av)) {
          String name = i < cols.length ? cols[i] : "#" + i;
          cells.add(name + ": expected " + ev + " but was " + av);
        }
      }
      sb.append("   <- ").append(String.join("; ", cells));
    }
    sb.append('\n');
  }

  private static String format(Row r) {
    List<Object> values = new ArrayList<>();
    for (int i = 0; i < r.size(); i++) {
      values.add(r.get(i));
    }
    return values.toString();
  }

  private int sameCells(Row e, Row a) {
    int same = 0;
    for (int i = 0; i < Math.min(e.size(), a.size()); i++) {
      if (cellsMatch(e.get(i), a.get(i))) {
        same++;
      }
    }
    return same;
  }

  private boolean rowsMatch(Row e, Row a) {
    if (e.size() != a.size()) {
      return false;
    }
    for (int i = 0; i < e.size(); i++) {
      if (!cellsMatch(e.get(i), a.get(i))) {
        return false;
      }
    }
    return true;
  }

  private boolean cellsMatch(Object e, Object a) {
    if (e == null || a == null) {
      return e == a;
    }
    if (isFloating(e) || isFloating(a) || e instanceof BigDecimal || a instanceof BigDecimal) {
      if (e instanceof Number en && a instanceof Number an) {
        double ed = en.doubleValue();
        double ad = an.doubleValue();
        if (Double.isNaN(ed) || Double.isNaN(ad)) {
          return Double.isNaN(ed) && Double.isNaN(ad);
        }
        return Math.abs(ed - ad) <= tolerance;
      }
      return false;
    }
    if (e instanceof Number en && a instanceof Number an) {
      // 1 (Integer) and 1L (Long) are the same expectation for a reader.
      return en.longValue() == an.longValue();
    }
    if (e instanceof Row er && a instanceof Row ar) {
      return rowsMatch(er, ar);
    }
    if (e instanceof scala.collection.Seq<?> es && a instanceof scala.collection.Seq<?> as) {
      return Objects.equals(es, as);
    }
    return Objects.equals(e, a);
  }

  private static boolean isFloating(Object o) {
    return o instanceof Double || o instanceof Float;
  }
}
