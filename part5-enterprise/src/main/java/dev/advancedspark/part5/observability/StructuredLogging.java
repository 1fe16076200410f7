package dev.advancedspark.part5.observability;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.advancedspark.common.ExampleArgs;
import dev.advancedspark.common.Examples;
import dev.advancedspark.common.RunnableExample;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.FileAppender;
import org.apache.logging.log4j.core.config.AppenderRef;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.layout.template.json.JsonTemplateLayout;
import org.apache.spark.SparkConf;
import org.apache.spark.internal.SparkLoggerFactory;
import org.apache.spark.sql.SparkSession;

/**
 * Spark's logs as one JSON object per line, with the message's fields (executor id, task name,
 * stage, durations) as keys a log store can index instead of text to grep.
 *
 * <p>Two separate switches, both needed (Spark 4.2.0):
 *
 * <ul>
 *   <li>The <b>layout</b> is log4j2's: {@code JsonTemplateLayout} with Spark's template {@code
 *       classpath:org/apache/spark/SparkLayout.json} (fields {@code ts}, {@code level}, {@code
 *       msg}, {@code context}, {@code exception}, {@code logger}). Spark picks its JSON default
 *       file ({@code org/apache/spark/log4j2-json-layout.properties}) only when there is no log4j2
 *       configuration of your own; with one (this repository has one, at WARN), the layout is what
 *       your file says.
 *   <li>{@code spark.log.structuredLogging.enabled} (default false in 4.2.0) decides whether the
 *       values Spark interpolates into a message ({@code MDC(EXECUTOR_ID, ...)}) are also put into
 *       the log event's context map, i.e. into {@code "context"}. It is read at process start by
 *       {@code spark-submit}, the executor backend and the daemons ({@code
 *       Utils.resetStructuredLogging}); a driver started with {@code java -cp ...} and {@code
 *       SparkSession.builder()} never reads it, so setting it in the builder changes nothing.
 * </ul>
 *
 * Independent of both, an executor's task threads always carry {@code task_name} in their context
 * ({@code Executor.setMDCForTask}), plus any local property named {@code mdc.*}.
 *
 * <pre>
 * bin/run-example StructuredLogging --conf spark.log.structuredLogging.enabled=true
 * </pre>
 */
@RunnableExample("Observability: Spark's log lines as JSON with their fields in a context map")
public final class StructuredLogging {

  static final ExampleArgs ARGS =
      ExampleArgs.forExample("StructuredLogging")
          .option("log", "target/part5/logs/spark.jsonl", "file for the JSON lines");

  /** The setting, as Spark names it. */
  public static final String ENABLED = "spark.log.structuredLogging.enabled";

  /** Spark's event template, shipped in spark-common-utils-java. */
  public static final String SPARK_TEMPLATE = "classpath:org/apache/spark/SparkLayout.json";

  /** Loggers whose INFO lines carry task fields: the driver's task bookkeeping, the executor. */
  public static final List<String> TASK_LOGGERS =
      List.of("org.apache.spark.scheduler.TaskSetManager", "org.apache.spark.executor.Executor");

  /** One parsed line: level, logger, message and the context map (MDC). */
  public record LogLine(String level, String logger, String msg, Map<String, String> context) {}

  private static final ObjectMapper JSON = new ObjectMapper();

  private StructuredLogging() {}

  // tag::apply-setting[]
  /**
   * Does for an in-process driver what spark-submit does at start: reads {@value #ENABLED} from
   * {@code conf} and switches the context fields on or off for this JVM.
   */
  public static boolean applySetting(SparkConf conf) {
    boolean enabled = conf.getBoolean(ENABLED, false);
    if (enabled) {
      SparkLoggerFactory.enableStructuredLogging();
    } else {
      SparkLoggerFactory.disableStructuredLogging();
    }
    return enabled;
  }

  // end::apply-setting[]

  /** Whether this JVM currently puts message fields into the log context. */
  public static boolean enabled() {
    return SparkLoggerFactory.isStructuredLoggingEnabled();
  }

