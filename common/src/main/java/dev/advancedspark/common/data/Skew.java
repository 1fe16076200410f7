package dev.advancedspark.common.data;

import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.pow;
import static org.apache.spark.sql.functions.when;

import org.apache.spark.sql.Column;

/**
 * How keys are spread over {@code 1..keys}: evenly, with one hot key, or Zipf-like.
 *
 * <p>Each variant turns a uniform random column {@code u} in [0, 1) into a key, so generation stays
 * a column expression (fast, parallel, and independent of partitioning).
 */
public sealed interface Skew {

  /** A key column in {@code 1..keys} built from the uniform columns {@code u} and {@code u2}. */
  Column key(Column u, Column u2, long keys);

  /** The share of rows that key 1 (the most frequent key) is expected to get. */
  double expectedTopShare(long keys);

  static Skew uniform() {
    return new Uniform();
  }

  /** A fraction of all rows goes to key 1; the rest spreads evenly over every key. */
  static Skew hotKey(double fraction) {
    if (fraction < 0 || fraction > 1) {
      throw new IllegalArgumentException("hot key fraction must be in [0, 1], got " + fraction);
    }
    return new HotKey(fraction);
  }

  /**
   * Zipf-like skew with exponent {@code s} (s = 0 is uniform, s around 1 is web-traffic-like, 2 is
   * extreme). Sampled by inverting the continuous power-law CDF over [1, keys + 1) and taking the
   * floor, so key k gets a share close to, not exactly, the discrete Zipf's k^-s / H(keys, s).
   */
  static Skew zipf(double s) {
    if (s < 0) {
      throw new IllegalArgumentException("zipf exponent must be >= 0, got " + s);
    }
    return new Zipf(s);
  }

  /** Parses "uniform", "hot:0.3" or "zipf:1.1" (the form examples take on the command line). */
  static Skew parse(String text) {
    String t = text.trim().toLowerCase();
    try {
      if (t.equals("uniform") || t.equals("none")) {
        return uniform();
      }
      if (t.startsWith("hot:")) {
        return hotKey(Double.parseDouble(t.substring(4)));
      }
      if (t.startsWith("zipf:")) {
        return zipf(Double.parseDouble(t.substring(5)));
      }
    } catch (NumberFormatException e) {
      // fall through to the message below
    }
    throw new IllegalArgumentException(
        "skew must be 'uniform', 'hot:<fraction>' or 'zipf:<exponent>', got '" + text + "'");
  }

  record Uniform() implements Skew {
    @Override
    public Column key(Column u, Column u2, long keys) {
      return floor(u.multiply(keys)).plus(1);
    }

    @Override
    public double expectedTopShare(long keys) {
      return 1.0 / keys;
    }
  }

  record HotKey(double fraction) implements Skew {
    @Override
    public Column key(Column u, Column u2, long keys) {
      return when(u2.lt(fraction), lit(1L)).otherwise(floor(u.multiply(keys)).plus(1));
    }

    @Override
    public double expectedTopShare(long keys) {
      return fraction + (1 - fraction) / keys;
    }
  }

  record Zipf(double s) implements Skew {
    @Override
    public Column key(Column u, Column u2, long keys) {
      double top = keys + 1.0;
      Column x;
      if (Math.abs(s - 1.0) < 1e-9) {
        x = pow(lit(top), u);
      } else {
        double a = Math.pow(top, 1 - s) - 1;
        x = pow(u.multiply(a).plus(1), lit(1.0 / (1 - s)));
      }
      return least(floor(x), lit(keys));
    }

    @Override
    public double expectedTopShare(long keys) {
      double top = keys + 1.0;
      if (Math.abs(s - 1.0) < 1e-9) {
        return Math.log(2) / Math.log(top);
      }
      return (Math.pow(2, 1 - s) - 1) / (Math.pow(top, 1 - s) - 1);
    }
  }
}
