package dev.advancedspark.benchmarks.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.Color;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.CategoryLabelPositions;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.svg.SVGGraphics2D;

/**
 * Turns JMH JSON result files into {@code RESULTS.md}: per benchmark class a table of every case
 * with its score, error and ratio to the class's baseline variant, a bar chart (SVG drawn with
 * JFreeChart and JFreeSVG), the command and machine load recorded by {@code run-suite.sh}, and
 * hand-written notes from {@code results/notes/<Class>.md}.
 *
 * <pre>{@code
 * java -cp benchmarks/target/benchmarks.jar dev.advancedspark.benchmarks.report.ResultsReport \
 *     benchmarks/results benchmarks/RESULTS.md
 * }</pre>
 */
public final class ResultsReport {

  /** Which parameter names the variant of a class, and which variant the others are compared to. */
  public record Baseline(String param, String value) {}

  /** The variant parameter and baseline of each suite. */
  public static final Map<String, Baseline> BASELINES =
      Map.ofEntries(
          Map.entry("JoinBenchmark", new Baseline("strategy", "SORT_MERGE")),
          Map.entry("ShufflePartitionsBenchmark", new Baseline("mode", "200")),
          Map.entry("RepartitionVsCoalesceBenchmark", new Baseline("op", "repartition")),
          Map.entry("ReduceByKeyBenchmark", new Baseline("op", "groupByKey")),
          Map.entry("CachingBenchmark", new Baseline("level", "NONE")),
          Map.entry("CheckpointBenchmark", new Baseline("mode", "none")),
          Map.entry("SerializationBenchmark", new Baseline("serializer", "java")),
          Map.entry("GroupByBenchmark", new Baseline("engine", "duckdb")),
          Map.entry("SkewJoinBenchmark", new Baseline("variant", "NONE")),
          Map.entry("UdfBenchmark", new Baseline("predicate", "udf")),
          Map.entry("FileFormatBenchmark", new Baseline("format", "CSV")),
          Map.entry("SpillBenchmark", new Baseline("variant", "0.005x2")),
          Map.entry("MemoryBandwidthBenchmark", new Baseline("threads", "1")));

  /** One JMH result: a benchmark method with one set of parameters. */
  public record Case(
      String className,
      String method,
      Map<String, String> params,
      double score,
      double error,
      String unit,
      int forks,
      int iterations,
      String jdk) {

    /** The parameters other than the variant: cases with the same context are compared. */
    String context(Baseline b) {
      Map<String, String> rest = new TreeMap<>(params);
      if (b != null) {
        rest.remove(b.param());
      }
      StringBuilder sb = new StringBuilder(method);
      rest.forEach((k, v) -> sb.append(' ').append(k).append('=').append(v));
      return sb.toString();
    }

    String variant(Baseline b) {
      return b == null ? method : params.getOrDefault(b.param(), method);
    }
  }

  private ResultsReport() {}

  public static void main(String[] args) throws IOException {
    if (args.length != 2) {
      System.err.println("usage: ResultsReport <results folder with jmh-*.json> <RESULTS.md>");
      System.exit(2);
    }
    Path folder = Path.of(args[0]);
    Path out = Path.of(args[1]);
    if (!Files.isDirectory(folder)) {
      System.err.println("No results folder " + folder + ": run benchmarks/run-suite.sh first.");
      System.exit(2);
    }
    String md = render(folder, out.toAbsolutePath().getParent());
    Files.writeString(out, md, StandardCharsets.UTF_8);
    System.out.println("Wrote " + out);
  }

  /** Reads every {@code jmh-*.json} of {@code folder}. */
  public static List<Case> read(Path folder) throws IOException {
    List<Case> cases = new ArrayList<>();
    try (Stream<Path> files = Files.list(folder)) {
      for (Path f :
          files
              .filter(p -> p.getFileName().toString().matches("jmh-.*\\.json"))
              .sorted()
              .toList()) {
        cases.addAll(parse(Files.readString(f)));
      }
    }
    return cases;
  }

  /** Parses JMH's JSON output ({@code -rf json}). */
  public static List<Case> parse(String json) throws IOException {
    JsonNode root = new ObjectMapper().readTree(json);
    List<Case> cases = new ArrayList<>();
    for (JsonNode n : root) {
      String benchmark = n.get("benchmark").asText();
      int dot = benchmark.lastIndexOf('.');
      String fqcn = benchmark.substring(0, dot);
      Map<String, String> params = new LinkedHashMap<>();
      JsonNode p = n.get("params");
      if (p != null) {
        Iterator<Map.Entry<String, JsonNode>> it = p.fields();
        while (it.hasNext()) {
          Map.Entry<String, JsonNode> e = it.next();
          params.put(e.getKey(), e.getValue().asText());
        }
      }
      JsonNode m = n.get("primaryMetric");
      double error = m.get("scoreError").asDouble();
      cases.add(
          new Case(
              fqcn.substring(fqcn.lastIndexOf('.') + 1),
              benchmark.substring(dot + 1),
              params,
              m.get("score").asDouble(),
              Double.isNaN(error) ? 0 : error,
              m.get("scoreUnit").asText(),
              n.get("forks").asInt(),
              n.get("measurementIterations").asInt(),
              n.get("vmName").asText() + " " + n.get("jdkVersion").asText()));
    }
    return cases;
  }

