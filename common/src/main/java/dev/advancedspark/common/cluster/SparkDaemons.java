package dev.advancedspark.common.cluster;

import dev.advancedspark.common.BuildInfo;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.spark.launcher.JavaModuleOptions;

/**
 * How this kit starts a Spark daemon (a Master, a Worker, the History Server) from the Maven class
 * path instead of a Spark distribution: the JVM command line (small heap, Spark's Java 17+ flags,
 * under {@link ParentWatchdog} so that the daemon ends with the JVM that started it) and the
 * environment a daemon reads ({@code SPARK_HOME} pointing at a folder with an empty {@code jars/},
 * {@code SPARK_SCALA_VERSION}, loopback only).
 */
public final class SparkDaemons {

  /**
   * JVM options for the small, short-lived Spark JVMs of lessons and tests on a 2-core machine
   * (daemons, executors, spark-submit): the serial GC and the C1 compiler only. C2 compiles hot
   * code better but later, on threads of its own: a short Spark run spends about half its CPU time
   * less without it (a local job of 20,000 rows: 8.4 s instead of 16 s of CPU).
   *
   * <p>The code cache is set back to the size tiered compilation gets (240 MB; 256 MB here): with
   * {@code TieredStopAtLevel=1} the JVM reserves only 48 MB, which Spark's and Delta's compiled
   * code outgrows; the JVM then flushes compiled methods and compiles them again, over and over.
   * Measured on Part 5's unit tests (one JVM, 138-159 s): with 48 MB the JVM compiled 83,333
   * methods (27.7 s) and its sweeper ran 695 times (25.3 s, 63,813 methods flushed); with 256 MB it
   * compiled 44,156 (12.8 s) and swept 4 times (0.1 s), using about 70 MB.
   */
  public static final List<String> SMALL_JVM_OPTIONS =
      List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-XX:ReservedCodeCacheSize=256m");

  private SparkDaemons() {}

  /**
   * The command that runs {@code mainClass} with {@code args} in a JVM of its own.
   *
   * @param heap the daemon's maximum heap, e.g. {@code 512m}
   * @param log4jFile the daemon's log4j2 configuration
   * @param classPath the class path (this JVM's, usually)
   */
  public static List<String> command(
      String heap, Path log4jFile, String classPath, String mainClass, List<String> args) {
    return command(heap, List.of(), log4jFile, classPath, mainClass, args);
  }

  /**
   * The command that runs {@code mainClass} with {@code args} in a JVM of its own, with {@code
   * javaOptions} (JVM options, e.g. {@code -Dcom.sun.management.jmxremote.port=...}) after this
   * kit's own and before the class path and the main class.
   */
  public static List<String> command(
      String heap,
      List<String> javaOptions,
      Path log4jFile,
      String classPath,
      String mainClass,
      List<String> args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx" + heap);
    // Daemons do little work: a small heap, the serial GC and the C1 compiler spare the 2 cores.
    cmd.addAll(SMALL_JVM_OPTIONS);
    cmd.addAll(javaModuleOptions());
    cmd.addAll(javaOptions);
    cmd.add("-Dlog4j2.configurationFile=" + log4jFile);
    cmd.add("-cp");
    cmd.add(classPath);
    cmd.add(ParentWatchdog.class.getName());
    cmd.add(String.valueOf(ProcessHandle.current().pid()));
    cmd.add(mainClass);
    cmd.addAll(args);
    return cmd;
  }

  /**
   * A log4j2 configuration for a Spark process of its own: WARN and above to standard error, and
   * INFO from {@code infoLogger} (a logger or package name), the lines that say what the process is
   * doing ("Bound HistoryServer to ...", registrations, executor launches).
   */
  public static String log4jConfig(String infoLogger) {
    return String.join(
        "\n",
        "rootLogger.level = warn",
        "rootLogger.appenderRef.stderr.ref = console",
        "appender.console.type = Console",
        "appender.console.name = console",
        "appender.console.target = SYSTEM_ERR",
        "appender.console.layout.type = PatternLayout",
        "appender.console.layout.pattern = %d{HH:mm:ss.SSS} %p %c{1}: %m%n%ex",
        "logger.process.name = " + infoLogger,
        "logger.process.level = info",
        "");
  }

  /**
   * Sets what a Spark daemon reads from its environment: {@code SPARK_HOME} ({@code sparkHome},
   * which must hold an empty {@code jars/} folder), the Scala version, {@code SPARK_LOCAL_IP} (the
   * address every Spark UI and service binds to) and {@code JAVA_HOME}; drops {@code
   * SPARK_CONF_DIR}, so that no installed Spark configuration leaks in.
   */
  public static void environment(Map<String, String> env, Path sparkHome) {
    env.put("SPARK_HOME", sparkHome.toString());
    env.put("SPARK_SCALA_VERSION", BuildInfo.scalaBinaryVersion());
    env.put("SPARK_LOCAL_IP", Ports.LOOPBACK);
    env.put("JAVA_HOME", System.getProperty("java.home"));
    env.remove("SPARK_CONF_DIR");
  }

  /** Spark's own list of the JVM flags it needs on Java 17+. */
  public static List<String> javaModuleOptions() {
    return Arrays.stream(JavaModuleOptions.defaultModuleOptions().split("\\s+"))
        .filter(s -> !s.isBlank())
        .toList();
  }

  /**
   * Ends a process the kit or a lesson started: SIGTERM, up to 10 s for its shutdown hooks, then
   * SIGKILL. Returns at once if it already ended.
   */
  public static void stop(Process process) {
    if (!process.isAlive()) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  /** The last lines of a daemon's log, for an error message ("" when there is no log). */
  public static String tail(Path log) {
    return ProcessReaper.tail(log);
  }
}
