package dev.advancedspark.benchmarks.report;

import dev.advancedspark.benchmarks.report.ResultsReport.Case;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The statistics RESULTS.md and the HTML page show beside JMH's mean: the median of the measured
 * iterations, an interval for a ratio of two scores, and a check that the measured iterations no
 * longer trend (a warm-up too short for the JIT or Spark's code generation cache shows as times
 * that still fall from the first to the last iterations of a fork).
 */
public final class Statistics {

  /**
   * A fork whose mean of the second half of its measured iterations differs from the mean of the
   * first half by more than this fraction of the case's median is drifting.
   */
  public static final double TREND_THRESHOLD = 0.10;

  private Statistics() {}

  /** A closed interval; {@code high} is infinite when the baseline's interval reaches zero. */
  public record Interval(double low, double high) {
    @Override
    public String toString() {
      return Double.isInfinite(high)
          ? String.format(Locale.ROOT, "%.2f-∞", low)
          : String.format(Locale.ROOT, "%.2f-%.2f", low, high);
    }
  }

  /**
   * How the measured iterations move within each fork: {@code drift} is the mean over forks of
   * (mean of the last half - mean of the first half) / median, {@code flagged} when every fork
   * drifts in the same direction and the mean drift exceeds {@link #TREND_THRESHOLD}.
   */
  public record Trend(double drift, boolean flagged) {
    static final Trend NONE = new Trend(0, false);

    /** "falling 12%" or "rising 15%", for the tables. */
    public String describe() {
      return String.format(
          Locale.ROOT, "%s %.0f%%", drift < 0 ? "falling" : "rising", Math.abs(drift) * 100);
    }
  }

  /** The median of every measured iteration of every fork (JMH's mean if no raw data). */
  public static double median(Case c) {
    List<Double> all = new ArrayList<>();
    c.raw().forEach(all::addAll);
    if (all.isEmpty()) {
      return c.score();
    }
    return median(all);
  }

  static double median(List<Double> values) {
    List<Double> sorted = new ArrayList<>(values);
    sorted.sort(null);
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }

  /**
   * The ratio {@code c / base} with interval arithmetic on JMH's 99.9% confidence intervals: from
   * {@code (c - err_c) / (base + err_base)} to {@code (c + err_c) / (base - err_base)}. Both
   * intervals are taken as bounds, so the ratio interval is conservative (wider than a 99.9%
   * interval of the ratio would be).
   */
  public static Interval ratioInterval(Case c, Case base) {
    double low = Math.max(0, (c.score() - c.error()) / (base.score() + base.error()));
    double denominator = base.score() - base.error();
    double high =
        denominator <= 0 ? Double.POSITIVE_INFINITY : (c.score() + c.error()) / denominator;
    return new Interval(low, high);
  }

  /** Whether the measured iterations of {@code c} still trend (see {@link Trend}). */
  public static Trend trend(Case c) {
    double median = median(c);
    List<Double> drifts = new ArrayList<>();
    for (List<Double> fork : c.raw()) {
      int n = fork.size();
      if (n < 3 || median <= 0) {
        continue;
      }
      int half = n / 2;
      double first = fork.subList(0, half).stream().mapToDouble(d -> d).average().orElse(0);
      double last = fork.subList(n - half, n).stream().mapToDouble(d -> d).average().orElse(0);
      drifts.add((last - first) / median);
    }
    if (drifts.isEmpty()) {
      return Trend.NONE;
    }
    double mean = drifts.stream().mapToDouble(d -> d).average().orElse(0);
    boolean sameDirection =
        drifts.stream().allMatch(d -> d > 0) || drifts.stream().allMatch(d -> d < 0);
    return new Trend(mean, sameDirection && Math.abs(mean) > TREND_THRESHOLD);
  }
}
