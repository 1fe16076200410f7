package dev.advancedspark.part4.submit;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.launcher.JavaModuleOptions;

/**
 * {@code spark-submit} without a Spark download: {@code org.apache.spark.deploy.SparkSubmit} run as
 * its own JVM from a class path of Maven jars, with a deadline. This is what {@code
 * bin/spark-submit} does after it has found {@code SPARK_HOME/jars}.
 *
 * <pre>{@code
 * SparkSubmitProcess.Result r = SparkSubmitProcess.builder(sparkClassPath)
 *     .master(cluster.masterUrl()).deployMode("cluster")
 *     .mainClass("dev.advancedspark.part4.app.DailyRevenueJob")
 *     .conf("spark.driver.host", "127.0.0.1")
 *     .appJar(jar).appArgs("--input", in, "--output", out)
 *     .log(Path.of("target/submit.log"))
 *     .run(Duration.ofMinutes(2));
 * }</pre>
 *
 * <p>Generic cluster mechanics: a candidate for {@code common}'s cluster package.
 */
public final class SparkSubmitProcess {

  /** What happened: the exit code and the whole output of the spark-submit JVM. */
  public record Result(int exitCode, String output, Path log) {

    /**
     * In standalone cluster mode: the driver's final state as the submitting client logged it
     * ({@code State of driver driver-... is FINISHED}), or null.
     */
    public String finalDriverState() {
      Matcher m = DRIVER_STATE.matcher(output);
      String last = null;
      while (m.find()) {
        last = m.group(2);
      }
      return last;
    }

    /** The driver id the master gave a cluster-mode submission, or null. */
    public String driverId() {
      Matcher m = DRIVER_STATE.matcher(output);
      return m.find() ? m.group(1) : null;
    }
  }

  private static final Pattern DRIVER_STATE =
      Pattern.compile("State of driver (driver-\\S+) is (\\w+), exiting");

  private final String classPath;
  private String master;
  private String deployMode = "client";
  private String mainClass;
  private final Map<String, String> conf = new LinkedHashMap<>();
  private Path appJar;
  private final List<String> appArgs = new ArrayList<>();
  private Path log;
  private final List<String> javaOptions = new ArrayList<>();

  private SparkSubmitProcess(String classPath) {
    this.classPath = classPath;
  }

  /** A submission run from {@code classPath}: Spark's jars (not the application's classes). */
  public static SparkSubmitProcess builder(String classPath) {
    return new SparkSubmitProcess(classPath);
  }

  public SparkSubmitProcess master(String master) {
    this.master = master;
    return this;
  }

  /** {@code client} (the driver runs in the spark-submit JVM) or {@code cluster} (on a worker). */
  public SparkSubmitProcess deployMode(String mode) {
    this.deployMode = mode;
    return this;
  }

  public SparkSubmitProcess mainClass(String mainClass) {
    this.mainClass = mainClass;
    return this;
  }

  public SparkSubmitProcess conf(String key, String value) {
    conf.put(key, value);
    return this;
  }

  public SparkSubmitProcess conf(Map<String, String> settings) {
    conf.putAll(settings);
    return this;
  }

  public SparkSubmitProcess appJar(Path jar) {
    this.appJar = jar;
    return this;
  }

  public SparkSubmitProcess appArgs(String... args) {
    appArgs.addAll(Arrays.asList(args));
    return this;
  }

  /**
   * JVM options for the spark-submit JVM itself (in client mode, the driver's JVM), e.g. {@code
   * -XX:TieredStopAtLevel=1}: what {@code SPARK_SUBMIT_OPTS} gives {@code bin/spark-submit}.
   */
  public SparkSubmitProcess javaOptions(List<String> options) {
    javaOptions.addAll(options);
    return this;
  }

  /** Where the spark-submit JVM's output goes (stdout and stderr together). */
  public SparkSubmitProcess log(Path file) {
    this.log = file;
    return this;
  }

  /** The command line that {@link #run} starts. */
  public List<String> command() {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx512m");
    cmd.addAll(javaOptions);
    cmd.addAll(javaModuleOptions());
    cmd.add("-cp");
    cmd.add(classPath);
    cmd.add("org.apache.spark.deploy.SparkSubmit");
    cmd.add("--master");
    cmd.add(master);
    cmd.add("--deploy-mode");
    cmd.add(deployMode);
    if (mainClass != null) {
      cmd.add("--class");
      cmd.add(mainClass);
    }
    conf.forEach(
        (k, v) -> {
          cmd.add("--conf");
          cmd.add(k + "=" + v);
        });
    cmd.add(appJar.toString());
    cmd.addAll(appArgs);
    return cmd;
  }

  /**
   * Runs spark-submit and waits for it to exit. The process and everything it started are killed
   * when the deadline passes (then this throws) or when this thread is interrupted.
   *
   * @throws IllegalStateException when the deadline passes, naming the log to read
   */
  public Result run(Duration timeout) {
    if (master == null || appJar == null || log == null) {
      throw new IllegalStateException("master, appJar and log must be set");
    }
    ProcessBuilder pb = new ProcessBuilder(command());
    pb.environment().remove("SPARK_HOME");
    pb.environment().remove("SPARK_CONF_DIR");
    pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    pb.redirectErrorStream(true);
    try {
      Files.createDirectories(log.toAbsolutePath().getParent());
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot create the folder of " + log, e);
    }
    pb.redirectOutput(log.toFile());
    Process p;
    try {
      p = pb.start();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot start spark-submit: " + e.getMessage(), e);
    }
    try {
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new IllegalStateException(
            "spark-submit did not finish within " + timeout + ": read " + log.toAbsolutePath());
      }
      return new Result(p.exitValue(), read(log), log);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while waiting for spark-submit", e);
    } finally {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
    }
  }

  private static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + file, e);
    }
  }

  /** Spark's own list of the JVM flags it needs on Java 17+, as separate arguments. */
  public static List<String> javaModuleOptions() {
    return Arrays.stream(JavaModuleOptions.defaultModuleOptions().split("\\s+"))
        .filter(s -> !s.isBlank())
        .toList();
  }

  /**
   * The jars of a class path without the build's own classes: what a Spark installation provides.
   * Drops folders (a build's {@code target/classes}) and jars built in this repository (under a
   * {@code target/} folder), so that an application's classes can only come from its jar.
   */
  public static List<Path> clusterProvidedJars(String classPath) {
    return Arrays.stream(classPath.split(File.pathSeparator))
        .filter(s -> !s.isBlank())
        .map(Path::of)
        .filter(p -> Files.isRegularFile(p) && p.toString().endsWith(".jar"))
        .filter(
            p ->
                !p.toAbsolutePath().toString().contains(File.separator + "target" + File.separator))
        .toList();
  }

  /** {@link #clusterProvidedJars} joined as a class path string. */
  public static String join(List<Path> entries) {
    return String.join(
        File.pathSeparator, entries.stream().map(p -> p.toAbsolutePath().toString()).toList());
  }
}
