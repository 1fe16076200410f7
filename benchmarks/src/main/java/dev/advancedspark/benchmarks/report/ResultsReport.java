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
import java.util.IntSummaryStatistics;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
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
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.chart.renderer.category.StatisticalBarRenderer;
import org.jfree.data.statistics.DefaultStatisticalCategoryDataset;
import org.jfree.svg.SVGGraphics2D;

/**
 * Turns JMH JSON result files into {@code RESULTS.md} and a self-contained page, {@code
 * results.html} ({@link ResultsPage}): per benchmark class a table of every case with its median,
 * mean and error, its ratio to the class's baseline variant with an interval, a flag when its
 * iterations still trend ({@link Statistics}), a bar chart with error bars (SVG drawn with
 * JFreeChart and JFreeSVG), the command, load and versions recorded by {@code run-suite.sh}, and
 * hand-written notes from {@code results/notes/<Class>.md}. Suites measured at several sizes get a
 * cost curve ({@link CostCurves}), suites with an {@code engine} beside vanilla Spark a table of
 * the two ({@link EngineComparison}), suites with db-benchmark questions geometric means per
 * question group ({@link QuestionGroups}), and per-row figures are read against the machine's
 * memory bandwidth and Spark's published figures ({@link MachineReference}).
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
          Map.entry("MemoryBandwidthBenchmark", new Baseline("threads", "1")),
          Map.entry("SparkReferenceBenchmark", new Baseline("partitions", "1")));

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
      String jdk,
      List<List<Double>> raw) {

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

  /** The HTML page written beside RESULTS.md. */
  public static final String PAGE = "results.html";

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
    Path outDir = out.toAbsolutePath().getParent();
    String md = render(folder, outDir);
    Files.writeString(out, md, StandardCharsets.UTF_8);
    Path page = outDir.resolve(PAGE);
    Files.writeString(page, ResultsPage.html(folder, read(folder)), StandardCharsets.UTF_8);
    System.out.println("Wrote " + out + " and " + page);
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
      List<List<Double>> raw = new ArrayList<>();
      JsonNode rawData = m.get("rawData");
      if (rawData != null) {
        for (JsonNode fork : rawData) {
          List<Double> values = new ArrayList<>();
          fork.forEach(v -> values.add(v.asDouble()));
          raw.add(values);
        }
      }
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
              n.get("vmName").asText() + " " + n.get("jdkVersion").asText(),
              raw));
    }
    return cases;
  }

  /** The baseline case with the same context as {@code c}, if the suite has one. */
  public static Optional<Case> baselineOf(Case c, List<Case> cases) {
    Baseline b = BASELINES.get(c.className());
    if (b == null) {
      return Optional.empty();
    }
    for (Case other : cases) {
      if (other.className().equals(c.className())
          && other.context(b).equals(c.context(b))
          && b.value().equals(other.variant(b))) {
        return Optional.of(other);
      }
    }
    return Optional.empty();
  }

  /** The ratio of each case to the baseline variant with the same context (NaN if none). */
  public static Map<Case, Double> ratios(List<Case> cases) {
    Map<Case, Double> out = new LinkedHashMap<>();
    for (Case c : cases) {
      out.put(c, baselineOf(c, cases).map(base -> c.score() / base.score()).orElse(Double.NaN));
    }
    return out;
  }

  /** What {@code run-suite.sh} recorded about one suite's run (empty if nothing). */
  public static Properties meta(Path folder, String cls) throws IOException {
    List<Properties> all = metas(folder, cls);
    return all.isEmpty() ? new Properties() : all.get(0);
  }

  /** What {@code run-suite.sh} recorded about every run of one suite, in file-name order. */
  public static List<Properties> metas(Path folder, String cls) throws IOException {
    List<Properties> out = new ArrayList<>();
    try (Stream<Path> files = Files.list(folder)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".properties")).sorted().toList()) {
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(f)) {
          p.load(in);
        }
        if (List.of(p.getProperty("classes", "").trim().split("\\s+")).contains(cls)) {
          out.add(p);
        }
      }
    }
    return out;
  }

  /**
   * The line of versions recorded with a suite's result: the measured code's git commit, the JDK,
   * Spark and DuckDB. Results from before {@code run-suite.sh} recorded them say so. {@code
   * commitPerRun}: the suite's runs measured different commits, each named on its run's line.
   */
  static String versionsLine(Properties meta, Case first, boolean commitPerRun) {
    String code = codeOf(meta);
    return String.format(
        Locale.ROOT,
        "Code: %s; JDK: %s; Spark: %s; DuckDB: %s",
        commitPerRun
            ? "the commit on each run's line"
            : code == null ? "commit not recorded (run before run-suite.sh recorded it)" : code,
        meta.getProperty("jdk", first.jdk()),
        meta.getProperty("spark_version", "not recorded"),
        meta.getProperty("duckdb_version", "not recorded"));
  }

  /** A run's commit in backticks, marked if the work tree had changes; null if not recorded. */
  static String codeOf(Properties run) {
    String commit = run.getProperty("git_commit");
    if (commit == null) {
      return null;
    }
    return "`"
        + commit
        + "`"
        + ("true".equals(run.getProperty("git_dirty")) ? " (with uncommitted changes)" : "");
  }

  /** Whether a suite's runs measured more than one commit (then each run's line names its own). */
  static boolean commitPerRun(List<Properties> runs) {
    return runs.stream().map(ResultsReport::codeOf).filter(c -> c != null).distinct().count() > 1;
  }

  /** {@code 2}, or {@code 1-2} when the cases of a suite differ (measured in several runs). */
  static String range(IntSummaryStatistics s) {
    return s.getMin() == s.getMax() ? String.valueOf(s.getMin()) : s.getMin() + "-" + s.getMax();
  }

  /** How JMH ordered the cases: the JSON lists them in the order they ran. */
  static final String ORDER_NOTE =
      "Order: JMH ran the cases in the order of the table (parameters in declaration order), all"
          + " forks of a case back to back; variants were not interleaved, so a change of load"
          + " during the run shows as a difference between neighbouring rows.";

  /** The order of an alternated run ({@code ROUNDS=N run-suite.sh}, {@link MergeRuns}). */
  static final String ALTERNATED_NOTE =
      "Order: alternated runs: one fork per round, the order of every parameter list given with"
          + " `-p` reversed in every other round, a case's forks being its rounds; a change of load"
          + " during the run falls on the early cases of one round and on the late cases of the"
          + " next, so it no longer favours one side of a comparison.";

  static boolean alternated(Properties run) {
    return run.getProperty("order", "").startsWith("alternated");
  }

  /** The suite's order sentence: JMH's default, alternated rounds, or which runs did which. */
  static String orderNote(List<Properties> runs) {
    long alternated = runs.stream().filter(ResultsReport::alternated).count();
    if (alternated == 0) {
      return ORDER_NOTE;
    }
    if (alternated == runs.size()) {
      return ALTERNATED_NOTE;
    }
    return "Order: the runs with an order line above ran alternated rounds; in the others JMH ran"
        + ORDER_NOTE.substring(ORDER_NOTE.indexOf(" the cases"));
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
            + " [README](README.md). The same results as a page with the ratio bars and their"
            + " error bars: [results.html](results.html) (self-contained, open it locally).\n\n");
    md.append("**Machine:** ").append(machineLine(cases)).append("\n\n");
    md.append(
        "Scores are times of one operation (JMH single-shot mode, one invocation per"
            + " iteration) over all forks and measurement iterations: the *median*, and JMH's mean"
            + " with its 99.9% confidence half-width (`±`). *Ratio* is the mean divided by the"
            + " baseline variant's mean in the same context (same method and other parameters):"
            + " below 1 is faster than the baseline. Its interval divides the ends of the two"
            + " confidence intervals ((mean - ±) / (baseline + ±) to (mean + ±) / (baseline -"
            + " ±)), a conservative bound. *Trend* flags a case whose measured iterations still"
            + " drift: the mean of the last half of a fork's iterations differs from the first"
            + " half's in the same direction in every fork, and by more than "
            + Math.round(Statistics.TREND_THRESHOLD * 100)
            + "% of the median averaged over the forks: *falling*, the warm-up was too short (JIT,"
            + " Spark's code generation); *rising*, something slowed the fork down as it ran (load"
            + " of other processes, a growing heap). Either way the mean is not a steady state.\n\n");
    Path overview = folder.resolve("notes").resolve("overview.md");
    if (Files.exists(overview)) {
      md.append(Files.readString(overview).strip()).append("\n\n");
    }
    Path charts = outDir.resolve("charts");
    Files.createDirectories(charts);
    for (Map.Entry<String, List<Case>> e : byClass.entrySet()) {
      String cls = e.getKey();
      List<Case> suite = e.getValue();
      Baseline b = BASELINES.get(cls);
      md.append("## ").append(cls).append("\n\n");
      Properties meta = meta(folder, cls);
      Case first = suite.get(0);
      List<Properties> runs = metas(folder, cls);
      boolean commitPerRun = commitPerRun(runs);
      for (Properties run : runs) { // a suite measured in several runs lists each
        md.append("Command: `").append(run.getProperty("command", "?")).append("`  \n");
        md.append("Run: ")
            .append(run.getProperty("started", "?"))
            .append(", wall time ")
            .append(run.getProperty("wall_seconds", "?"))
            .append(" s; load average before: ")
            .append(run.getProperty("load_before", "?"))
            .append("; after: ")
            .append(run.getProperty("load_after", "?"));
        if (commitPerRun) {
          md.append("; code: ").append(codeOf(run) == null ? "not recorded" : codeOf(run));
        }
        md.append("  \n");
        if (run.getProperty("note") != null) { // e.g. which of its cases a later run replaced
          md.append("Note: ").append(run.getProperty("note")).append("  \n");
        }
        if (alternated(run) && runs.size() > 1) {
          md.append("Order: ").append(run.getProperty("order")).append("  \n");
        }
      }
      md.append(versionsLine(meta, first, commitPerRun)).append("\n\n");
      md.append("Forks: ")
          .append(range(suite.stream().mapToInt(Case::forks).summaryStatistics()))
          .append(", measurement iterations per fork: ")
          .append(range(suite.stream().mapToInt(Case::iterations).summaryStatistics()))
          .append(". Baseline: `")
          .append(b == null ? "-" : b.param() + "=" + b.value())
          .append("`. ")
          .append(orderNote(runs))
          .append("\n\n");
      md.append(
          "| Case | Variant | Median | Mean ± | Unit | Ratio to baseline (interval) | Trend |\n");
      md.append("| --- | --- | ---: | ---: | --- | ---: | --- |\n");
      for (Case c : suite) {
        double r = ratios.get(c);
        Statistics.Trend trend = Statistics.trend(c);
        md.append("| ")
            .append(c.context(b))
            .append(" | ")
            .append(c.variant(b))
            .append(" | ")
            .append(fmt(Statistics.median(c)))
            .append(" | ")
            .append(fmt(c.score()))
            .append(" ± ")
            .append(fmt(c.error()))
            .append(" | ")
            .append(c.unit())
            .append(" | ")
            .append(ratioCell(c, r, cases))
            .append(" | ")
            .append(trend.flagged() ? "**still " + trend.describe() + "**" : "")
            .append(" |\n");
      }
      md.append('\n');
      if (QuestionGroups.hasQuestions(suite)) {
        appendQuestionGroups(md, suite, ratios);
      }
      List<CostCurves.Fit> fits = CostCurves.fits(suite);
      if (!fits.isEmpty()) {
        appendCostCurves(md, cls, fits, charts);
      }
      md.append(EngineComparison.markdown(suite));
      if (cls.equals("MemoryBandwidthBenchmark")) {
        md.append("Bandwidth (median): ");
        for (int threads = 1; threads <= 2; threads++) {
          OptionalDouble gib = MachineReference.bandwidthGiBs(cases, threads);
          md.append(threads == 1 ? "" : "; ")
              .append(threads)
              .append(threads == 1 ? " thread " : " threads ")
              .append(gib.isPresent() ? fmt(gib.getAsDouble()) + " GiB/s" : "not measured");
        }
        md.append(
            ". The fractions of bandwidth in the other sections divide by these figures.\n\n");
      }
      if (cls.equals("SparkReferenceBenchmark")) {
        appendSparkPublished(md, suite, cases);
      } else if (MachineReference.BYTES_PER_ROW.containsKey(cls)) {
        appendBandwidth(md, suite, cases);
      }
      String svg = chart(cls, suite, b);
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

  private static String ratioCell(Case c, double r, List<Case> cases) {
    if (Double.isNaN(r)) {
      return "-";
    }
    Case base = baselineOf(c, cases).orElseThrow();
    return base == c
        ? "1 (baseline)"
        : String.format(Locale.ROOT, "%.2f (%s)", r, Statistics.ratioInterval(c, base));
  }

  private static void appendQuestionGroups(
      StringBuilder md, List<Case> suite, Map<Case, Double> ratios) {
    Map<String, Map<String, QuestionGroups.Mean>> times =
        QuestionGroups.geomeans(suite, Statistics::median);
    Map<String, Map<String, QuestionGroups.Mean>> rel = QuestionGroups.geomeans(suite, ratios::get);
    md.append("Geometric means per question group (")
        .append(
            String.join(
                "; ",
                QuestionGroups.GROUPS.entrySet().stream()
                    .map(g -> g.getKey() + " = " + String.join(", ", g.getValue()))
                    .toList()))
        .append("): of the medians, and of the ratios to the baseline.\n\n");
    StringBuilder head = new StringBuilder("| Variant |");
    StringBuilder rule = new StringBuilder("| --- |");
    for (String g : QuestionGroups.GROUPS.keySet()) {
      head.append(' ').append(g).append(" (ms) | ").append(g).append(" × baseline |");
      rule.append(" ---: | ---: |");
    }
    md.append(head).append('\n').append(rule).append('\n');
    times.forEach(
        (variant, groups) -> {
          md.append("| ").append(variant).append(" |");
          for (String g : QuestionGroups.GROUPS.keySet()) {
            QuestionGroups.Mean t = groups.get(g);
            QuestionGroups.Mean r = rel.getOrDefault(variant, Map.of()).get(g);
            md.append(' ').append(t == null ? "-" : fmt(t.value()) + count(t)).append(" | ");
            md.append(r == null ? "-" : String.format(Locale.ROOT, "%.2f", r.value()) + count(r))
                .append(" |");
          }
          md.append('\n');
        });
    md.append('\n');
  }

  private static String count(QuestionGroups.Mean m) {
    return m.questions() == m.of() ? "" : " (" + m.questions() + " of " + m.of() + ")";
  }

  private static void appendCostCurves(
      StringBuilder md, String cls, List<CostCurves.Fit> fits, Path charts) throws IOException {
    md.append(
        "Cost curve: least squares of the median time against `rows`, per variant; ns per row"
            + " per core = slope × the cores the variant works with.\n\n");
    md.append(
        "| Variant | Sizes (rows) | Fixed cost (ms) | ns per row | Cores | ns per row per core |\n");
    md.append("| --- | --- | ---: | ---: | ---: | ---: |\n");
    for (CostCurves.Fit f : fits) {
      md.append("| ")
          .append(f.label())
          .append(" | ")
          .append(
              String.join(
                  ", ",
                  f.points().stream()
                      .map(p -> String.format(Locale.ROOT, "%,d", p.rows()))
                      .toList()))
          .append(" | ")
          .append(fmt(f.fixedMillis()))
          .append(" | ")
          .append(String.format(Locale.ROOT, "%.1f", f.nsPerRow()))
          .append(" | ")
          .append(f.cores())
          .append(" | ")
          .append(String.format(Locale.ROOT, "%.1f", f.nsPerRowPerCore()))
          .append(" |\n");
    }
    String name = cls + "-curve.svg";
    Files.writeString(
        charts.resolve(name),
        CostCurves.file(CostCurves.svg(cls + ": time against rows (log-log)", fits)),
        StandardCharsets.UTF_8);
    md.append("\n![").append(cls).append(" cost curve](charts/").append(name).append(")\n\n");
  }

  private static void appendSparkPublished(StringBuilder md, List<Case> suite, List<Case> all) {
    md.append(
        "Against Spark's published figures (one core, `local[1]`; see the README for the"
            + " source lines):\n\n");
    md.append(
        "| Shape | Partitions | Rows | Median (ms) | ns per row per core | Spark's ns per row |"
            + " × Spark | Fraction of bandwidth |\n");
    md.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
    for (Case c : suite) {
      MachineReference.Published p =
          MachineReference.SPARK_PUBLISHED.get(c.params().getOrDefault("shape", ""));
      double ns = MachineReference.nsPerRowPerCore(c);
      md.append(
          String.format(
              Locale.ROOT,
              "| %s | %s | %s | %s | %.1f | %s | %s | %s |%n",
              c.params().getOrDefault("shape", c.method()),
              c.params().getOrDefault("partitions", "-"),
              c.params().getOrDefault(CostCurves.ROWS, "-"),
              fmt(Statistics.median(c)),
              ns,
              p == null ? "-" : String.format(Locale.ROOT, "%.1f (%s)", p.nsPerRow(), p.file()),
              p == null ? "-" : String.format(Locale.ROOT, "%.1f", ns / p.nsPerRow()),
              percent(MachineReference.bandwidthFraction(c, all))));
    }
    md.append('\n');
  }

  private static void appendBandwidth(StringBuilder md, List<Case> suite, List<Case> all) {
    if (MachineReference.bandwidthGiBs(all, 1).isEmpty()) {
      return;
    }
    md.append(
        "Throughput against the machine: input bytes per second ("
            + MachineReference.BYTES_PER_ROW.get(suite.get(0).className())
            + " bytes per row) as a fraction of what MemoryBandwidthBenchmark streams with as many"
            + " threads as the case has cores.\n\n");
    md.append(
        "| Case | Variant | Rows per second | ns per row per core | Fraction of bandwidth |\n");
    md.append("| --- | --- | ---: | ---: | ---: |\n");
    Baseline b = BASELINES.get(suite.get(0).className());
    for (Case c : suite) {
      md.append(
          String.format(
              Locale.ROOT,
              "| %s | %s | %,.0f | %.1f | %s |%n",
              c.context(b),
              c.variant(b),
              MachineReference.rowsPerSecond(c),
              MachineReference.nsPerRowPerCore(c),
              percent(MachineReference.bandwidthFraction(c, all))));
    }
    md.append('\n');
  }

  static String percent(double fraction) {
    return Double.isNaN(fraction) ? "-" : String.format(Locale.ROOT, "%.1f%%", fraction * 100);
  }

  static String fmt(double v) {
    if (Math.abs(v) >= 100) {
      return String.format(Locale.ROOT, "%.0f", v);
    }
    if (Math.abs(v) >= 10) {
      return String.format(Locale.ROOT, "%.1f", v);
    }
    return String.format(Locale.ROOT, "%.2f", v);
  }

  /**
   * A grouped bar chart of the means with JMH's 99.9% confidence interval as error bars: one group
   * per context, one bar per variant.
   */
  static String chart(String cls, List<Case> cases, Baseline b) {
    boolean log = cls.equals("GroupByBenchmark");
    DefaultStatisticalCategoryDataset data = new DefaultStatisticalCategoryDataset();
    for (Case c : cases) {
      // on a log axis an error bar cannot reach zero: it is cut just above it
      double error = log ? Math.min(c.error(), 0.99 * c.score()) : c.error();
      data.add(c.score(), error, c.variant(b), c.context(b).replace(" rows=", " n="));
    }
    ValueAxis values;
    if (log) {
      LogAxis axis = new LogAxis("time per operation, " + cases.get(0).unit() + " (log scale)");
      axis.setSmallestValue(0.1);
      values = axis;
    } else {
      values = new NumberAxis("time per operation, " + cases.get(0).unit() + " (mean, 99.9% CI)");
    }
    CategoryAxis categories = new CategoryAxis();
    categories.setCategoryLabelPositions(CategoryLabelPositions.UP_45);
    StatisticalBarRenderer renderer = new StatisticalBarRenderer();
    renderer.setBarPainter(new StandardBarPainter());
    renderer.setShadowVisible(false);
    renderer.setErrorIndicatorPaint(Color.DARK_GRAY);
    CategoryPlot plot = new CategoryPlot(data, categories, values, renderer);
    plot.setBackgroundPaint(Color.WHITE);
    plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
    JFreeChart chart = new JFreeChart(cls, JFreeChart.DEFAULT_TITLE_FONT, plot, true);
    chart.setBackgroundPaint(Color.WHITE);
    int width = Math.max(800, 60 * data.getColumnCount() * Math.max(1, data.getRowCount()) / 2);
    SVGGraphics2D g = new SVGGraphics2D(width, 520);
    // JFreeSVG names its clip paths after the clock by default: a fixed prefix keeps a chart
    // byte-identical when its results did not change
    g.setDefsKeyPrefix("_" + cls);
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
