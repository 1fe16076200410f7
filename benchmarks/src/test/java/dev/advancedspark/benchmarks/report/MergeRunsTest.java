package dev.advancedspark.benchmarks.report;

import static dev.advancedspark.benchmarks.report.ResultsReportTest.array;
import static dev.advancedspark.benchmarks.report.ResultsReportTest.result;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.advancedspark.benchmarks.report.ResultsReport.Case;
import dev.advancedspark.common.testkit.SharedSpark;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class MergeRunsTest {

  private static final String CLS = "shuffle.ReduceByKeyBenchmark";

  /** One round's case with one fork of raw data (JMH's own score and error left as given). */
  private static String oneFork(String op, double score, String fork) {
    return result(CLS, "sumPerKey", "\"op\": \"" + op + "\"", score, 0.5, "[" + fork + "]")
        .replace("\"forks\": 2", "\"forks\": 1")
        .replace("\"measurementIterations\": 5", "\"measurementIterations\": 3");
  }

  @Test
  void theRoundsBecomeTheForksOfOneResultAndItsStatisticsCoverAllOfThem() throws Exception {
    // Round 2 ran the cases in the reverse order, as run-suite.sh's ROUNDS=2 does.
    String round1 =
        array(oneFork("groupByKey", 2, "[1, 2, 3]"), oneFork("reduceByKey", 20, "[10, 20, 30]"));
    String round2 =
        array(oneFork("reduceByKey", 50, "[40, 50, 60]"), oneFork("groupByKey", 5, "[4, 5, 6]"));
    List<String> warnings = new ArrayList<>();

    String merged = MergeRuns.merge(List.of(round1, round2), warnings);

    assertThat(warnings).isEmpty();
    JsonNode json = new ObjectMapper().readTree(merged);
    assertThat(json).hasSize(2);
    JsonNode group = json.get(0);
    assertThat(group.path("params").path("op").asText()).isEqualTo("groupByKey"); // round 1 order
    assertThat(group.path("forks").asInt()).isEqualTo(2);
    JsonNode metric = group.path("primaryMetric");
    assertThat(metric.path("rawData").toString()).isEqualTo("[[1,2,3],[4,5,6]]");
    // Mean of 1..6, and JMH's 99.9 % half-width: t(0.9995, 5) = 6.8688 x sd 1.8708 / sqrt(6).
    assertThat(metric.path("score").asDouble()).isEqualTo(3.5);
    assertThat(metric.path("scoreError").asDouble()).isCloseTo(5.2460, within(1e-3));
    assertThat(metric.path("scoreConfidence").get(0).asDouble()).isCloseTo(-1.746, within(1e-3));
    assertThat(metric.path("scorePercentiles").path("0.0").asDouble()).isEqualTo(1.0);
    assertThat(metric.path("scorePercentiles").path("100.0").asDouble()).isEqualTo(6.0);

    List<Case> cases = ResultsReport.parse(merged);
    assertThat(cases.get(0).forks()).isEqualTo(2);
    assertThat(Statistics.median(cases.get(0))).isEqualTo(3.5);
    assertThat(cases.get(1).score()).isEqualTo(35.0);
    assertThat(ResultsReport.ratios(cases).get(cases.get(1))).isEqualTo(10.0);
  }

  @Test
  void aCaseMissingFromARoundKeepsTheForksItHasAndIsNamed() throws Exception {
    String round1 =
        array(oneFork("groupByKey", 2, "[1, 2, 3]"), oneFork("reduceByKey", 20, "[10, 20, 30]"));
    String round2 = array(oneFork("groupByKey", 5, "[4, 5, 6]"));
    List<String> warnings = new ArrayList<>();

    JsonNode json = new ObjectMapper().readTree(MergeRuns.merge(List.of(round1, round2), warnings));

    assertThat(json.get(1).path("forks").asInt()).isEqualTo(1);
    assertThat(json.get(1).path("primaryMetric").path("score").asDouble()).isEqualTo(20.0);
    assertThat(warnings)
        .containsExactly(
            "Case dev.advancedspark.benchmarks.shuffle.ReduceByKeyBenchmark.sumPerKey mode=ss"
                + " op=reduceByKey ran in 1 of 2 rounds: merged with the forks it has");
  }

  @Test
  void roundsWithDifferentMeasuredIterationsAreRefused() {
    String round1 = array(oneFork("groupByKey", 2, "[1, 2, 3]"));
    String round2 =
        array(
            oneFork("groupByKey", 5, "[4, 5, 6, 7]")
                .replace("\"measurementIterations\": 3", "\"measurementIterations\": 4"));

    assertThatThrownBy(() -> MergeRuns.merge(List.of(round1, round2), new ArrayList<>()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("op=groupByKey has 3 measured iterations in one round and 4")
        .hasMessageContaining("same -i");
  }

  @Test
  void theReportSaysWhichRunsAlternatedTheirVariants() throws Exception {
    Path dir = SharedSpark.scratch("report-alternated");
    Path results = Files.createDirectories(dir.resolve("results"));
    String common = "classes=ReduceByKeyBenchmark\njdk=17\nspark_version=4.2.0\ngit_commit=a1\n";
    String alternated = "order=alternated: 2 rounds of one fork each (JMH -f 1)\n";
    Files.writeString(
        results.resolve("jmh-a.json"),
        array(result(CLS, "sumPerKey", "\"op\": \"groupByKey\"", 200)));
    Files.writeString(results.resolve("jmh-a.properties"), common + "command=a\n" + alternated);
    Path md = dir.resolve("RESULTS.md");

    ResultsReport.main(new String[] {results.toString(), md.toString()});
    assertThat(Files.readString(md))
        .contains(ResultsReport.ALTERNATED_NOTE)
        .doesNotContain(ResultsReport.ORDER_NOTE);

    Files.writeString(
        results.resolve("jmh-b.json"),
        array(result(CLS, "sumPerKey", "\"op\": \"reduceByKey\"", 50)));
    Files.writeString(
        results.resolve("jmh-b.properties"),
        common + "command=b\norder=JMH default: cases in parameter order\n");
    ResultsReport.main(new String[] {results.toString(), md.toString()});
    assertThat(Files.readString(md))
        .contains("Command: `a`  \n")
        .contains("  \nOrder: alternated: 2 rounds of one fork each (JMH -f 1)  \n")
        .contains(
            "Order: the runs with an order line above ran alternated rounds; in the others JMH"
                + " ran the cases in the order of the table")
        .doesNotContain(ResultsReport.ALTERNATED_NOTE);
  }
}
