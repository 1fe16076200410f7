package dev.advancedspark.common;

import dev.advancedspark.common.cluster.Ports;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.sql.SparkSession;

/**
 * The one place that builds a {@link SparkSession}: for examples ({@link #forExample}), tests
 * ({@link #forTests}, behind the test kit's {@code SharedSpark}), benchmarks ({@link
 * #forBenchmark}) and applications on the kit's standalone cluster ({@link #clusterProfile}, used
 * by {@code StandaloneCluster.session}).
 *
 * <p>Every profile binds the driver to 127.0.0.1 and writes scratch space and the warehouse under a
 * {@code target/} folder. On a laptop an example gets {@code local[*]} with few shuffle partitions;
 * on a cluster ({@code --master spark://...}) it adds nothing that would fight the cluster's own
 * settings. {@code --conf k=v} always wins. Settings come from arguments only: the master is {@code
 * --master} or {@code local[*]}, never a system property.
 */
public final class SparkSessions {

  /** Where examples write: the {@code target/} folder of the working directory. */
  public static final Path TARGET = Path.of("target");

  /** The master an example gets when no {@code --master} is given. */
  public static final String DEFAULT_MASTER = "local[*]";

  /** The master of tests and benchmarks: two cores, as on a small CI runner. */
  public static final String SMALL_LOCAL_MASTER = "local[2]";

  /**
   * What an example was asked for on its command line.
   *
   * @param ui {@code --ui}: the Spark UI on a free 127.0.0.1 port (else the UI is off)
   */
  public record Settings(
      String appName, String master, Map<String, String> conf, boolean eventLog, boolean ui) {
    public Settings {
      conf = Map.copyOf(conf);
    }

    /** Without the UI, as before {@code --ui} existed. */
    public Settings(String appName, String master, Map<String, String> conf, boolean eventLog) {
      this(appName, master, conf, eventLog, false);
    }

    public static Settings local(String appName) {
      return new Settings(appName, null, Map.of(), false);
    }
  }

  private SparkSessions() {}

  /** A session for an example's {@code main}: local by default, a cluster when asked. */
  public static SparkSession forExample(Settings settings) {
    String master = resolveMaster(settings.master(), System.getProperty("spark.master"));
    return builder(settings.appName(), master, exampleConf(settings, master)).getOrCreate();
  }

  /**
   * The settings {@link #forExample} starts a session with on {@code master}. The Spark UI is off
   * unless {@code --ui} asked for it: then it is on a port that is free on 127.0.0.1 now (Spark
   * moves to the next port if another process takes it first, and the URL it reports follows).
   * Spark binds its UI to {@code SPARK_LOCAL_IP}, or to every interface when that variable is unset
   * ({@code WebUI.bind} in Spark 4.2); {@code bin/run-example --ui} sets it to 127.0.0.1.
   */
  static Map<String, String> exampleConf(Settings settings, String master) {
    Map<String, String> conf = new LinkedHashMap<>();
    if (master.startsWith("local")) {
      conf.putAll(localDefaults());
    }
    conf.put(
        "spark.sql.warehouse.dir", TARGET.resolve("spark-warehouse").toAbsolutePath().toString());
    if (settings.eventLog()) {
      conf.putAll(eventLogConf(TARGET.resolve("spark-events")));
    }
    conf.putAll(uiConf(settings.ui()));
    conf.putAll(settings.conf());
    return conf;
  }

  /** The UI settings of an example: off, or on a free loopback port. */
  static Map<String, String> uiConf(boolean ui) {
    if (!ui) {
      return Map.of("spark.ui.enabled", "false");
    }
    return Map.of("spark.ui.enabled", "true", "spark.ui.port", String.valueOf(Ports.freePort()));
  }