  /** The ratio of each case to the baseline variant with the same context (NaN if none). */
  public static Map<Case, Double> ratios(List<Case> cases) {
    Map<Case, Double> out = new LinkedHashMap<>();
    for (Case c : cases) {
      Baseline b = BASELINES.get(c.className());
      double ratio = Double.NaN;
      if (b != null) {
        for (Case other : cases) {
          if (other.className().equals(c.className())
              && other.context(b).equals(c.context(b))
              && b.value().equals(other.variant(b))) {
            ratio = c.score() / other.score();
          }
        }
      }
      out.put(c, ratio);
    }
    return out;
  }

  /** Geometric mean of each variant's ratio to the baseline over the methods (GroupBy q1-q5). */
  public static Map<String, Double> geomeanRatios(List<Case> cases, String className) {
    Map<Case, Double> ratios = ratios(cases);
    Baseline b = BASELINES.get(className);
    Map<String, List<Double>> byVariant = new LinkedHashMap<>();
    for (Case c : cases) {
      if (c.className().equals(className) && !ratios.get(c).isNaN()) {
        byVariant.computeIfAbsent(c.variant(b), k -> new ArrayList<>()).add(ratios.get(c));
      }
    }
    Map<String, Double> out = new LinkedHashMap<>();
    byVariant.forEach(
        (v, rs) -> out.put(v, Math.exp(rs.stream().mapToDouble(Math::log).average().orElse(0))));
    return out;
  }

  static String render(Path folder, Path outDir) throws IOException {
    List<Case> cases = read(folder);
    Map<Case, Double> ratios = ratios(cases);
    Map<String, List<Case>> byClass = new TreeMap<>();
    for (Case c : cases) {
      byClass.computeIfAbsent(c.className(), k -> new ArrayList<>()).add(c);
    }
    StringBuilder md = new StringBuilder();
    md.append("# Benchmark results\n\n");
    md.append(
        "Generated by `ResultsReport` from the JMH JSON files in [results/](results/); do not"
            + " edit by hand (notes come from `results/notes/*.md`). How to rerun: see the"
            + " [README](README.md).\n\n");
    md.append("**Machine:** ").append(machineLine(cases)).append("\n\n");
    md.append(
        "Scores are the mean time of one operation (JMH single-shot mode, one invocation per"
            + " iteration) with JMH's 99.9% confidence half-width (`±`), over all forks and"
            + " measurement iterations. *Ratio* is the score divided by the baseline variant's"
            + " score in the same context (same method and other parameters): below 1 is faster"
            + " than the baseline.\n\n");
    Path overview = folder.resolve("notes").resolve("overview.md");
    if (Files.exists(overview)) {
      md.append(Files.readString(overview).strip()).append("\n\n");
    }
    Path charts = outDir.resolve("charts");
    Files.createDirectories(charts);
    for (Map.Entry<String, List<Case>> e : byClass.entrySet()) {
      String cls = e.getKey();
      Baseline b = BASELINES.get(cls);
      md.append("## ").append(cls).append("\n\n");
      Properties meta = meta(folder, cls);
      if (meta != null) {
        md.append("Command: `").append(meta.getProperty("command", "?")).append("`  \n");
        md.append("Run: ")
            .append(meta.getProperty("started", "?"))
            .append(", wall time ")
            .append(meta.getProperty("wall_seconds", "?"))
            .append(" s; load average before: ")
            .append(meta.getProperty("load_before", "?"))
            .append("; after: ")
            .append(meta.getProperty("load_after", "?"))
            .append("\n\n");
      }
      Case first = e.getValue().get(0);
      md.append("Forks: ")
          .append(first.forks())
          .append(", measurement iterations per fork: ")
          .append(first.iterations())
          .append(". Baseline: `")
          .append(b == null ? "-" : b.param() + "=" + b.value())
          .append("`.\n\n");
      md.append("| Case | Variant | Score | ± | Unit | Ratio to baseline |\n");
      md.append("| --- | --- | ---: | ---: | --- | ---: |\n");
      for (Case c : e.getValue()) {
        double r = ratios.get(c);
        md.append("| ")
            .append(c.context(b))
            .append(" | ")
            .append(c.variant(b))
            .append(" | ")
            .append(fmt(c.score()))
            .append(" | ")
            .append(fmt(c.error()))
            .append(" | ")
            .append(c.unit())
            .append(" | ")
            .append(Double.isNaN(r) ? "-" : String.format(Locale.ROOT, "%.2f", r))
            .append(" |\n");
      }
      md.append('\n');
      if (cls.equals("GroupByBenchmark")) {
        md.append("Geometric mean over q1-q5 of the time relative to DuckDB:\n\n");
        md.append("| Engine | × DuckDB (geomean q1-q5) |\n| --- | ---: |\n");
        geomeanRatios(e.getValue(), cls)
            .forEach(
                (v, g) ->
                    md.append("| ")
                        .append(v)
                        .append(" | ")
                        .append(String.format(Locale.ROOT, "%.2f", g))
                        .append(" |\n"));
        md.append('\n');
      }
      String svg = chart(cls, e.getValue(), b);
      Files.writeString(charts.resolve(cls + ".svg"), svg, StandardCharsets.UTF_8);
      md.append("![").append(cls).append("](charts/").append(cls).append(".svg)\n\n");
      Path notes = folder.resolve("notes").resolve(cls + ".md");
      if (Files.exists(notes)) {
        md.append(Files.readString(notes).strip()).append("\n\n");
      }
    }
    md.append("[Back to the benchmarks README](README.md)\n");
    return md.toString();
  }

