package dev.advancedspark.part3.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.luben.zstd.ZstdOutputStream;
import dev.advancedspark.common.data.DataGenerators;
import dev.advancedspark.common.data.DataGenerators.OrdersSpec;
import dev.advancedspark.common.data.Skew;
import dev.advancedspark.common.testkit.SharedSpark;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The doctor on event log files: a skewed run's events written as Spark writes them (plain, zstd,
 * rolling), and every kind of bad input: a clear message, exit status 2, never a stack trace.
 */
class EventLogDoctorTest {

  private static Path dir;
  private static List<String> skewedRun;

  @BeforeAll
  static void recordASkewedRun() {
    SparkSession spark = SharedSpark.session();
    dir = SharedSpark.scratch("event-log-doctor");
    Dataset<Row> hot =
        DataGenerators.orders(spark, OrdersSpec.of(40_000).withSkew(Skew.hotKey(0.9)));
    skewedRun = RunRecorder.record(spark, () -> Reproductions.skewedRepartition(hot, 8));
  }

  private record Result(int status, String out, String err) {}

  private static Result doctor(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status =
        EventLogDoctor.run(
            args,
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    Result r =
        new Result(
            status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    System.out.println(r.out() + r.err());
    return r;
  }

  private static Path write(String name, List<String> lines) throws IOException {
    Path p = dir.resolve(name);
    Files.createDirectories(p.getParent());
    Files.write(p, lines, StandardCharsets.UTF_8);
    return p;
  }

  private static void assertCleanUsageError(Result r, String message) {
    assertThat(r.status()).isEqualTo(2);
    assertThat(r.err()).startsWith("error: ").contains(message);
    assertThat(r.err()).doesNotContain("Exception").doesNotContain("\tat ");
  }

  @Test
  void namesSkewInAPlainEventLog() throws IOException {
    Path log = write("plain/local-1", skewedRun);

    Result r = doctor("--log", log.toString(), "--thresholds", "small");

    assertThat(r.status()).isZero();
    assertThat(r.out())
        .contains("12 task attempts") // 4 map tasks, 8 reduce tasks
        .contains("SKEW: stage")
        .contains("runbook: runbooks/data-skew.md");
  }

  @Test
  void readsZstdCompressedAndRollingLogs() throws IOException {
    Path zstd = dir.resolve("zstd/local-2.zstd");
    Files.createDirectories(zstd.getParent());
    try (OutputStream out = new ZstdOutputStream(Files.newOutputStream(zstd))) {
      out.write((String.join("\n", skewedRun) + "\n").getBytes(StandardCharsets.UTF_8));
    }
    int half = skewedRun.size() / 2;
    Path rolling = dir.resolve("rolling/eventlog_v2_local-3");
    write("rolling/eventlog_v2_local-3/events_1_local-3", skewedRun.subList(0, half));
    write(
        "rolling/eventlog_v2_local-3/events_2_local-3", skewedRun.subList(half, skewedRun.size()));
    write("rolling/eventlog_v2_local-3/appstatus_local-3", List.of());

    assertThat(doctor("--log", zstd.toString(), "--thresholds", "small").out()).contains("SKEW:");
    assertThat(doctor("--log", rolling.toString(), "--thresholds", "small").out())
        .contains("SKEW:");
  }

  @Test
  void theHtmlPageDrawsEveryStageAndTheSkewedTaskAsTheTallestBar() throws IOException {
    Path log = write("html/local-5", skewedRun);
    Path page = dir.resolve("html/report.html");

    Result r = doctor("--log", log.toString(), "--thresholds", "small", "--html", page.toString());

    assertThat(r.status()).isZero();
    assertThat(r.out()).contains("report: " + page.toAbsolutePath());
    String html = Files.readString(page);
    RunFacts facts = RunEvents.parse(skewedRun);
    List<Integer> stages =
        facts.tasks().stream().map(RunFacts.TaskFact::stageId).distinct().toList();
    // one duration chart and one records chart per stage, and nothing fetched from anywhere
    assertThat(count(html, "<svg class=\"durations\"")).isEqualTo(stages.size());
    assertThat(count(html, "<svg class=\"records\"")).isEqualTo(stages.size());
    assertThat(html).contains("<svg class=\"io\"").doesNotContain("http:", "https:", "<script");

    // the stage the doctor calls skewed: its tallest records bar is the hot task, in red
    Matcher skew = Pattern.compile("SKEW: stage (\\d+)").matcher(r.out());
    assertThat(skew.find()).isTrue();
    int stage = Integer.parseInt(skew.group(1));
    long[] records =
        facts.tasks().stream()
            .filter(t -> t.stageId() == stage)
            .mapToLong(RunFacts.TaskFact::recordsRead)
            .sorted()
            .toArray();
    long hot = records[records.length - 1];
    assertThat(hot).isGreaterThan(5 * records[records.length / 2]);
    String chart = chart(html, "records", stage);
    assertThat(count(chart, "class=\"bar max\"")).isEqualTo(1);
    assertThat(chart).contains("<rect class=\"bar max\" data-value=\"" + hot + "\"");
    long longest =
        facts.tasks().stream()
            .filter(t -> t.stageId() == stage)
            .mapToLong(RunFacts.TaskFact::durationMillis)
            .max()
            .orElseThrow();
    assertThat(chart(html, "durations", stage))
        .contains("<rect class=\"bar max\" data-value=\"" + longest + "\"");
  }

  private static int count(String text, String what) {
    return text.split(Pattern.quote(what), -1).length - 1;
  }

  private static String chart(String html, String kind, int stage) {
    int start = html.indexOf("<svg class=\"" + kind + "\" data-stage=\"" + stage + "\"");
    assertThat(start).as(kind + " chart of stage " + stage).isNotNegative();
    return html.substring(start, html.indexOf("</svg>", start));
  }

  @Test
  void theDefaultThresholdsStayQuietAboutTinyData() throws IOException {
    Result r = doctor("--log", write("plain/local-4", skewedRun).toString());

    assertThat(r.status()).isZero();
    assertThat(r.out()).contains("no findings");
  }

  @Test
  void aMissingLogIsAUsageErrorThatNamesThePath() {
    assertCleanUsageError(
        doctor("--log", dir.resolve("no-such-log").toString()), "event log not found: ");
    assertThat(doctor("--log", dir.resolve("no-such-log").toString()).err())
        .contains("no-such-log");
  }

  @Test
  void argumentsAreCheckedBeforeAnythingIsRead() {
    assertCleanUsageError(doctor(), "--log is required.");
    assertCleanUsageError(doctor("--log", "x", "--thresholds", "tiny"), "--thresholds must be");
    assertCleanUsageError(doctor("--verbose"), "Unknown option '--verbose'");
  }

  @Test
  void aFileThatIsNotJsonIsNotAnEventLog() throws IOException {
    Path csv = write("bad/orders.csv", List.of("order_id,amount", "1,9.99"));
    Path json = write("bad/config.json", List.of("{\"spark.master\": \"local\"}"));

    assertCleanUsageError(doctor("--log", csv.toString()), "is not a Spark event log: line 1");
    assertCleanUsageError(doctor("--log", json.toString()), "no \"Event\"");
  }

  @Test
  void aLastLineCutShortIsSkippedWithANote() throws IOException {
    List<String> lines = new java.util.ArrayList<>(skewedRun);
    String last = lines.remove(lines.size() - 1);
    lines.add(last.substring(0, last.length() / 2));

    Result r =
        doctor("--log", write("truncated/local-5", lines).toString(), "--thresholds", "small");

    assertThat(r.status()).isZero();
    assertThat(r.out()).contains("note: the last line of the log is cut short").contains("SKEW:");
  }

  @Test
  void aRunWithoutTasksHasNothingToDiagnose() throws IOException {
    Path empty = write("empty/local-6", List.of());
    Path startOnly =
        write(
            "empty/local-7",
            List.of("{\"Event\":\"SparkListenerLogStart\",\"Spark Version\":\"4.2.0\"}"));

    assertCleanUsageError(doctor("--log", empty.toString()), "holds no finished task");
    assertCleanUsageError(doctor("--log", startOnly.toString()), "holds no finished task");
  }

  @Test
  void aFolderOfSeveralLogsAsksForOne() throws IOException {
    write("several/local-8", skewedRun);
    write("several/local-9", skewedRun);

    assertCleanUsageError(
        doctor("--log", dir.resolve("several").toString()), "not one run's log; pick one: local-8");
  }

  @Test
  void aLogFromAnOlderSparkIsReadWithANote() throws IOException {
    List<String> old = new java.util.ArrayList<>(skewedRun);
    old.add(0, "{\"Event\":\"SparkListenerLogStart\",\"Spark Version\":\"2.4.8\"}");

    Result r = doctor("--log", write("old/app-1", old).toString(), "--thresholds", "small");

    assertThat(r.status()).isZero();
    assertThat(r.out()).contains("note: written by Spark 2.4.8").contains("SKEW:");
  }
}
