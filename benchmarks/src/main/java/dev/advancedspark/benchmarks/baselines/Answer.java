package dev.advancedspark.benchmarks.baselines;

import java.util.Arrays;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A question's result in one comparable form: group key (key columns joined with {@code |}) to the
 * aggregate values as doubles.
 */
public record Answer(SortedMap<String, double[]> groups) {

  public static Answer of(Map<String, double[]> groups) {
    return new Answer(new TreeMap<>(groups));
  }

  /**
   * The first difference with {@code other} beyond a relative tolerance, or null when the answers
   * agree (sums of doubles differ in the last bits between engines: they add in another order).
   */
  public String firstDifference(Answer other, double tolerance) {
    if (!groups.keySet().equals(other.groups.keySet())) {
      return "different groups: " + groups.size() + " vs " + other.groups.size();
    }
    for (Map.Entry<String, double[]> e : groups.entrySet()) {
      double[] a = e.getValue();
      double[] b = other.groups.get(e.getKey());
      if (a.length != b.length) {
        return "group " + e.getKey() + ": " + a.length + " vs " + b.length + " values";
      }
      for (int i = 0; i < a.length; i++) {
        double scale = Math.max(1.0, Math.max(Math.abs(a[i]), Math.abs(b[i])));
        if (Math.abs(a[i] - b[i]) > tolerance * scale) {
          return "group " + e.getKey() + ": " + Arrays.toString(a) + " vs " + Arrays.toString(b);
        }
      }
    }
    return null;
  }
}
