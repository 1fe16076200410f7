package dev.advancedspark.benchmarks.report;

import dev.advancedspark.benchmarks.hardware.MemoryBandwidthBenchmark;
import dev.advancedspark.benchmarks.report.ResultsReport.Case;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * The two references a suite's per-row figures are read against: what this machine streams from
 * memory ({@code MemoryBandwidthBenchmark}, measured here) and what Spark's own micro-benchmarks
 * publish for the same query shapes ({@code SparkReferenceBenchmark}).
 */
public final class MachineReference {

  private MachineReference() {}

  /**
   * Bytes per row a suite's timed query reads from its input: the explicit table behind the
   * "fraction of bandwidth" column. {@code JoinBenchmark}: the cached large side, order_id,
   * customer_id (longs) and amount (a double), 24 bytes (the dimension is 1/100 or 1/2 of the rows
   * and not counted). {@code SparkReferenceBenchmark}: one long {@code id} per row; {@code range}
   * computes it rather than reading it, so the fraction says how far the query is from streaming
   * that column, not that it streams it.
   */
  public static final Map<String, Integer> BYTES_PER_ROW =
      Map.of("JoinBenchmark", 24, "SparkReferenceBenchmark", 8);

  /**
   * A per-row figure Spark publishes for a shape: {@code nsPerRow} is "Per Row(ns)" of the
   * "wholestage on" (or vectorized hash map) case, one core ({@code local[1]}).
   */
  public record Published(double nsPerRow, String file, String caseName) {}

  /**
   * Spark's published figures for {@code SparkReferenceBenchmark}'s shapes, from {@code
   * sql/core/benchmarks/} of apache/spark (OpenJDK 17, AMD EPYC 7763, GitHub Actions): the module
   * README quotes the lines and the commits. {@code JOIN_LONG_NOOP} and {@code JOIN_GENERATED} are
   * read against "Join w long" too: the steps from Spark's shape to this repository's.
   */
  public static final Map<String, Published> SPARK_PUBLISHED =
      Map.of(
          "JOIN_LONG",
          new Published(44.0, "JoinBenchmark-results.txt", "Join w long wholestage on"),
          "JOIN_LONG_NOOP",
          new Published(44.0, "JoinBenchmark-results.txt", "Join w long wholestage on"),
          "JOIN_GENERATED",
          new Published(44.0, "JoinBenchmark-results.txt", "Join w long wholestage on"),
          "AGG_WITHOUT_GROUPING",
          new Published(1.2, "AggregateBenchmark-results.txt", "agg w/o group wholestage on"),
          "AGG_LINEAR_KEYS",
          new Published(
              9.7,
              "AggregateBenchmark-results.txt",
              "Aggregate w keys (linear), codegen = T, vectorized hashmap = T"));

  /**
   * GiB/s the machine streams with {@code threads} threads, from the median of the
   * MemoryBandwidthBenchmark case with that many threads, if measured.
   */
  public static OptionalDouble bandwidthGiBs(List<Case> cases, int threads) {
    for (Case c : cases) {
      if (c.className().equals("MemoryBandwidthBenchmark")
          && Integer.toString(threads).equals(c.params().get("threads"))
          && c.params().containsKey("megabytes")) {
        return OptionalDouble.of(
            MemoryBandwidthBenchmark.gibPerSecond(
                Integer.parseInt(c.params().get("megabytes")), Statistics.median(c)));
      }
    }
    return OptionalDouble.empty();
  }

  /** Rows per second of a case with a {@code rows} parameter (median time), else NaN. */
  public static double rowsPerSecond(Case c) {
    String rows = c.params().get(CostCurves.ROWS);
    if (rows == null || !rows.matches("\\d+")) {
      return Double.NaN;
    }
    return Long.parseLong(rows) / (Statistics.median(c) / 1000.0);
  }

  /** Nanoseconds per row and per core: median x cores / rows. */
  public static double nsPerRowPerCore(Case c) {
    return CostCurves.cores(c) * 1e9 / rowsPerSecond(c);
  }

  /**
   * The fraction of the machine's bandwidth (with as many threads as the case has cores) that the
   * case's input bytes per second make, or NaN without a table entry or a bandwidth result.
   */
  public static double bandwidthFraction(Case c, List<Case> all) {
    Integer bytes = BYTES_PER_ROW.get(c.className());
    OptionalDouble gib = bandwidthGiBs(all, CostCurves.cores(c));
    double rps = rowsPerSecond(c);
    if (bytes == null || gib.isEmpty() || Double.isNaN(rps)) {
      return Double.NaN;
    }
    return rps * bytes / (gib.getAsDouble() * 1024 * 1024 * 1024);
  }
}
