package dev.advancedspark.part3.monitoring;

import dev.advancedspark.part3.monitoring.RunFacts.StageFact;
import dev.advancedspark.part3.monitoring.RunFacts.TaskFact;
import dev.advancedspark.part3.monitoring.SparkDoctor.Diagnosis;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.ToLongFunction;

/**
 * The doctor's findings as a page to look at: one self-contained HTML file (inline SVG and CSS, no
 * script, nothing fetched from the network) with, per stage, the duration of every task and the
 * records each read, longest first, so that a skewed task stands out as one tall bar (drawn in red,
 * with the median as a dashed line); and shuffle and spill per stage side by side.
 *
 * <pre>
 * bin/run-example EventLogDoctor --log target/spark-events/eventlog_v2_local-... --html target/doctor.html
 * </pre>
 */
public final class RunReportPage {

  /**
   * Bars per chart; a stage with more tasks shows its longest ones and says how many it left out.
   */
  static final int MAX_BARS = 400;

  private static final int WIDTH = 720;
  private static final int HEIGHT = 120;

  private RunReportPage() {}

  /** Writes the page for {@code facts} to {@code file} (its folder is created). */
  public static Path write(Path file, String title, RunFacts facts, List<Diagnosis> findings) {
    try {
      Path parent = file.toAbsolutePath().getParent();
      Files.createDirectories(parent);
      Files.writeString(file, html(title, facts, findings), StandardCharsets.UTF_8);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write " + file, e);
    }
  }

  /** The page, as a string. */
  public static String html(String title, RunFacts facts, List<Diagnosis> findings) {
    Map<Integer, List<TaskFact>> byStage = new TreeMap<>();
    facts
        .tasks()
        .forEach(t -> byStage.computeIfAbsent(t.stageId(), id -> new ArrayList<>()).add(t));
    Map<Integer, String> names = new TreeMap<>();
    for (StageFact s : facts.stages()) {
      names.putIfAbsent(s.stageId(), s.name());
    }
    StringBuilder h = new StringBuilder();
    h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>")
        .append(esc(title))
        .append("</title>\n<style>\n")
        .append("body{font-family:sans-serif;margin:24px;color:#222;max-width:780px}")
        .append(
            "h2{font-size:16px;margin:28px 0 4px}p.note{color:#555;font-size:13px;margin:2px 0}")
        .append("pre{background:#f6f6f6;padding:8px;white-space:pre-wrap}")
        .append("svg text{font-size:11px;fill:#333}.bar{fill:#4a7fb5}.bar.max{fill:#d62728}")
        .append(".median{stroke:#222;stroke-dasharray:4 3}.read{fill:#4a7fb5}.write{fill:#8fb8de}")
        .append(".spillmem{fill:#ff7f0e}.spilldisk{fill:#d62728}\n</style></head><body>\n");
    h.append("<h1>").append(esc(title)).append("</h1>\n");
    h.append(
        String.format(
            Locale.ROOT,
            "<p class=\"note\">Spark %s, %d jobs, %d stages, %d task attempts, %d cores</p>%n",
            esc(facts.sparkVersion().isEmpty() ? "(version unknown)" : facts.sparkVersion()),
            facts.jobs(),
            facts.stages().size(),
            facts.tasks().size(),
            facts.cores()));
    h.append("<h2>Findings</h2>\n<pre>");
    if (findings.isEmpty()) {
      h.append("no findings");
    }
    findings.forEach(f -> h.append(esc(f.toString())).append('\n'));
    h.append("</pre>\n");
    h.append("<h2>Shuffle and spill per stage</h2>\n");
    h.append(ioChart(byStage));
    for (Map.Entry<Integer, List<TaskFact>> e : byStage.entrySet()) {
      int id = e.getKey();
      List<TaskFact> tasks = e.getValue();
      long[] ms = tasks.stream().mapToLong(TaskFact::durationMillis).sorted().toArray();
      long median = ms[ms.length / 2];
      long max = ms[ms.length - 1];
      h.append(
          String.format(
              Locale.ROOT,
              "<h2 id=\"stage-%d\">Stage %d: %s</h2>%n"
                  + "<p class=\"note\">%d tasks; duration median %d ms, max %d ms (%.1fx the"
                  + " median); longest first, red = the longest</p>%n",
              id,
              id,
              esc(names.getOrDefault(id, "")),
              tasks.size(),
              median,
              max,
              (double) max / Math.max(1, median)));
      h.append(taskChart(id, "durations", "ms", tasks, TaskFact::durationMillis));
      h.append(taskChart(id, "records", "records read", tasks, TaskFact::recordsRead));
    }
    h.append("</body></html>\n");
    return h.toString();
  }

