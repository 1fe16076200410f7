package dev.advancedspark.part4.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.advancedspark.common.cluster.ParentWatchdog;
import dev.advancedspark.common.cluster.SparkDaemons;
import dev.advancedspark.common.cluster.StandaloneCluster;
import dev.advancedspark.common.testkit.SharedSpark;
import dev.advancedspark.part4.submit.SparkSubmitProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The application jar, as {@code mvn package} built it, submitted with {@code SparkSubmit} (its own
 * JVM, Spark's jars only on its class path) to a standalone cluster on 127.0.0.1: one Master and
 * two two-core Workers, shared by every test here.
 *
 * <p>The cluster-mode submission starts in {@link #startTheCluster()} and runs while the
 * client-mode test does (each application has one executor; with the cluster-mode driver, three of
 * the four cores are taken): its spark-submit JVM spends most of its life idle, asking the master
 * for the driver's state every 10 s ({@code ClientEndpoint}). Its test then asserts its result.
 */
class SparkSubmitIT {

  private static final Duration SUBMIT_TIMEOUT = Duration.ofMinutes(5);
  private static final String MAIN = DailyRevenueJob.class.getName();

  private static Path jar;
  private static Path work;
  private static Path input;
  private static List<OrdersCsv.Order> orders;
  private static String sparkClassPath;
  private static StandaloneCluster cluster;
  private static CompletableFuture<SparkSubmitProcess.Result> clusterMode;

  @BeforeAll
  static void startTheCluster() throws Exception {
    jar = Path.of(System.getProperty("part4.app.jar", "target/missing-app.jar")).toAbsolutePath();
    assertThat(jar).as("the application jar (run `mvn verify`, which packages it first)").exists();
    work = SharedSpark.workDir().resolve("spark-submit-it").toAbsolutePath();
    // What a Spark installation provides: the Maven jars, without this build's own classes.
    sparkClassPath =
        SparkSubmitProcess.join(
            SparkSubmitProcess.clusterProvidedJars(System.getProperty("java.class.path")));
    // The daemons also need common's ParentWatchdog; the applications never see it.
    String daemons =
        sparkClassPath
            + java.io.File.pathSeparator
            + Path.of(
                ParentWatchdog.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    cluster =
        StandaloneCluster.builder()
            .workers(2)
            .coresPerWorker(2)
            .memoryPerWorker("1g")
            .workDir(work.resolve("cluster"))
            .classPath(daemons)
            .start();
    input = work.resolve("orders.csv");
    orders = OrdersCsv.write(input, 2_000, 42L);
    clusterMode =
        CompletableFuture.supplyAsync(() -> submit("cluster", work.resolve("out-cluster")));
  }

  @AfterAll
  static void stopTheCluster() throws Exception {
    try {
      if (clusterMode != null) {
        // bounded: run() kills spark-submit at its deadline
        clusterMode.handle((result, failure) -> result).get();
      }
    } finally {
      if (cluster != null) {
        cluster.close();
      }
    }
  }

  // tag::submit-conf[]
  /** The settings a submission to this loopback cluster needs, in either deploy mode. */
  private static Map<String, String> submitConf() {
    Map<String, String> conf = new LinkedHashMap<>();
    // Executors (and, in cluster mode, the driver) call back on this address, not the host name.
    conf.put("spark.driver.host", StandaloneCluster.HOST);
    // Spark's jars for the JVMs the workers start: this cluster has no SPARK_HOME/jars.
    conf.put("spark.executor.extraClassPath", sparkClassPath);
    conf.put("spark.driver.extraClassPath", sparkClassPath);
    // A cluster-mode driver is started by a worker: it needs Spark's Java 17 flags too.
    conf.put(
        "spark.driver.extraJavaOptions", String.join(" ", SparkSubmitProcess.javaModuleOptions()));
    conf.put("spark.driver.memory", "512m");
    conf.put("spark.executor.memory", "512m");
    conf.put("spark.executor.cores", "1");
    // One one-core executor per application.
    conf.put("spark.cores.max", "1");
    conf.put("spark.sql.shuffle.partitions", "4");
    conf.put("spark.ui.enabled", "false");
    conf.put("spark.local.dir", work.resolve("local").toString());
    // Cluster mode: spark-submit waits for the driver's end instead of leaving after submitting.
    conf.put("spark.standalone.submit.waitAppCompletion", "true");
    return conf;
  }

  // end::submit-conf[]

  /**
   * Not part of the lesson: every JVM of a submission (spark-submit, a cluster-mode driver, the
   * executors) with the C1 compiler and the serial GC, which halve their CPU time on 2 cores.
   */
  private static Map<String, String> smallJvms() {
    String small = String.join(" ", SparkDaemons.SMALL_JVM_OPTIONS);
    return Map.of(
        "spark.executor.extraJavaOptions",
        small,
        "spark.driver.extraJavaOptions",
        submitConf().get("spark.driver.extraJavaOptions") + " " + small);
  }

  private static SparkSubmitProcess.Result submit(String deployMode, Path output) {
    return SparkSubmitProcess.builder(sparkClassPath)
        .javaOptions(SparkDaemons.SMALL_JVM_OPTIONS)
        .master(cluster.masterUrl())
        .deployMode(deployMode)
        .mainClass(MAIN)
        .conf(submitConf())
        .conf(smallJvms())
        .appJar(jar)
        .appArgs("--input", input.toString(), "--output", output.toString())
        .log(work.resolve("submit-" + deployMode + ".log"))
        .run(SUBMIT_TIMEOUT);
  }

  @Test
  void clientModeRunsTheDriverInTheSubmittingJvmAndWritesTheExpectedDailyRevenue() {
    // given the orders file and the cluster
    Path output = work.resolve("out-client");

    // when the jar is submitted in client mode
    SparkSubmitProcess.Result result = submit("client", output);

    // then spark-submit exits 0 and the output is the revenue computed in plain Java
    assertThat(result.exitCode()).as("exit code; log: %s", result.log()).isZero();
    assertThat(Expected.writtenDailyRevenue(output))
        .hasSize(31)
        .isEqualTo(Expected.dailyRevenueLines(orders));
    Properties summary = Expected.summary(output);
    assertThat(summary.getProperty("valid")).isEqualTo("2000");
    assertThat(summary.getProperty("quarantined")).isEqualTo("3");
    // and the driver, in the spark-submit JVM, loaded the relocated Guava from the jar itself
    assertThat(summary.getProperty("driver.guava"))
        .startsWith("dev.advancedspark.part4.shaded.com.google.common.hash.Hashing@")
        .endsWith("@" + jar);
    // while the executor loaded it from its own copy of the jar, fetched from the driver
    assertThat(summary.getProperty("executor.guava"))
        .contains(work.resolve("cluster").toString())
        .endsWith(jar.getFileName().toString());
    // and the unrelocated name resolves to the Guava on Spark's class path, not to the app's
    assertThat(summary.getProperty("spark.guava"))
        .startsWith("com.google.common.hash.Hashing@")
        .doesNotContain(jar.getFileName().toString())
        .containsPattern("guava-[0-9.]+-jre\\.jar$");
  }

  @Test
  void clusterModeRunsTheDriverOnAWorkerAndWritesTheSameResult() {
    // given the orders file and the cluster
    Path output = work.resolve("out-cluster");

    // when the jar is submitted in cluster mode (started with the cluster, see the class comment)
    SparkSubmitProcess.Result result = clusterMode.join();

    // then the master ran the driver to FINISHED (spark-submit exits 0 for FAILED too)
    assertThat(result.exitCode()).as("exit code; log: %s", result.log()).isZero();
    assertThat(result.finalDriverState())
        .as("driver state; log: %s", result.log())
        .isEqualTo("FINISHED");
    // and the output is the same as in client mode
    assertThat(Expected.writtenDailyRevenue(output)).isEqualTo(Expected.dailyRevenueLines(orders));
    assertThat(Expected.summary(output).getProperty("quarantined")).isEqualTo("3");
    // and the driver ran on a worker, from the copy of the jar the worker put in its driver folder
    String driverGuava = Expected.summary(output).getProperty("driver.guava");
    assertThat(driverGuava)
        .contains(work.resolve("cluster").toString())
        .contains(result.driverId())
        .endsWith(jar.getFileName().toString());
    Path driverDir = Path.of(driverGuava.substring(driverGuava.indexOf('@') + 1)).getParent();
    assertThat(driverDir.resolve("stderr")).exists();
  }

  @Test
  void aJarPathThatDoesNotExistIsRefusedBeforeAnythingRuns() {
    // given a path with no jar
    Path missing = work.resolve("no-such-app.jar");

    // when it is submitted
    SparkSubmitProcess.Result result =
        SparkSubmitProcess.builder(sparkClassPath)
            .javaOptions(SparkDaemons.SMALL_JVM_OPTIONS)
            .master(cluster.masterUrl())
            .deployMode("client")
            .mainClass(MAIN)
            .conf(submitConf())
            .appJar(missing)
            .log(work.resolve("submit-missing.log"))
            .run(SUBMIT_TIMEOUT);

    // then spark-submit fails, naming the path
    assertThat(result.exitCode()).isNotZero();
    assertThat(result.output()).contains(missing.toString());
    assertThat(Files.exists(work.resolve("out-missing"))).isFalse();
  }
}
