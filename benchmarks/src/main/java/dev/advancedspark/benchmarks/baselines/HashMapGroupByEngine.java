package dev.advancedspark.benchmarks.baselines;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * The groupby questions in one plain Java thread with a generic {@link HashMap} ({@code
 * java-hash}): the key of each row boxed ({@code Integer}, the key {@code String}, or a record for
 * several columns), an accumulator array per group. What a Java developer writes without knowing
 * the keys are small dense integers; {@link SingleThreadGroupByEngine} is the perfect-hashing best
 * case beside it. Answers all ten questions in both layouts.
 */
public final class HashMapGroupByEngine implements GroupByEngine {

  /** A two-column key. */
  record Key2(Object a, Object b) {}

  /** The six-column key of q10. */
  record Key6(Object id1, Object id2, Object id3, int id4, int id5, int id6) {}

  /** Adds row {@code i} to a group's accumulator. */
  @FunctionalInterface
  private interface Add {
    void add(double[] acc, int i);
  }

  private final JavaColumns c;

  public HashMapGroupByEngine(Path parquet, Layout layout) {
    this.c = new JavaColumns(parquet, layout);
  }

  private Object id1(int i) {
    return c.sid1 != null ? c.sid1[i] : (Object) c.id1[i];
  }

  private Object id2(int i) {
    return c.sid2 != null ? c.sid2[i] : (Object) c.id2[i];
  }

  private Object id3(int i) {
    return c.sid3 != null ? c.sid3[i] : (Object) c.id3[i];
  }

  /** One pass over the table: the groups of {@code key}, each with a copy of {@code init}. */
  private Map<Object, double[]> group(IntFunction<Object> key, double[] init, Add add) {
    Map<Object, double[]> groups = new HashMap<>();
    for (int i = 0; i < c.rows; i++) {
      double[] acc = groups.get(key.apply(i));
      if (acc == null) {
        acc = init.clone();
        groups.put(key.apply(i), acc);
      }
      add.add(acc, i);
    }
    return groups;
  }

  @Override
  public Object run(Question q) {
    return compute(q);
  }

  /** The result rows: key (as grouped) -> values; q8 gives up to two rows per key. */
  public List<Map.Entry<Object, double[]>> compute(Question q) {
    List<Map.Entry<Object, double[]>> out = new ArrayList<>();
    switch (q) {
      case Q1 ->
          group(this::id1, new double[1], (a, i) -> a[0] += c.v1[i])
              .forEach((k, a) -> out.add(Map.entry(k, a)));
      case Q2 ->
          group(i -> new Key2(id1(i), id2(i)), new double[1], (a, i) -> a[0] += c.v1[i])
              .forEach((k, a) -> out.add(Map.entry(k, a)));
      case Q3 ->
          group(
                  this::id3,
                  new double[3],
                  (a, i) -> {
                    a[0] += c.v1[i];
                    a[1] += c.v3[i];
                    a[2]++;
                  })
              .forEach((k, a) -> out.add(Map.entry(k, new double[] {a[0], a[1] / a[2]})));
      case Q4 ->
          group(
                  i -> c.id4[i],
                  new double[4],
                  (a, i) -> {
                    a[0] += c.v1[i];
                    a[1] += c.v2[i];
                    a[2] += c.v3[i];
                    a[3]++;
                  })
              .forEach(
                  (k, a) ->
                      out.add(Map.entry(k, new double[] {a[0] / a[3], a[1] / a[3], a[2] / a[3]})));
      case Q5 ->
          group(
                  i -> c.id6[i],
                  new double[3],
                  (a, i) -> {
                    a[0] += c.v1[i];
                    a[1] += c.v2[i];
                    a[2] += c.v3[i];
                  })
              .forEach((k, a) -> out.add(Map.entry(k, a)));
      case Q6 -> q6(out);
      case Q7 ->
          group(
                  this::id3,
                  new double[] {Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY},
                  (a, i) -> {
                    a[0] = Math.max(a[0], c.v1[i]);
                    a[1] = Math.min(a[1], c.v2[i]);
                  })
              .forEach((k, a) -> out.add(Map.entry(k, new double[] {a[0] - a[1]})));
      case Q8 ->
          group(
                  i -> c.id6[i],
                  new double[] {Double.NEGATIVE_INFINITY, Double.NEGATIVE_INFINITY, 0},
                  (a, i) -> {
                    double v = c.v3[i];
                    if (v > a[0]) {
                      a[1] = a[0];
                      a[0] = v;
                    } else if (v > a[1]) {
                      a[1] = v;
                    }
                    a[2]++;
                  })
              .forEach(
                  (k, a) -> {
                    out.add(Map.entry(k, new double[] {a[0]}));
                    if (a[2] > 1) {
                      out.add(Map.entry(k, new double[] {a[1]}));
                    }
                  });
      case Q9 ->
          group(
                  i -> new Key2(id2(i), c.id4[i]),
                  new double[6],
                  (a, i) -> {
                    double x = c.v1[i];
                    double y = c.v2[i];
                    a[0]++;
                    a[1] += x;
                    a[2] += y;
                    a[3] += x * x;
                    a[4] += y * y;
                    a[5] += x * y;
                  })
              .forEach(
                  (k, a) ->
                      out.add(
                          Map.entry(
                              k,
                              new double[] {
                                SingleThreadGroupByEngine.r2(
                                    (long) a[0],
                                    (long) a[1],
                                    (long) a[2],
                                    (long) a[3],
                                    (long) a[4],
                                    (long) a[5])
                              })));
      case Q10 ->
          group(
                  i -> new Key6(id1(i), id2(i), id3(i), c.id4[i], c.id5[i], c.id6[i]),
                  new double[2],
                  (a, i) -> {
                    a[0] += c.v3[i];
                    a[1]++;
                  })
              .forEach((k, a) -> out.add(Map.entry(k, a)));
    }
    return out;
  }

