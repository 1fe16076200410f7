package dev.advancedspark.part5.observability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.advancedspark.common.SparkSessions;
import dev.advancedspark.common.testkit.SharedSpark;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerStageCompleted;
import org.apache.spark.scheduler.StageInfo;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The metrics endpoints need the UI and the metrics settings at context start, so this class stops
 * the shared session and runs one of its own (UI on a free loopback port, event log on).
 */
class ObservabilityTest {

  private static Path dir;
  private static List<MetricsEndpoints.Sample> driverSamples;
  private static List<MetricsEndpoints.Sample> executorSamples;
  private static List<SlowestStage.StageRun> live;
  private static Path events;
  private static Object jmxSucceededJobs;

  @BeforeAll
  static void runAJobWithMetricsAndAnEventLog() throws Exception {
    SharedSpark.session().stop(); // one SparkContext per JVM
    dir = SharedSpark.scratch("observability");
    events = dir.resolve("events");
    int port = MetricsEndpoints.freePort();
    SparkSession.Builder b =
        SparkSession.builder()
            .master("local[2]")
            .appName("observability")
            .config("spark.driver.host", "127.0.0.1")
            .config("spark.driver.bindAddress", "127.0.0.1")
            .config("spark.sql.shuffle.partitions", "2");
    MetricsEndpoints.metricsConf(port, dir.resolve("csv")).forEach(b::config);
    SparkSessions.eventLogConf(events).forEach(b::config);
    SparkSession spark = b.getOrCreate();
    live = new ArrayList<>();
    spark
        .sparkContext()
        .addSparkListener(
            new SparkListener() {
              @Override
              public void onStageCompleted(SparkListenerStageCompleted e) {
                StageInfo s = e.stageInfo();
                live.add(
                    new SlowestStage.StageRun(
                        s.stageId(),
                        s.attemptNumber(),
                        s.name(),
                        s.numTasks(),
                        (long) s.completionTime().get() - (long) s.submissionTime().get()));
              }
            });
    try {
      spark.range(0, 200_000, 1, 4).selectExpr("id % 10 AS k").groupBy("k").count().collect();
      driverSamples = MetricsEndpoints.scrape(port, "/metrics/prometheus");
      executorSamples = MetricsEndpoints.scrape(port, "/metrics/executors/prometheus");
      jmxSucceededJobs =
          MetricsEndpoints.jmxValue(
              "observability.driver.appStatus.jobs.succeededJobs", "counters", "Count");
    } finally {
      spark.stop(); // flushes the event log and reports the CSV sink a last time
      SharedSpark.session();
    }
  }

  @Test
  void bothPrometheusEndpointsAnswerOnTheUiPortWithTheJobsNumbers() {
    // the metrics system's page: the app-status counters saw the job and its tasks
    assertThat(driverSamples).isNotEmpty();
    assertThat(driverSamples)
        .anySatisfy(
            s -> {
              assertThat(s.name()).contains("appStatus").contains("jobs_succeededJobs");
              assertThat(s.value()).isGreaterThanOrEqualTo(1);
            });
    assertThat(driverSamples).anySatisfy(s -> assertThat(s.name()).contains("DAGScheduler"));
    // and named after the application, not its run-specific id
    assertThat(driverSamples)
        .anySatisfy(s -> assertThat(s.name()).startsWith("metrics_observability_driver_"))
        .noneMatch(s -> s.name().contains("_local_"));
    // the executors' page: one series per executor ("driver" in local mode), tasks completed
    assertThat(executorSamples)
        .anySatisfy(
            s -> {
              assertThat(s.name()).isEqualTo("metrics_executor_completedTasks_total");
              assertThat(s.labels()).contains("executor_id=\"driver\"");
              assertThat(s.value()).isGreaterThanOrEqualTo(4);
            });
  }

  @Test
  void theJmxSinkPublishesTheSameCounterInThePlatformMBeanServer() {
    // the JMX sink's MBean and the Prometheus page read the same counter of the same registry
    double prometheus =
        driverSamples.stream()
            .filter(
                s ->
                    s.name()
                        .equals("metrics_observability_driver_appStatus_jobs_succeededJobs_Count"))
            .findFirst()
            .orElseThrow()
            .value();
    assertThat(jmxSucceededJobs).isInstanceOf(Long.class);
    assertThat(((Long) jmxSucceededJobs).doubleValue()).isEqualTo(prometheus).isGreaterThan(0);
  }

  @Test
  void theCsvSinkWroteOneFilePerMetricWithValues() throws Exception {
    List<Path> csv;
    try (Stream<Path> files = Files.list(dir.resolve("csv"))) {
      csv = files.filter(p -> p.toString().endsWith(".csv")).toList();
    }
    assertThat(csv).isNotEmpty();
    assertThat(csv)
        .anySatisfy(
            f -> {
              assertThat(f.getFileName().toString()).contains("DAGScheduler");
              assertThat(Files.readAllLines(f)).hasSizeGreaterThan(1); // header + a row
            });
  }

  @Test
  void theEventLogAnswersWhichStageWasSlowestExactlyAsTheLiveListenerSawIt() {
    // when the finished application's event log is read back
    List<SlowestStage.StageRun> replayed = SlowestStage.stages(events);

    // then it holds the same stages, with the same durations, as the live listener recorded
    assertThat(replayed).isNotEmpty().containsExactlyInAnyOrderElementsOf(live);
    assertThat(SlowestStage.slowest(events))
        .contains(
            live.stream()
                .max(Comparator.comparingLong(SlowestStage.StageRun::durationMillis))
                .get());
  }

  @Test
  void thePrometheusParserRejectsWhatIsNotASample() {
    assertThat(MetricsEndpoints.parse("# HELP x\nfoo_total{a=\"1\"} 3\nbar 2.5\n"))
        .containsExactly(
            new MetricsEndpoints.Sample("foo_total", "{a=\"1\"}", 3),
            new MetricsEndpoints.Sample("bar", "", 2.5));
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> MetricsEndpoints.parse("not a sample line"))
        .hasMessageContaining("Not a Prometheus sample");
  }
}