  private static Properties meta(Path folder, String cls) throws IOException {
    try (Stream<Path> files = Files.list(folder)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".properties")).sorted().toList()) {
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(f)) {
          p.load(in);
        }
        if (p.getProperty("classes", "").contains(cls)) {
          return p;
        }
      }
    }
    return null;
  }

  static String fmt(double v) {
    if (v >= 100) {
      return String.format(Locale.ROOT, "%.0f", v);
    }
    if (v >= 10) {
      return String.format(Locale.ROOT, "%.1f", v);
    }
    return String.format(Locale.ROOT, "%.2f", v);
  }

  /** A grouped bar chart of the scores: one group per context, one bar per variant. */
  static String chart(String cls, List<Case> cases, Baseline b) {
    DefaultCategoryDataset data = new DefaultCategoryDataset();
    for (Case c : cases) {
      data.addValue(c.score(), c.variant(b), c.context(b).replace(" rows=", " n="));
    }
    boolean log = cls.equals("GroupByBenchmark");
    ValueAxis values;
    if (log) {
      LogAxis axis = new LogAxis("time per operation, " + cases.get(0).unit() + " (log scale)");
      axis.setSmallestValue(0.1);
      values = axis;
    } else {
      values = new NumberAxis("time per operation, " + cases.get(0).unit());
    }
    CategoryAxis categories = new CategoryAxis();
    categories.setCategoryLabelPositions(CategoryLabelPositions.UP_45);
    BarRenderer renderer = new BarRenderer();
    renderer.setBarPainter(new StandardBarPainter());
    renderer.setShadowVisible(false);
    CategoryPlot plot = new CategoryPlot(data, categories, values, renderer);
    plot.setBackgroundPaint(Color.WHITE);
    plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
    JFreeChart chart = new JFreeChart(cls, JFreeChart.DEFAULT_TITLE_FONT, plot, true);
    chart.setBackgroundPaint(Color.WHITE);
    int width = Math.max(800, 60 * data.getColumnCount() * Math.max(1, data.getRowCount()) / 2);
    SVGGraphics2D g = new SVGGraphics2D(width, 520);
    chart.draw(g, new java.awt.Rectangle(0, 0, width, 520));
    return g.getSVGDocument();
  }

  /** CPU model, cores, memory, JDK and Spark version of the machine that ran the benchmarks. */
  public static String machineLine(List<Case> cases) {
    String cpu = "unknown CPU";
    String mem = "? GB";
    try {
      for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
        if (line.startsWith("model name")) {
          cpu = line.substring(line.indexOf(':') + 1).trim();
          break;
        }
      }
      for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
        if (line.startsWith("MemTotal")) {
          long kb = Long.parseLong(line.replaceAll("[^0-9]", ""));
          mem = String.format(Locale.ROOT, "%.1f GB", kb / 1024.0 / 1024.0);
        }
      }
    } catch (IOException | UncheckedIOException e) {
      // Not Linux: keep the placeholders, the JDK and core count still say something.
    }
    String jdk = cases.isEmpty() ? System.getProperty("java.vm.name") : cases.get(0).jdk();
    return String.format(
        Locale.ROOT,
        "%s, %d cores (`nproc`), %s RAM, %s, Spark %s, %s",
        cpu,
        Runtime.getRuntime().availableProcessors(),
        mem,
        jdk,
        org.apache.spark.package$.MODULE$.SPARK_VERSION(),
        System.getProperty("os.name") + " " + System.getProperty("os.arch"));
  }
}