  /** One bar per task, longest first; the longest in red; the median as a dashed line. */
  private static String taskChart(
      int stageId, String kind, String unit, List<TaskFact> tasks, ToLongFunction<TaskFact> value) {
    List<Long> values =
        tasks.stream().map(value::applyAsLong).sorted(Comparator.reverseOrder()).toList();
    long max = values.get(0);
    // the median as the doctor takes it: the middle of the values in ascending order
    long median = values.get(values.size() - 1 - values.size() / 2);
    List<Long> drawn = values.subList(0, Math.min(MAX_BARS, values.size()));
    int left = 110;
    double slot = (double) (WIDTH - left - 10) / drawn.size();
    double barWidth = Math.max(1, slot * 0.8);
    StringBuilder s = new StringBuilder();
    s.append(
        String.format(
            Locale.ROOT,
            "<svg class=\"%s\" data-stage=\"%d\" width=\"%d\" height=\"%d\" role=\"img\">%n",
            kind,
            stageId,
            WIDTH,
            HEIGHT + 20));
    s.append(
        String.format(
            Locale.ROOT,
            "<text x=\"0\" y=\"12\">%s</text><text x=\"0\" y=\"26\">max %,d</text>"
                + "<text x=\"0\" y=\"%d\">0</text>%n",
            esc(unit),
            max,
            HEIGHT));
    for (int i = 0; i < drawn.size(); i++) {
      long v = drawn.get(i);
      double h = max == 0 ? 0 : (double) v * (HEIGHT - 10) / max;
      s.append(
          String.format(
              Locale.ROOT,
              "<rect class=\"bar%s\" data-value=\"%d\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\""
                  + " height=\"%.1f\"><title>%,d %s</title></rect>%n",
              i == 0 ? " max" : "",
              v,
              left + i * slot,
              HEIGHT - h,
              barWidth,
              h,
              v,
              esc(unit)));
    }
    double my = max == 0 ? HEIGHT : HEIGHT - (double) median * (HEIGHT - 10) / max;
    s.append(
        String.format(
            Locale.ROOT,
            "<line class=\"median\" x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\"/>"
                + "<text x=\"%d\" y=\"%.1f\">median %,d</text>%n",
            left,
            WIDTH - 10,
            my,
            my,
            WIDTH - 120,
            Math.max(12, my - 3),
            median));
    if (drawn.size() < values.size()) {
      s.append(
          String.format(
              Locale.ROOT,
              "<text x=\"%d\" y=\"%d\">%d shorter tasks not drawn</text>%n",
              left,
              HEIGHT + 16,
              values.size() - drawn.size()));
    }
    s.append("</svg>\n");
    return s.toString();
  }

  /** Per stage: shuffle read, shuffle write, spill (memory), spill (disk), on one byte scale. */
  private static String ioChart(Map<Integer, List<TaskFact>> byStage) {
    String[] kinds = {"read", "write", "spillmem", "spilldisk"};
    String[] labels = {"shuffle read", "shuffle write", "spill (memory)", "spill (disk)"};
    List<ToLongFunction<TaskFact>> metrics =
        List.of(
            TaskFact::shuffleReadBytes,
            TaskFact::shuffleWriteBytes,
            TaskFact::memorySpillBytes,
            TaskFact::diskSpillBytes);
    long max = 1;
    Map<Integer, long[]> sums = new TreeMap<>();
    for (Map.Entry<Integer, List<TaskFact>> e : byStage.entrySet()) {
      long[] sum = new long[kinds.length];
      for (int k = 0; k < kinds.length; k++) {
        ToLongFunction<TaskFact> m = metrics.get(k);
        sum[k] = e.getValue().stream().mapToLong(m).sum();
        max = Math.max(max, sum[k]);
      }
      sums.put(e.getKey(), sum);
    }
    int row = 12;
    int groupHeight = row * kinds.length + 10;
    int left = 190;
    StringBuilder s = new StringBuilder();
    s.append(
        String.format(
            Locale.ROOT,
            "<svg class=\"io\" width=\"%d\" height=\"%d\" role=\"img\">%n",
            WIDTH,
            sums.size() * groupHeight + 10));
    int y = 0;
    for (Map.Entry<Integer, long[]> e : sums.entrySet()) {
      s.append(
          String.format(
              Locale.ROOT, "<text x=\"0\" y=\"%d\">stage %d</text>%n", y + row, e.getKey()));
      for (int k = 0; k < kinds.length; k++) {
        long v = e.getValue()[k];
        double w = (double) v * (WIDTH - left - 90) / max;
        s.append(
            String.format(
                Locale.ROOT,
                "<text x=\"70\" y=\"%d\">%s</text><rect class=\"%s\" data-stage=\"%d\""
                    + " data-bytes=\"%d\" x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%d\"/>"
                    + "<text x=\"%.1f\" y=\"%d\">%s</text>%n",
                y + row * (k + 1) - 2,
                labels[k],
                kinds[k],
                e.getKey(),
                v,
                left,
                y + row * k + 2,
                w,
                row - 3,
                left + w + 4,
                y + row * (k + 1) - 2,
                bytes(v)));
      }
      y += groupHeight;
    }
    s.append("</svg>\n");
    return s.toString();
  }

  static String bytes(long b) {
    if (b < 1024) {
      return b + " B";
    }
    String[] units = {"KiB", "MiB", "GiB", "TiB"};
    double v = b;
    int u = -1;
    while (v >= 1024 && u < units.length - 1) {
      v /= 1024;
      u++;
    }
    return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
  }

  private static String esc(String s) {
    return s.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\"", "&quot;");
  }
}
