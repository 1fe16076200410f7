package dev.advancedspark.benchmarks.baselines;

import java.nio.file.Path;
import java.util.Arrays;

/**
 * The groupby questions in one plain Java thread with dense arrays ({@code java-dense}): columns in
 * primitive arrays, every group-by an array indexed by the key number, so a group costs one array
 * slot and no hashing. That is perfect hashing, possible only because the keys are small dense
 * integers ({@code "id042"} is slot 42): a best case no general engine can assume. In the string
 * layout the slot is parsed out of each key string per row, inside the timed region.
 *
 * <p>It cannot answer q10 (group by all six id columns): the key space is K^4 x (rows/K)^2 slots,
 * far beyond any array, so {@link #supports} is false there and the benchmark does not offer that
 * case. {@link HashMapGroupByEngine} is the generic version that answers all ten.
 *
 * <p>This is the COST baseline (McSherry et al.): what one competent thread does without a
 * framework, for a table that fits in memory. The loading is not part of the comparison.
 */
public final class SingleThreadGroupByEngine implements GroupByEngine {

  /** A question's result, column by column: key numbers per key column, values per value column. */
  public record Result(long[][] keys, double[][] values) {}

  private final JavaColumns c;
  private final boolean strings;

  public SingleThreadGroupByEngine(Path parquet, Layout layout) {
    this.c = new JavaColumns(parquet, layout);
    this.strings = layout.stringKeys();
  }

  private int k1(int i) {
    return strings ? Layout.keyNumber(c.sid1[i]) : c.id1[i];
  }

  private int k2(int i) {
    return strings ? Layout.keyNumber(c.sid2[i]) : c.id2[i];
  }

  private int k3(int i) {
    return strings ? Layout.keyNumber(c.sid3[i]) : c.id3[i];
  }

  @Override
  public boolean supports(Question q) {
    return q != Question.Q10;
  }

  @Override
  public Object run(Question q) {
    return compute(q);
  }

  /** Runs a question and returns its groups. */
  public Result compute(Question q) {
    return switch (q) {
      case Q1 -> q1();
      case Q2 -> q2();
      case Q3 -> q3();
      case Q4 -> q4();
      case Q5 -> q5();
      case Q6 -> q6();
      case Q7 -> q7();
      case Q8 -> q8();
      case Q9 -> q9();
      case Q10 ->
          throw new UnsupportedOperationException(
              "java-dense cannot answer q10: grouping by all six ids needs one array slot per"
                  + " combination, K^4 x (rows/K)^2, far beyond memory");
    };
  }

  // tag::plain-java-q1[]
  /** q1: sum(v1) by id1, one array slot per key. */
  Result q1() {
    int slots = c.max[0] + 1;
    long[] sum = new long[slots];
    long[] count = new long[slots];
    for (int i = 0; i < c.rows; i++) {
      int k = k1(i);
      sum[k] += c.v1[i];
      count[k]++;
    }
    return collect(count, 1, (k, g, v) -> v[0][g] = sum[k]);
  }

  // end::plain-java-q1[]

  /** q2: sum(v1) by id1, id2, the pair in slot id1 * width + id2. */
  Result q2() {
    int width = c.max[1] + 1;
    int slots = (c.max[0] + 1) * width;
    long[] sum = new long[slots];
    long[] count = new long[slots];
    for (int i = 0; i < c.rows; i++) {
      int k = k1(i) * width + k2(i);
      sum[k] += c.v1[i];
      count[k]++;
    }
    return collect2(count, width, 1, (k, g, v) -> v[0][g] = sum[k]);
  }

  /** q3: sum(v1), mean(v3) by id3. */
  Result q3() {
    int slots = c.max[2] + 1;
    long[] sum = new long[slots];
    double[] sum3 = new double[slots];
    long[] count = new long[slots];
    for (int i = 0; i < c.rows; i++) {
      int k = k3(i);
      sum[k] += c.v1[i];
      sum3[k] += c.v3[i];
      count[k]++;
    }
    return collect(
        count,
        2,
        (k, g, v) -> {
          v[0][g] = sum[k];
          v[1][g] = sum3[k] / count[k];
        });
  }

