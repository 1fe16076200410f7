package dev.advancedspark.benchmarks;

import dev.advancedspark.common.SparkSessions;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.SparkSession;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What every Spark benchmark of this module shares: the JMH settings, the JVM flags Spark needs on
 * Java 17+, and one local SparkSession per trial.
 *
 * <p>A Spark job takes from tens of milliseconds to seconds, so each invocation is timed on its own
 * ({@link Mode#SingleShotTime}); warm-up iterations let the JIT and Spark's code generation cache
 * settle. Each trial runs in its own JVM (two forks by default), so settings that Spark reads only
 * at start ({@code spark.serializer}) can be a {@code @Param}.
 *
 * <p>The {@code jvmArgsAppend} list below is the only copy of Spark's flags in this module; {@code
 * SparkBenchmarkTest} fails when it drifts from {@code JavaModuleOptions.defaultModuleOptions()}.
 * Subclasses must not declare their own {@code @Fork}: it would replace this one, flags included.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3)
@Measurement(iterations = 5)
@Fork(
    value = 2,
    jvmArgs = {"-Xms4g", "-Xmx4g", "-XX:+UseParallelGC"},
    jvmArgsAppend = {
      "-XX:+IgnoreUnrecognizedVMOptions",
      "--add-modules=jdk.incubator.vector",
      "--add-opens=java.base/java.lang=ALL-UNNAMED",
      "--add-opens=java.base/java.lang.invoke=ALL-UNNAMED",
      "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
      "--add-opens=java.base/java.io=ALL-UNNAMED",
      "--add-opens=java.base/java.net=ALL-UNNAMED",
      "--add-opens=java.base/java.nio=ALL-UNNAMED",
      "--add-opens=java.base/java.util=ALL-UNNAMED",
      "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
      "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
      "--add-opens=java.base/jdk.internal.ref=ALL-UNNAMED",
      "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
      "--add-opens=java.base/sun.nio.cs=ALL-UNNAMED",
      "--add-opens=java.base/sun.security.action=ALL-UNNAMED",
      "--add-opens=java.base/sun.util.calendar=ALL-UNNAMED",
      "--add-opens=java.security.jgss/sun.security.krb5=ALL-UNNAMED",
      "-Dio.netty.tryReflectionSetAccessible=true",
      "-Dio.netty.allocator.type=pooled",
      "-Dio.netty.handler.ssl.defaultEndpointVerificationAlgorithm=NONE",
      "--sun-misc-unsafe-memory-access=allow",
      "--enable-native-access=ALL-UNNAMED"
    })
public abstract class SparkBenchmark {

  /** Where benchmarks write: under the working directory's {@code target/}. */
  public static final Path WORK = Path.of("target", "bench-work").toAbsolutePath();

  /**
   * Smoke mode only ({@code -f 0 -Dbench.reuseSession=true}, see {@code smoke.sh}): every trial
   * runs in one JVM, so consecutive trials share one SparkContext (a fresh {@code newSession()}
   * each, caches cleared) unless their start-time settings differ. Forked runs never reuse.
   */
  static final boolean REUSE_SESSION = Boolean.getBoolean("bench.reuseSession");

  private static SparkSession shared;
  private static Map<String, String> sharedStartConf;

  protected SparkSession spark;

  /**
   * Starts the trial's session: {@code local[2]}, UI off, loopback only, scratch space under {@code
   * target/}; {@code conf} adds or overrides settings (including start-only ones).
   */
  protected SparkSession startSpark(String appName, Map<String, String> conf) {
    spark = session(appName, conf);
    return spark;
  }

  /**
   * The session settings every benchmark starts from ({@link SparkSessions#benchmarkConf}: UI off,
   * loopback, scratch space under {@link #WORK}), plus {@code conf}.
   */
  public static SparkSession session(String appName, Map<String, String> conf) {
    Map<String, String> all = SparkSessions.benchmarkConf(WORK, conf);
    if (REUSE_SESSION) {
      return reusedSession(appName, all);
    }
    return SparkSessions.forBenchmark(appName, WORK, all);
  }

  private static synchronized SparkSession reusedSession(String appName, Map<String, String> all) {
    Map<String, String> start = new TreeMap<>();
    Map<String, String> runtime = new TreeMap<>();
    all.forEach(
        (k, v) -> {
          boolean runtimeSql = k.startsWith("spark.sql.") && !k.equals("spark.sql.warehouse.dir");
          (runtimeSql ? runtime : start).put(k, v);
        });
    if (shared != null && (shared.sparkContext().isStopped() || !start.equals(sharedStartConf))) {
      shared.stop();
      shared = null;
    }
    if (shared == null) {
      shared = SparkSessions.forBenchmark(appName, WORK, start);
      sharedStartConf = start;
    }
    SparkSession fresh = shared.newSession();
    runtime.forEach((k, v) -> fresh.conf().set(k, v));
    return fresh;
  }

  /**
   * Releases what a suite holds on the session (caches, engines) before it stops: JMH runs a
   * superclass's tear-down first, so suites override this instead of adding their own.
   */
  protected void beforeStop() {}

  @TearDown
  public void tearDown() {
    beforeStop();
    stopSpark();
  }

  /** Stops the trial's session (in smoke mode: clears its caches and keeps the context). */
  public void stopSpark() {
    if (spark != null) {
      if (REUSE_SESSION) {
        spark.catalog().clearCache();
      } else {
        spark.stop();
      }
      spark = null;
    }
  }

  /** Fails the trial: the case would not measure what its name says. */
  public static IllegalStateException wrongVariant(String expected, Object actual) {
    return new IllegalStateException(
        "Benchmark set-up check failed: expected " + expected + " but Spark ran " + actual);
  }
}
