package dev.advancedspark.benchmarks.report;

import dev.advancedspark.benchmarks.report.ResultsReport.Baseline;
import dev.advancedspark.benchmarks.report.ResultsReport.Case;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;

/**
 * The results as a page to look at: one self-contained file (inline SVG and CSS, no script, nothing
 * fetched from the network, well-formed XML) with one section per suite: the command, machine,
 * date, load and versions of its run, and per case a bar of its ratio to the baseline with the
 * ratio's interval as an error bar (a line at 1 marks the baseline), flagged cases in red. Suites
 * measured at several sizes add their log-log cost curve.
 *
 * <p>It follows the look of Part 3's {@code RunReportPage} (the same CSS and bar style); the two
 * share no drawing code: each page draws its own few SVG elements, and nothing of it is big enough
 * to earn a place in {@code common}.
 */
public final class ResultsPage {

  private static final int WIDTH = 760;
  private static final int LABEL = 330;
  private static final int ROW = 18;

  private ResultsPage() {}

  /** The page for the results of {@code folder} ({@code cases} read from it). */
  public static String html(Path folder, List<Case> cases) throws IOException {
    Map<String, List<Case>> byClass = new TreeMap<>();
    cases.forEach(c -> byClass.computeIfAbsent(c.className(), k -> new ArrayList<>()).add(c));
    StringBuilder h = new StringBuilder();
    h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"/>\n")
        .append("<title>Benchmark results</title>\n<style>\n")
        .append("body{font-family:sans-serif;margin:24px;color:#222;max-width:800px}")
        .append(
            "h2{font-size:16px;margin:28px 0 4px}p.note{color:#555;font-size:13px;margin:2px 0}")
        .append("code{background:#f6f6f6;padding:1px 3px}")
        .append("svg text{font-size:11px;fill:#333}.bar{fill:#4a7fb5}.bar.flag{fill:#d62728}")
        .append(".err{stroke:#222;stroke-width:1.5}.one{stroke:#222;stroke-dasharray:4 3}")
        .append(".grid{stroke:#ddd}")
        .append("table.engines{border-collapse:collapse;font-size:12px;margin:8px 0}")
        .append("table.engines td,table.engines th{border:1px solid #ddd;padding:2px 6px}\n")
        .append("</style></head><body>\n")
        .append("<h1>Benchmark results</h1>\n")
        .append("<p class=\"note\">")
        .append(esc(ResultsReport.machineLine(cases)))
        .append("</p>\n<p class=\"note\">")
        .append(
            esc(
                "Bars: each case's mean time divided by its baseline's mean (below 1 is faster);"
                    + " error bars: the ratio's interval, the ends of the two JMH 99.9% confidence"
                    + " intervals divided ((mean - err) / (baseline + err) to (mean + err) /"
                    + " (baseline - err)). Red: the case's measured iterations still trend (falling:"
                    + " warm-up too short; rising: the fork slowed down as it ran)."))
        .append("</p>\n");
    for (Map.Entry<String, List<Case>> e : byClass.entrySet()) {
      String cls = e.getKey();
      List<Case> suite = e.getValue();
      Properties meta = ResultsReport.meta(folder, cls);
      h.append("<section class=\"suite\" id=\"")
          .append(esc(cls))
          .append("\">\n<h2>")
          .append(esc(cls))
          .append("</h2>\n");
      List<Properties> runs = ResultsReport.metas(folder, cls);
      boolean commitPerRun = ResultsReport.commitPerRun(runs);
      for (Properties run : runs.isEmpty() ? List.of(meta) : runs) {
        h.append("<p class=\"note\">Command: <code>")
            .append(esc(run.getProperty("command", "not recorded")))
            .append("</code><br/>")
            .append(
                esc(
                    String.format(
                        Locale.ROOT,
                        "Run %s, wall time %s s, load average before %s, after %s%s",
                        run.getProperty("started", "(date not recorded)"),
                        run.getProperty("wall_seconds", "?"),
                        run.getProperty("load_before", "?"),
                        run.getProperty("load_after", "?"),
                        commitPerRun && ResultsReport.codeOf(run) != null
                            ? "; code: " + ResultsReport.codeOf(run).replace("`", "")
                            : "")));
        if (run.getProperty("note") != null) {
          h.append("<br/>Note: ").append(esc(run.getProperty("note")));
        }
        h.append("</p>\n");
      }
      h.append("<p class=\"note\">")
          .append(
              esc(ResultsReport.versionsLine(meta, suite.get(0), commitPerRun).replace("`", "")))
          .append("</p>\n");
      h.append(ratioChart(cls, suite, cases));
      List<CostCurves.Fit> fits = CostCurves.fits(suite);
      if (!fits.isEmpty()) {
        h.append(CostCurves.svg(cls + ": time against rows (log-log)", fits));
      }
      h.append(EngineComparison.html(suite));
      h.append("</section>\n");
    }
    h.append("</body></html>\n");
    return h.toString();
  }

  /** One horizontal bar per case with a baseline: the ratio, its interval, a line at 1. */
  static String ratioChart(String cls, List<Case> suite, List<Case> all) {
    Baseline b = ResultsReport.BASELINES.get(cls);
    List<Case> shown = new ArrayList<>();
    double max = 1;
    for (Case c : suite) {
      Optional<Case> base = ResultsReport.baselineOf(c, all);
      if (base.isPresent()) {
        shown.add(c);
        Statistics.Interval i = Statistics.ratioInterval(c, base.get());
        max =
            Math.max(max, Double.isInfinite(i.high()) ? c.score() / base.get().score() : i.high());
      }
    }
    if (shown.isEmpty()) {
      return "<p class=\"note\">No baseline in these results: no ratios.</p>\n";
    }
    double scale = (WIDTH - LABEL - 60) / max;
    StringBuilder s = new StringBuilder();
    int height = ROW * shown.size() + 24;
    s.append(
        String.format(
            Locale.ROOT,
            "<svg class=\"ratios\" data-suite=\"%s\" width=\"%d\" height=\"%d\" role=\"img\">%n",
            esc(cls),
            WIDTH,
            height));
    int y = 0;
    for (Case c : shown) {
      Case base = ResultsReport.baselineOf(c, all).orElseThrow();
      double ratio = c.score() / base.score();
      Statistics.Interval i =
          base == c ? new Statistics.Interval(1, 1) : Statistics.ratioInterval(c, base);
      double high = Double.isInfinite(i.high()) ? max : i.high();
      boolean flagged = Statistics.trend(c).flagged();
      String label = c.variant(b) + " | " + c.context(b);
      s.append(
          String.format(
              Locale.ROOT,
              "<text x=\"0\" y=\"%d\">%s</text>"
                  + "<rect class=\"bar%s\" data-ratio=\"%.2f\" x=\"%d\" y=\"%d\" width=\"%.1f\""
                  + " height=\"%d\"><title>%s: %.2f (%s)</title></rect>"
                  + "<line class=\"err\" x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" y2=\"%d\"/>"
                  + "<text x=\"%.1f\" y=\"%d\">%.2f</text>%n",
              y + ROW - 5,
              esc(shorten(label, 54)),
              flagged ? " flag" : "",
              ratio,
              LABEL,
              y + 3,
              ratio * scale,
              ROW - 6,
              esc(label),
              ratio,
              i,
              LABEL + i.low() * scale,
              LABEL + high * scale,
              y + ROW / 2,
              y + ROW / 2,
              LABEL + high * scale + 4,
              y + ROW - 5,
              ratio));
      y += ROW;
    }
    s.append(
        String.format(
            Locale.ROOT,
            "<line class=\"one\" x1=\"%.1f\" x2=\"%.1f\" y1=\"0\" y2=\"%d\"/>"
                + "<text x=\"%.1f\" y=\"%d\" text-anchor=\"end\">1 = baseline (%s)</text>%n",
            LABEL + scale,
            LABEL + scale,
            y,
            LABEL + scale,
            y + 14,
            esc(b.param() + "=" + b.value())));
    s.append("</svg>\n");
    return s.toString();
  }

  private static String shorten(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max - 1) + "…";
  }

  static String esc(String s) {
    return CostCurves.esc(s);
  }
}