  /** q4: mean(v1), mean(v2), mean(v3) by id4. */
  Result q4() {
    int slots = c.max[3] + 1;
    long[] s1 = new long[slots];
    long[] s2 = new long[slots];
    double[] s3 = new double[slots];
    long[] count = new long[slots];
    for (int i = 0; i < c.rows; i++) {
      int k = c.id4[i];
      s1[k] += c.v1[i];
      s2[k] += c.v2[i];
      s3[k] += c.v3[i];
      count[k]++;
    }
    return collect(
        count,
        3,
        (k, g, v) -> {
          v[0][g] = (double) s1[k] / count[k];
          v[1][g] = (double) s2[k] / count[k];
          v[2][g] = s3[k] / count[k];
        });
  }

  /** q5: sum(v1), sum(v2), sum(v3) by id6. */
  Result q5() {
    int slots = c.max[5] + 1;
    long[] s1 = new long[slots];
    long[] s2 = new long[slots];
    double[] s3 = new double[slots];
    long[] count = new long[slots];
    for (int i = 0; i < c.rows; i++) {
      int k = c.id6[i];
      s1[k] += c.v1[i];
      s2[k] += c.v2[i];
      s3[k] += c.v3[i];
      count[k]++;
    }
    return collect(
        count,
        3,
        (k, g, v) -> {
          v[0][g] = s1[k];
          v[1][g] = s2[k];
          v[2][g] = s3[k];
        });
  }

  /**
   * q6: median(v3), stddev(v3) by id4, id5: the values bucketed by slot (a counting sort), each
   * bucket sorted for its median.
   */
  Result q6() {
    int width = c.max[4] + 1;
    int slots = (c.max[3] + 1) * width;
    long[] count = new long[slots];
    for (int i = 0; i < c.rows; i++) {
      count[c.id4[i] * width + c.id5[i]]++;
    }
    int[] start = new int[slots + 1];
    for (int k = 0; k < slots; k++) {
      start[k + 1] = start[k] + (int) count[k];
    }
    int[] fill = Arrays.copyOf(start, slots);
    double[] values = new double[c.rows];
    for (int i = 0; i < c.rows; i++) {
      values[fill[c.id4[i] * width + c.id5[i]]++] = c.v3[i];
    }
    return collect2(
        count,
        width,
        2,
        (k, g, v) -> {
          int from = start[k];
          int to = start[k + 1];
          int n = to - from;
          Arrays.sort(values, from, to);
          int mid = from + n / 2;
          v[0][g] = n % 2 == 1 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
          double sum = 0;
          for (int j = from; j < to; j++) {
            sum += values[j];
          }
          double mean = sum / n;
          double squares = 0;
          for (int j = from; j < to; j++) {
            squares += (values[j] - mean) * (values[j] - mean);
          }
          v[1][g] = n > 1 ? Math.sqrt(squares / (n - 1)) : Double.NaN;
        });
  }

  /** q7: max(v1) - min(v2) by id3. */
  Result q7() {
    int slots = c.max[2] + 1;
    int[] max1 = new int[slots];
    int[] min2 = new int[slots];
    long[] count = new long[slots];
    Arrays.fill(max1, Integer.MIN_VALUE);
    Arrays.fill(min2, Integer.MAX_VALUE);
    for (int i = 0; i < c.rows; i++) {
      int k = k3(i);
      max1[k] = Math.max(max1[k], c.v1[i]);
      min2[k] = Math.min(min2[k], c.v2[i]);
      count[k]++;
    }
    return collect(count, 1, (k, g, v) -> v[0][g] = max1[k] - min2[k]);
  }

  /** q8: the two largest v3 by id6 (one row per value, as the window query returns). */
  Result q8() {
    int slots = c.max[5] + 1;
    double[] top1 = new double[slots];
    double[] top2 = new double[slots];
    long[] count = new long[slots];
    Arrays.fill(top1, Double.NEGATIVE_INFINITY);
    Arrays.fill(top2, Double.NEGATIVE_INFINITY);
    for (int i = 0; i < c.rows; i++) {
      int k = c.id6[i];
      double v = c.v3[i];
      if (v > top1[k]) {
        top2[k] = top1[k];
        top1[k] = v;
      } else if (v > top2[k]) {
        top2[k] = v;
      }
      count[k]++;
    }
    int out = 0;
    for (long n : count) {
      out += (int) Math.min(n, 2);
    }
    long[] keys = new long[out];
    double[] values = new double[out];
    int r = 0;
    for (int k = 0; k < slots; k++) {
      for (int j = 0; j < Math.min(count[k], 2); j++) {
        keys[r] = k;
        values[r++] = j == 0 ? top1[k] : top2[k];
      }
    }
    return new Result(new long[][] {keys}, new double[][] {values});
  }

