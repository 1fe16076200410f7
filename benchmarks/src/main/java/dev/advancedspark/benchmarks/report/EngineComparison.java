package dev.advancedspark.benchmarks.report;

import dev.advancedspark.benchmarks.report.ResultsReport.Case;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Another engine beside vanilla Spark on the same case: for a suite whose {@code engine} parameter
 * has the value {@value #REFERENCE} (the join suite's {@code spark} and {@code comet}), each case
 * of another engine against the {@value #REFERENCE} case with every other parameter equal, as the
 * ratio of the medians and the ratio interval of the means ({@link Statistics#ratioInterval}).
 * Suites whose baseline is already the engine (groupby: DuckDB) show it in their main table.
 */
public final class EngineComparison {

  /** The parameter that names the engine. */
  public static final String ENGINE = "engine";

  /** The engine the others are compared with. */
  public static final String REFERENCE = "spark";

  private EngineComparison() {}

  /**
   * One case of another engine against vanilla Spark.
   *
   * @param context the method and every parameter but the engine
   */
  public record Pair(String context, String engine, Case spark, Case other) {

    /** The other engine's median over Spark's: below 1, the other engine is faster. */
    public double medianRatio() {
      return Statistics.median(other) / Statistics.median(spark);
    }
  }

  static String context(Case c) {
    Map<String, String> rest = new TreeMap<>(c.params());
    rest.remove(ENGINE);
    StringBuilder sb = new StringBuilder(c.method());
    rest.forEach((k, v) -> sb.append(' ').append(k).append('=').append(v));
    return sb.toString();
  }

  /** Every case of another engine that has a {@value #REFERENCE} twin in {@code suite}. */
  public static List<Pair> pairs(List<Case> suite) {
    Map<String, Case> reference = new TreeMap<>();
    for (Case c : suite) {
      if (REFERENCE.equals(c.params().get(ENGINE))) {
        reference.putIfAbsent(context(c), c);
      }
    }
    List<Pair> out = new ArrayList<>();
    for (Case c : suite) {
      String engine = c.params().get(ENGINE);
      Case spark = reference.get(context(c));
      if (engine != null && !engine.equals(REFERENCE) && spark != null) {
        out.add(new Pair(context(c), engine, spark, c));
      }
    }
    return out;
  }

  /** The markdown table (empty when the suite has no pair). */
  public static String markdown(List<Case> suite) {
    List<Pair> pairs = pairs(suite);
    if (pairs.isEmpty()) {
      return "";
    }
    StringBuilder md = new StringBuilder();
    md.append(
        "Engines side by side: each case of another engine against vanilla Spark"
            + " (`engine=spark`) with every other parameter equal; below 1, the other engine"
            + " took less time. What ran natively and what fell back is in the suite's notes.\n\n");
    md.append(
        "| Case | Engine | Spark median (ms) | Engine median (ms) | × Spark (medians) | × Spark"
            + " (interval of the means) |\n");
    md.append("| --- | --- | ---: | ---: | ---: | ---: |\n");
    for (Pair p : pairs) {
      md.append(
          String.format(
              Locale.ROOT,
              "| %s | %s | %s | %s | %.2f | %s |%n",
              p.context(),
              p.engine(),
              ResultsReport.fmt(Statistics.median(p.spark())),
              ResultsReport.fmt(Statistics.median(p.other())),
              p.medianRatio(),
              Statistics.ratioInterval(p.other(), p.spark())));
    }
    return md.append('\n').toString();
  }

  /** The same table as HTML, for the results page (empty when the suite has no pair). */
  public static String html(List<Case> suite) {
    List<Pair> pairs = pairs(suite);
    if (pairs.isEmpty()) {
      return "";
    }
    StringBuilder h = new StringBuilder("<table class=\"engines\">\n");
    h.append(
        "<tr><th>Case</th><th>Engine</th><th>Spark median (ms)</th><th>Engine median (ms)</th>"
            + "<th>× Spark</th></tr>\n");
    for (Pair p : pairs) {
      h.append(
          String.format(
              Locale.ROOT,
              "<tr><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%.2f</td></tr>%n",
              CostCurves.esc(p.context()),
              CostCurves.esc(Objects.toString(p.engine())),
              ResultsReport.fmt(Statistics.median(p.spark())),
              ResultsReport.fmt(Statistics.median(p.other())),
              p.medianRatio()));
    }
    return h.append("</table>\n").toString();
  }
}
