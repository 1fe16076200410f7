package dev.advancedspark.part3.monitoring;

import dev.advancedspark.common.ExampleArgs;
import dev.advancedspark.common.Examples;
import dev.advancedspark.common.RunnableExample;
import dev.advancedspark.common.UsageException;
import dev.advancedspark.part3.monitoring.SparkDoctor.Diagnosis;
import dev.advancedspark.part3.monitoring.SparkDoctor.Thresholds;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The {@link SparkDoctor} on a Spark event log: point it at a production run's log (a file, or the
 * folder of a rolling log, {@code eventlog_v2_*}), plain or compressed with zstd (Spark 4's
 * default), lz4 or snappy.
 *
 * <pre>
 * bin/run-example BottleneckReportExample --rows 2M --skew hot:0.9 --event-log
 * bin/run-example EventLogDoctor --log target/spark-events/local-1767225600000.zstd
 * bin/run-example EventLogDoctor --log ... --html target/doctor.html   # the same as a page with charts
 * </pre>
 *
 * Bad input is a one-line message and exit status 2: a missing path, a folder of several logs (it
 * lists them), a file that is not an event log, a log with no finished task. A last line cut short
 * (a run still writing, or killed) is skipped with a note.
 */
@RunnableExample("Spark doctor: diagnoses a Spark event log (skew, spill, GC, small files, ...)")
public final class EventLogDoctor {

  static final ExampleArgs ARGS =
      ExampleArgs.forTool("EventLogDoctor")
          .option("log", "", "a Spark event log file, or a rolling event log folder (required)")
          .option(
              "thresholds",
              "default",
              "default (production runs) or small (the tiny runs of this repository)")
          .option(
              "html",
              "",
              "also write the report as a self-contained HTML page (inline SVG) to this file");

  private static final Pattern ROLLING_PART = Pattern.compile("events_(\\d+)_.*");

  private EventLogDoctor() {}

  public static void main(String[] args) {
    // runTool parses (and, for the bad-arguments test, stops there); run() reports every other
    // bad input as one line with status 2.
    Examples.runTool(args, ARGS, EventLogDoctor::run);
  }

  /** Reads, diagnoses and prints; returns 0, or 2 with a one-line message for bad input. */
  static int run(String[] args, PrintStream out, PrintStream err) {
    try {
      ExampleArgs.Parsed opts = ARGS.parse(args);
      if (opts.get("log").isEmpty()) {
        throw new UsageException("--log is required.", ARGS.usage());
      }
      Thresholds thresholds =
          switch (opts.get("thresholds")) {
            case "default" -> Thresholds.defaults();
            case "small" -> Thresholds.smallData();
            default ->
                throw new UsageException(
                    "--thresholds must be 'default' or 'small', got '"
                        + opts.get("thresholds")
                        + "'.",
                    ARGS.usage());
          };
      Path log = Path.of(opts.get("log"));
      RunEvents events = new RunEvents();
      List<Path> parts = parts(log);
      for (Path part : parts) {
        read(part, events);
      }
      RunFacts facts = events.facts();
      if (events.truncatedLines() > 0) {
        out.println(
            "note: the last line of the log is cut short (the run was still writing it, or was"
                + " killed); read the events before it");
      }
      if (facts.tasks().isEmpty()) {
        throw UsageException.problem(
            log + " holds no finished task: an empty run, or a log of its first seconds.");
      }
      out.printf(
          "%s: Spark %s, %d jobs, %d stages, %d task attempts, %d cores%n",
          log,
          facts.sparkVersion().isEmpty() ? "(version unknown)" : facts.sparkVersion(),
          facts.jobs(),
          facts.stages().size(),
          facts.tasks().size(),
          facts.cores());
      if (facts.sparkVersion().matches("[12]\\..*")) {
        out.println(
            "note: written by Spark "
                + facts.sparkVersion()
                + "; the doctor reads 3.x and 4.x logs, metrics an older log lacks count as 0");
      }
      List<Diagnosis> findings = SparkDoctor.diagnose(facts, thresholds);
      if (findings.isEmpty()) {
        out.println("no findings");
      }
      findings.forEach(out::println);
      if (!opts.get("html").isEmpty()) {
        Path page =
            RunReportPage.write(
                Path.of(opts.get("html")), "Spark doctor: " + log.getFileName(), facts, findings);
        out.println("report: " + page.toAbsolutePath());
      }
      return 0;
    } catch (UsageException e) {
      return Examples.report(e, out, err);
    } catch (RunEvents.NotAnEventLog e) {
      err.println("error: " + opts(args) + " is not a Spark event log: " + e.getMessage() + ".");
      return 2;
    } catch (UncheckedIOException e) {
      err.println("error: cannot read " + opts(args) + ": " + e.getCause().getMessage());
      return 2;
    }
  }

  private static String opts(String[] args) {
    try {
      return ARGS.parse(args).get("log");
    } catch (UsageException e) {
      return "the log";
    }
  }

  /** The files of a log: the file itself, or the parts of a rolling log folder in order. */
  static List<Path> parts(Path log) {
    if (!Files.exists(log)) {
      throw UsageException.problem("event log not found: " + log.toAbsolutePath());
    }
    if (!Files.isDirectory(log)) {
      return List.of(log);
    }
    List<Path> children;
    try (Stream<Path> s = Files.list(log)) {
      children = s.sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<Path> rolling = new ArrayList<>();
    for (Path p : children) {
      Matcher m = ROLLING_PART.matcher(p.getFileName().toString());
      if (m.matches()) {
        rolling.add(p);
      }
    }
    if (!rolling.isEmpty()) {
      rolling.sort(
          Comparator.comparingLong(
              p -> {
                Matcher m = ROLLING_PART.matcher(p.getFileName().toString());
                m.matches();
                return Long.parseLong(m.group(1));
              }));
      return rolling;
    }
    throw UsageException.problem(
        log
            + " is a folder of "
            + children.size()
            + " entries, not one run's log; pick one: "
            + children.stream()
                .limit(5)
                .map(p -> p.getFileName().toString())
                .reduce((a, b) -> a + ", " + b)
                .orElse("(empty)"));
  }

  private static void read(Path file, RunEvents events) {
    try (InputStream raw = Files.newInputStream(file);
        InputStream in = decompress(file, raw);
        BufferedReader reader =
            new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      String previous = null;
      String line;
      while (true) {
        try {
          line = reader.readLine();
        } catch (IOException e) {
          // a compressed stream cut short: keep what was read
          events.truncatedLine();
          break;
        }
        if (line == null) {
          break;
        }
        if (previous != null) {
          events.add(previous);
        }
        previous = line;
      }
      if (previous != null) {
        try {
          events.add(previous);
        } catch (RunEvents.NotAnEventLog e) {
          if (events.facts().tasks().isEmpty() && events.facts().jobs() == 0) {
            throw e;
          }
          events.truncatedLine();
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static InputStream decompress(Path file, InputStream raw) throws IOException {
    String name = file.getFileName().toString();
    if (name.endsWith(".zstd") || name.endsWith(".zst")) {
      return new com.github.luben.zstd.ZstdInputStream(raw);
    }
    if (name.endsWith(".lz4")) {
      return new net.jpountz.lz4.LZ4BlockInputStream(raw);
    }
    if (name.endsWith(".snappy")) {
      return new org.xerial.snappy.SnappyInputStream(raw);
    }
    if (name.endsWith(".lzf")) {
      throw UsageException.problem(
          file
              + ": lzf-compressed logs are not read here; set spark.eventLog.compression.codec"
              + " to zstd, lz4 or snappy");
    }
    return raw;
  }
}