  /** q6: every group's values in a growing array, then sorted for the median. */
  private void q6(List<Map.Entry<Object, double[]>> out) {
    Map<Object, double[]> values = new HashMap<>();
    Map<Object, int[]> sizes = new HashMap<>();
    for (int i = 0; i < c.rows; i++) {
      Key2 k = new Key2(c.id4[i], c.id5[i]);
      double[] v = values.get(k);
      int[] n = sizes.get(k);
      if (v == null) {
        v = new double[8];
        n = new int[1];
        sizes.put(k, n);
      } else if (n[0] == v.length) {
        v = Arrays.copyOf(v, v.length * 2);
      }
      v[n[0]++] = c.v3[i];
      values.put(k, v);
    }
    values.forEach(
        (k, v) -> {
          int n = sizes.get(k)[0];
          Arrays.sort(v, 0, n);
          double median = n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
          double sum = 0;
          for (int j = 0; j < n; j++) {
            sum += v[j];
          }
          double mean = sum / n;
          double squares = 0;
          for (int j = 0; j < n; j++) {
            squares += (v[j] - mean) * (v[j] - mean);
          }
          out.add(
              Map.entry(
                  k, new double[] {median, n > 1 ? Math.sqrt(squares / (n - 1)) : Double.NaN}));
        });
  }

  @Override
  public Answer answer(Question q) {
    Answer.Builder b = new Answer.Builder(q);
    for (Map.Entry<Object, double[]> e : compute(q)) {
      b.row(keyNumbers(e.getKey()), e.getValue());
    }
    return b.build();
  }

  /** The key numbers of a group key, in key-column order. */
  private static long[] keyNumbers(Object key) {
    if (key instanceof Key2 k) {
      return new long[] {keyNumber(k.a()), keyNumber(k.b())};
    }
    if (key instanceof Key6 k) {
      return new long[] {
        keyNumber(k.id1()), keyNumber(k.id2()), keyNumber(k.id3()), k.id4(), k.id5(), k.id6()
      };
    }
    return new long[] {keyNumber(key)};
  }

  private static long keyNumber(Object key) {
    return key instanceof String s ? Layout.keyNumber(s) : ((Number) key).longValue();
  }

  @Override
  public long rows() {
    return c.rows;
  }

  @Override
  public String name() {
    return "java-hash";
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
