package dev.advancedspark.benchmarks.report;

import dev.advancedspark.benchmarks.report.ResultsReport.Case;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Fixed cost and per-row cost of each variant of a suite measured at several sizes (its {@code
 * rows} parameter): the least-squares line {@code time = fixed + slope x rows} through the medians,
 * the slope in ns per row and per row and core, and a log-log chart of time against rows.
 */
public final class CostCurves {

  /** The parameter that holds a suite's size. */
  public static final String ROWS = "rows";

  /**
   * Cores a variant works with when no parameter says: the benchmarks run {@code local[2]} and
   * DuckDB with 2 threads; the groupby suite's Java engines ({@code java-dense}, {@code java-hash})
   * are one thread. A {@code threads} or {@code partitions} parameter wins.
   */
  public static final Map<String, Integer> CORES_BY_VARIANT =
      Map.of("engine=java", 1, "engine=java-dense", 1, "engine=java-hash", 1);

  /** Cores of the machine's benchmark sessions ({@code local[2]}). */
  public static final int DEFAULT_CORES = 2;

  private CostCurves() {}

  /** One measured size: rows and the median time in ms. */
  public record Point(long rows, double millis) {}

  /**
   * The fitted line of one variant.
   *
   * @param label method and every parameter but {@code rows}
   * @param fixedMillis the intercept: time at zero rows
   * @param nsPerRow the slope
   * @param cores the cores the variant works with
   */
  public record Fit(
      String className,
      String label,
      List<Point> points,
      double fixedMillis,
      double nsPerRow,
      int cores) {

    public double nsPerRowPerCore() {
      return nsPerRow * cores;
    }
  }

  /** The cores a case works with: {@code threads}, {@code partitions}, the table, or 2. */
  public static int cores(Case c) {
    for (String p : List.of("threads", "partitions")) {
      String v = c.params().get(p);
      if (v != null && v.matches("\\d+")) {
        return Integer.parseInt(v);
      }
    }
    for (Map.Entry<String, Integer> e : CORES_BY_VARIANT.entrySet()) {
      String[] kv = e.getKey().split("=", 2);
      if (kv[1].equals(c.params().get(kv[0]))) {
        return e.getValue();
      }
    }
    return DEFAULT_CORES;
  }

  static String label(Case c) {
    Map<String, String> rest = new TreeMap<>(c.params());
    rest.remove(ROWS);
    StringBuilder sb = new StringBuilder(c.method());
    rest.forEach((k, v) -> sb.append(' ').append(k).append('=').append(v));
    return sb.toString();
  }

  /**
   * A fit per variant of {@code cases} (one class) measured at two or more sizes; variants at one
   * size have none.
   */
  public static List<Fit> fits(List<Case> cases) {
    Map<String, List<Case>> byLabel = new TreeMap<>();
    for (Case c : cases) {
      String rows = c.params().get(ROWS);
      if (rows != null && rows.matches("\\d+")) {
        byLabel.computeIfAbsent(label(c), k -> new ArrayList<>()).add(c);
      }
    }
    List<Fit> fits = new ArrayList<>();
    byLabel.forEach(
        (label, cs) -> {
          List<Point> points = new ArrayList<>();
          for (Case c : cs) {
            points.add(new Point(Long.parseLong(c.params().get(ROWS)), Statistics.median(c)));
          }
          points.sort((a, b) -> Long.compare(a.rows(), b.rows()));
          if (points.stream().map(Point::rows).distinct().count() >= 2) {
            double[] line = leastSquares(points);
            fits.add(
                new Fit(
                    cs.get(0).className(),
                    label,
                    points,
                    line[0],
                    line[1] * 1e6,
                    cores(cs.get(0))));
          }
        });
    return fits;
  }

  /** {intercept, slope} of the least-squares line of millis against rows. */
  static double[] leastSquares(List<Point> points) {
    int n = points.size();
    double mx = points.stream().mapToDouble(Point::rows).average().orElse(0);
    double my = points.stream().mapToDouble(Point::millis).average().orElse(0);
    double sxy = 0;
    double sxx = 0;
    for (Point p : points) {
      sxy += (p.rows() - mx) * (p.millis() - my);
      sxx += (p.rows() - mx) * (p.rows() - mx);
    }
    double slope = n < 2 || sxx == 0 ? 0 : sxy / sxx;
    return new double[] {my - slope * mx, slope};
  }

  private static final String[] COLORS = {
    "#4a7fb5", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
    "#bcbd22", "#17becf"
  };