  // tag::json-appender[]
  /**
   * Sends the INFO lines of {@code loggers} to {@code file} as JSON lines in Spark's layout, and
   * only there (additivity off: the console keeps its WARN level). The same as these lines in a
   * {@code log4j2.properties}:
   *
   * <pre>
   * appender.json.type = File
   * appender.json.fileName = target/spark.jsonl
   * appender.json.layout.type = JsonTemplateLayout
   * appender.json.layout.eventTemplateUri = classpath:org/apache/spark/SparkLayout.json
   * </pre>
   *
   * @return a handle that removes the appender and the loggers again
   */
  public static AutoCloseable jsonLines(Path file, List<String> loggers) {
    LoggerContext ctx = (LoggerContext) LogManager.getContext(false);
    Configuration config = ctx.getConfiguration();
    String name = "json-" + file.getFileName();
    FileAppender appender =
        FileAppender.newBuilder()
            .setName(name)
            .withFileName(file.toAbsolutePath().toString())
            .withImmediateFlush(true)
            .setLayout(
                JsonTemplateLayout.newBuilder()
                    .setConfiguration(config)
                    .setEventTemplateUri(SPARK_TEMPLATE)
                    .build())
            .setConfiguration(config)
            .build();
    appender.start();
    config.addAppender(appender);
    AppenderRef[] refs = {AppenderRef.createAppenderRef(name, null, null)};
    for (String logger : loggers) {
      LoggerConfig lc =
          LoggerConfig.newBuilder()
              .withLoggerName(logger)
              .withLevel(Level.INFO)
              .withAdditivity(false)
              .withRefs(refs)
              .withConfig(config)
              .build();
      lc.addAppender(appender, null, null);
      config.addLogger(logger, lc);
    }
    ctx.updateLoggers();
    return () -> {
      for (String logger : loggers) {
        config.removeLogger(logger);
      }
      ctx.updateLoggers();
      appender.stop();
      config.getAppenders().remove(name);
    };
  }

  // end::json-appender[]

  /** Parses every line of {@code file}; a line that is not a JSON object fails with its text. */
  public static List<LogLine> read(Path file) {
    List<LogLine> lines = new ArrayList<>();
    try {
      for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        if (line.isBlank()) {
          continue;
        }
        JsonNode n;
        try {
          n = JSON.readTree(line);
        } catch (IOException e) {
          throw new IllegalArgumentException("Not a JSON line in " + file + ": " + line, e);
        }
        if (!n.isObject()) {
          throw new IllegalArgumentException("Not a JSON object in " + file + ": " + line);
        }
        Map<String, String> context = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = n.path("context").fields();
            it.hasNext(); ) {
          Map.Entry<String, JsonNode> e = it.next();
          context.put(e.getKey(), e.getValue().asText());
        }
        lines.add(
            new LogLine(
                n.path("level").asText(),
                n.path("logger").asText(),
                n.path("msg").asText(),
                context));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + file, e);
    }
    return lines;
  }

  /** Runs a small two-stage job with the task loggers writing JSON lines to {@code file}. */
  public static List<LogLine> logAJob(SparkSession spark, Path file) {
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      Files.deleteIfExists(file);
      try (AutoCloseable json = jsonLines(file, TASK_LOGGERS)) {
        spark.range(0, 1000, 1, 2).selectExpr("id % 3 AS k").groupBy("k").count().collect();
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write " + file, e);
    } catch (Exception e) {
      throw new IllegalStateException("Cannot remove the JSON appender", e);
    }
    return read(file);
  }

  public static void main(String[] args) {
    Examples.run(
        args,
        ARGS,
        (spark, opts) -> {
          boolean on = applySetting(spark.sparkContext().getConf());
          Path file = Path.of(opts.get("log"));
          List<LogLine> lines = logAJob(spark, file);
          System.out.println(
              ENABLED + "=" + on + ": " + lines.size() + " JSON lines in " + file.toAbsolutePath());
          lines.stream()
              .filter(l -> l.msg().startsWith("Finished task"))
              .limit(2)
              .forEach(l -> System.out.println("  " + l.logger() + " " + l.context()));
        });
  }
}
