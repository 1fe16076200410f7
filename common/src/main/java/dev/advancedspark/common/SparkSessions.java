package dev.advancedspark.common;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.sql.SparkSession;

/**
 * The one place that builds a {@link SparkSession} for examples, tests and benchmarks.
 *
 * <p>On a laptop it gives {@code local[*]} with few shuffle partitions, everything written under
 * {@code target/}. On a cluster ({@code --master spark://...}, or {@code spark.master} set by
 * spark-submit) it adds nothing that would fight the cluster's own settings. {@code --conf k=v}
 * always wins.
 */
public final class SparkSessions {

  /** Where examples write: the {@code target/} folder of the working directory. */
  public static final Path TARGET = Path.of("target");

  /** What an example was asked for on its command line. */
  public record Settings(
      String appName, String master, Map<String, String> conf, boolean eventLog) {
    public Settings {
      conf = Map.copyOf(conf);
    }

    public static Settings local(String appName) {
      return new Settings(appName, null, Map.of(), false);
    }
  }

  private SparkSessions() {}

  /** A session for an example's {@code main}: local by default, a cluster when asked. */
  public static SparkSession forExample(Settings settings) {
    String master = settings.master();
    if (master == null) {
      master = System.getProperty("spark.master", "local[*]");
    }
    Map<String, String> conf = new LinkedHashMap<>();
    if (master.startsWith("local")) {
      conf.putAll(localDefaults());
    }
    conf.put(
        "spark.sql.warehouse.dir", TARGET.resolve("spark-warehouse").toAbsolutePath().toString());
    if (settings.eventLog()) {
      conf.putAll(eventLogConf(TARGET.resolve("spark-events")));
    }
    conf.putAll(settings.conf());
    return build(settings.appName(), master, conf);
  }

  /**
   * A small, quiet, deterministic local session: {@code local[2]}, UI off, 4 shuffle partitions.
   * The test kit's shared session is built here, so tests and benchmarks see the same defaults.
   */
  public static SparkSession forTests(String appName, Path workDir) {
    Map<String, String> conf = new LinkedHashMap<>(localDefaults());
    conf.put("spark.ui.enabled", "false");
    conf.put("spark.ui.showConsoleProgress", "false");
    conf.put("spark.sql.shuffle.partitions", "4");
    conf.put("spark.default.parallelism", "4");
    conf.put(
        "spark.sql.warehouse.dir", workDir.resolve("spark-warehouse").toAbsolutePath().toString());
    conf.put("spark.local.dir", workDir.resolve("spark-local").toAbsolutePath().toString());
    return build(appName, "local[2]", conf);
  }

  /** Settings that make a local session predictable on a laptop or a CI runner. */
  static Map<String, String> localDefaults() {
    Map<String, String> conf = new LinkedHashMap<>();
    // A laptop has a handful of cores: 200 shuffle partitions would mean 200 tiny tasks.
    conf.put("spark.sql.shuffle.partitions", "8");
    // Bind to loopback: no surprise from a hostname that resolves to a far-away interface.
    conf.put("spark.driver.host", "127.0.0.1");
    conf.put("spark.driver.bindAddress", "127.0.0.1");
    conf.put("spark.local.dir", TARGET.resolve("spark-local").toAbsolutePath().toString());
    conf.put("spark.ui.showConsoleProgress", "false");
    return conf;
  }

  /**
   * Event logs, so that the History Server can replay a run ({@code
   * spark.history.fs.logDirectory}).
   */
  public static Map<String, String> eventLogConf(Path dir) {
    try {
      Files.createDirectories(dir);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("Cannot create event log folder " + dir, e);
    }
    return Map.of(
        "spark.eventLog.enabled",
        "true",
        "spark.eventLog.dir",
        dir.toAbsolutePath().toUri().toString());
  }

  private static SparkSession build(String appName, String master, Map<String, String> conf) {
    SparkSession.Builder builder = SparkSession.builder().appName(appName).master(master);
    conf.forEach(builder::config);
    return builder.getOrCreate();
  }
}