  /** A log-log chart (inline SVG, no script) of time against rows, one line per fit. */
  public static String svg(String title, List<Fit> fits) {
    int width = 720;
    int plotHeight = 300;
    int left = 70;
    int top = 30;
    int plotWidth = width - left - 20;
    int legend = 16 * fits.size() + 10;
    double minX = Double.MAX_VALUE;
    double maxX = -Double.MAX_VALUE;
    double minY = Double.MAX_VALUE;
    double maxY = -Double.MAX_VALUE;
    for (Fit f : fits) {
      for (Point p : f.points()) {
        minX = Math.min(minX, Math.log10(p.rows()));
        maxX = Math.max(maxX, Math.log10(p.rows()));
        minY = Math.min(minY, Math.log10(Math.max(p.millis(), 1e-3)));
        maxY = Math.max(maxY, Math.log10(Math.max(p.millis(), 1e-3)));
      }
    }
    minX = Math.floor(minX);
    maxX = Math.max(minX + 1, Math.ceil(maxX));
    minY = Math.floor(minY);
    maxY = Math.max(minY + 1, Math.ceil(maxY));
    StringBuilder s = new StringBuilder();
    s.append(
        String.format(
            Locale.ROOT,
            "<svg class=\"costcurve\" width=\"%d\" height=\"%d\" role=\"img\">%n",
            width,
            top + plotHeight + 40 + legend));
    s.append(String.format(Locale.ROOT, "<text x=\"0\" y=\"14\">%s</text>%n", esc(title)));
    for (int d = (int) minX; d <= maxX; d++) {
      double x = left + (d - minX) / (maxX - minX) * plotWidth;
      s.append(
          String.format(
              Locale.ROOT,
              "<line class=\"grid\" x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" y2=\"%d\"/>"
                  + "<text x=\"%.1f\" y=\"%d\">1e%d</text>%n",
              x,
              x,
              top,
              top + plotHeight,
              x - 10,
              top + plotHeight + 14,
              d));
    }
    for (int d = (int) minY; d <= maxY; d++) {
      double y = top + plotHeight - (d - minY) / (maxY - minY) * plotHeight;
      s.append(
          String.format(
              Locale.ROOT,
              "<line class=\"grid\" x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\"/>"
                  + "<text x=\"0\" y=\"%.1f\">%s ms</text>%n",
              left,
              left + plotWidth,
              y,
              y,
              y + 4,
              ResultsReport.fmt(Math.pow(10, d))));
    }
    s.append(
        String.format(
            Locale.ROOT,
            "<text x=\"%d\" y=\"%d\">rows (log scale); time per operation, median (log scale)</text>%n",
            left,
            top + plotHeight + 30));
    for (int i = 0; i < fits.size(); i++) {
      Fit f = fits.get(i);
      String color = COLORS[i % COLORS.length];
      StringBuilder pts = new StringBuilder();
      for (Point p : f.points()) {
        double x = left + (Math.log10(p.rows()) - minX) / (maxX - minX) * plotWidth;
        double y =
            top
                + plotHeight
                - (Math.log10(Math.max(p.millis(), 1e-3)) - minY) / (maxY - minY) * plotHeight;
        pts.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
        s.append(
            String.format(
                Locale.ROOT,
                "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\"><title>%s: %,d rows,"
                    + " %s ms</title></circle>%n",
                x,
                y,
                color,
                esc(f.label()),
                p.rows(),
                ResultsReport.fmt(p.millis())));
      }
      s.append(
          String.format(
              Locale.ROOT,
              "<polyline fill=\"none\" stroke=\"%s\" points=\"%s\"/>%n",
              color,
              pts.toString().strip()));
      int ly = top + plotHeight + 46 + 16 * i;
      s.append(
          String.format(
              Locale.ROOT,
              "<rect x=\"%d\" y=\"%d\" width=\"10\" height=\"10\" fill=\"%s\"/>"
                  + "<text x=\"%d\" y=\"%d\">%s: fixed %s ms, %.1f ns/row, %.1f ns/row/core</text>%n",
              left,
              ly - 9,
              color,
              left + 16,
              ly,
              esc(f.label()),
              ResultsReport.fmt(f.fixedMillis()),
              f.nsPerRow(),
              f.nsPerRowPerCore()));
    }
    s.append("</svg>\n");
    return s.toString();
  }

  /**
   * The chart as a stand-alone {@code .svg} file, which needs SVG's namespace name (an identifier,
   * nothing is fetched); inside the HTML page the namespace is implied.
   */
  public static String file(String svg) {
    return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        + svg.replaceFirst("<svg ", "<svg xmlns=\"http://www.w3.org/2000/svg\" ");
  }

  static String esc(String s) {
    return s.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\"", "&quot;");
  }
}