  /** q9: corr(v1, v2)^2 by id2, id4, from exact integer sums. */
  Result q9() {
    int width = c.max[3] + 1;
    int slots = (c.max[1] + 1) * width;
    long[] n = new long[slots];
    long[] sx = new long[slots];
    long[] sy = new long[slots];
    long[] sxx = new long[slots];
    long[] syy = new long[slots];
    long[] sxy = new long[slots];
    for (int i = 0; i < c.rows; i++) {
      int k = k2(i) * width + c.id4[i];
      long x = c.v1[i];
      long y = c.v2[i];
      n[k]++;
      sx[k] += x;
      sy[k] += y;
      sxx[k] += x * x;
      syy[k] += y * y;
      sxy[k] += x * y;
    }
    return collect2(
        n, width, 1, (k, g, v) -> v[0][g] = r2(n[k], sx[k], sy[k], sxx[k], syy[k], sxy[k]));
  }

  /** The squared correlation from exact sums; NaN where it is undefined (one row, a constant). */
  static double r2(long n, long sx, long sy, long sxx, long syy, long sxy) {
    double cov = (double) (n * sxy - sx * sy);
    double varX = (double) (n * sxx - sx * sx);
    double varY = (double) (n * syy - sy * sy);
    if (n < 2 || varX == 0 || varY == 0) {
      return Double.NaN;
    }
    double r = cov / Math.sqrt(varX * varY);
    return r * r;
  }

  /** Fills the value columns of group {@code g} from slot {@code k}. */
  @FunctionalInterface
  private interface Fill {
    void fill(int slot, int group, double[][] values);
  }

  /** The result of a one-key question: a row per slot that saw a row. */
  private static Result collect(long[] count, int valueColumns, Fill fill) {
    int groups = 0;
    for (long n : count) {
      groups += n > 0 ? 1 : 0;
    }
    long[] keys = new long[groups];
    double[][] values = new double[valueColumns][groups];
    int g = 0;
    for (int k = 0; k < count.length; k++) {
      if (count[k] > 0) {
        keys[g] = k;
        fill.fill(k, g, values);
        g++;
      }
    }
    return new Result(new long[][] {keys}, values);
  }

  /** The result of a two-key question, slots coded as {@code a * width + b}. */
  private static Result collect2(long[] count, int width, int valueColumns, Fill fill) {
    Result one = collect(count, valueColumns, fill);
    long[] slot = one.keys()[0];
    long[] a = new long[slot.length];
    long[] b = new long[slot.length];
    for (int g = 0; g < slot.length; g++) {
      a[g] = slot[g] / width;
      b[g] = slot[g] % width;
    }
    return new Result(new long[][] {a, b}, one.values());
  }

  @Override
  public Answer answer(Question q) {
    return fingerprint(q, compute(q));
  }

  /** The fingerprint of a column-wise result. */
  static Answer fingerprint(Question q, Result r) {
    Answer.Builder b = new Answer.Builder(q);
    int rows = r.keys()[0].length;
    long[] keys = new long[r.keys().length];
    double[] values = new double[r.values().length];
    for (int g = 0; g < rows; g++) {
      for (int k = 0; k < keys.length; k++) {
        keys[k] = r.keys()[k][g];
      }
      for (int v = 0; v < values.length; v++) {
        values[v] = r.values()[v][g];
      }
      b.row(keys, values);
    }
    return b.build();
  }

  @Override
  public long rows() {
    return c.rows;
  }

  @Override
  public String name() {
    return "java-dense";
  }

  @Override
  public Layout layout() {
    return c.layout;
  }

  @Override
  public void verify() {
    if (c.rows == 0) {
      throw new IllegalStateException("plain Java engine loaded no rows");
    }
  }

  @Override
  public void close() {
    // Arrays only: nothing to release.
  }
}