  /**
   * The master of an example: {@code --master}; else the master that {@code spark-submit} chose
   * ({@code spark-submit --master X} hands it to the driver JVM as the {@code spark.master} system
   * property, in client and in cluster deploy mode); else {@link #DEFAULT_MASTER}. An example jar
   * submitted with {@code spark-submit} therefore runs where spark-submit sent it, as any Spark job
   * does (Part 4's {@code SparkSubmitIT} runs one in both deploy modes).
   *
   * @param requested {@code --master}, or null
   * @param setBySubmit the {@code spark.master} system property, or null
   */
  static String resolveMaster(String requested, String setBySubmit) {
    if (requested != null) {
      return requested;
    }
    return setBySubmit != null && !setBySubmit.isBlank() ? setBySubmit : DEFAULT_MASTER;
  }

  /**
   * A small, quiet, deterministic local session: {@code local[2]}, UI off, 4 shuffle partitions,
   * scratch space and warehouse under {@code workDir}. The test kit's shared session is built here.
   */
  public static SparkSession forTests(String appName, Path workDir) {
    Map<String, String> conf = quietLoopback(workDir);
    conf.put("spark.sql.shuffle.partitions", "4");
    conf.put("spark.default.parallelism", "4");
    return builder(appName, SMALL_LOCAL_MASTER, conf).getOrCreate();
  }

  /**
   * The settings of a benchmark trial's session: UI off, loopback only, scratch space and warehouse
   * under {@code workDir}, then {@code overrides} (which win, start-only settings included).
   */
  public static Map<String, String> benchmarkConf(Path workDir, Map<String, String> overrides) {
    Map<String, String> conf = quietLoopback(workDir);
    conf.putAll(overrides);
    return conf;
  }

  /**
   * A {@code local[2]} benchmark session: {@link #benchmarkConf} of {@code workDir} and {@code
   * conf}.
   */
  public static SparkSession forBenchmark(String appName, Path workDir, Map<String, String> conf) {
    return builder(appName, SMALL_LOCAL_MASTER, benchmarkConf(workDir, conf)).getOrCreate();
  }

  /**
   * The driver side of an application on a loopback cluster (the kit's {@code StandaloneCluster}):
   * UI off, driver bound to 127.0.0.1, driver scratch space and warehouse under {@code workDir}.
   * The cluster adds its executor settings.
   */
  public static Map<String, String> clusterProfile(Path workDir) {
    return quietLoopback(workDir);
  }

  /**
   * A session builder with {@code conf} applied: add settings (or extensions), then {@code
   * getOrCreate()}. Every session of this repository starts here.
   */
  public static SparkSession.Builder builder(
      String appName, String master, Map<String, String> conf) {
    SparkSession.Builder builder = SparkSession.builder().appName(appName).master(master);
    conf.forEach(builder::config);
    return builder;
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

  /** Settings that make a local example session predictable on a laptop or a CI runner. */
  static Map<String, String> localDefaults() {
    Map<String, String> conf = new LinkedHashMap<>();
    // A laptop has a handful of cores: 200 shuffle partitions would mean 200 tiny tasks.
    conf.put("spark.sql.shuffle.partitions", "8");
    conf.putAll(loopback());
    conf.put("spark.local.dir", TARGET.resolve("spark-local").toAbsolutePath().toString());
    conf.put("spark.ui.showConsoleProgress", "false");
    return conf;
  }

  /** Loopback, no UI, no progress bar, everything written under {@code workDir}. */
  private static Map<String, String> quietLoopback(Path workDir) {
    Map<String, String> conf = new LinkedHashMap<>(loopback());
    conf.put("spark.ui.enabled", "false");
    conf.put("spark.ui.showConsoleProgress", "false");
    conf.put("spark.local.dir", workDir.resolve("spark-local").toAbsolutePath().toString());
    conf.put(
        "spark.sql.warehouse.dir", workDir.resolve("spark-warehouse").toAbsolutePath().toString());
    return conf;
  }

  /** Bind to loopback: no surprise from a hostname that resolves to a far-away interface. */
  private static Map<String, String> loopback() {
    return Map.of("spark.driver.host", "127.0.0.1", "spark.driver.bindAddress", "127.0.0.1");
  }
}
