package dev.advancedspark.benchmarks.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.advancedspark.benchmarks.report.ResultsReport.Case;
import dev.advancedspark.common.testkit.SharedSpark;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ResultsReportTest {

  private static String result(String cls, String method, String params, double score) {
    return """
        {"benchmark": "dev.advancedspark.benchmarks.%s.%s", "mode": "ss", "forks": 2,
         "measurementIterations": 5, "jdkVersion": "17.0.15", "vmName": "OpenJDK 64-Bit Server VM",
         "params": {%s},
         "primaryMetric": {"score": %s, "scoreError": 1.5, "scoreUnit": "ms/op"}}
        """
        .formatted(cls, method, params, score);
  }

  private static final String JSON =
      "["
          + String.join(
              ",",
              result("shuffle.ReduceByKeyBenchmark", "sumPerKey", "\"op\": \"groupByKey\"", 200),
              result("shuffle.ReduceByKeyBenchmark", "sumPerKey", "\"op\": \"reduceByKey\"", 50),
              result("baselines.GroupByBenchmark", "q1", "\"engine\": \"duckdb\"", 10),
              result("baselines.GroupByBenchmark", "q1", "\"engine\": \"java\"", 5),
              result("baselines.GroupByBenchmark", "q2", "\"engine\": \"duckdb\"", 10),
              result("baselines.GroupByBenchmark", "q2", "\"engine\": \"java\"", 20))
          + "]";

  @Test
  void eachVariantIsComparedToTheBaselineInTheSameContext() throws Exception {
    List<Case> cases = ResultsReport.parse(JSON);

    Map<Case, Double> ratios = ResultsReport.ratios(cases);

    assertThat(cases).hasSize(6);
    assertThat(ratios.get(cases.get(1))).isEqualTo(0.25);
    assertThat(ratios.get(cases.get(0))).isEqualTo(1.0);
    assertThat(ratios.get(cases.get(3))).isEqualTo(0.5);
    assertThat(ratios.get(cases.get(5))).isEqualTo(2.0);
  }

  @Test
  void groupByEnginesGetAGeometricMeanOverTheQuestions() throws Exception {
    List<Case> cases = ResultsReport.parse(JSON);

    Map<String, Double> geomean = ResultsReport.geomeanRatios(cases, "GroupByBenchmark");

    assertThat(geomean.get("java")).isCloseTo(1.0, within(1e-12)); // sqrt(0.5 * 2)
    assertThat(geomean.get("duckdb")).isCloseTo(1.0, within(1e-12));
  }

  @Test
  void writesTablesChartsAndTheMachineLine() throws Exception {
    Path dir = SharedSpark.scratch("report");
    Path results = Files.createDirectories(dir.resolve("results"));
    Files.writeString(results.resolve("jmh-test.json"), JSON);
    Files.writeString(
        results.resolve("jmh-test.properties"),
        "classes=ReduceByKeyBenchmark GroupByBenchmark\ncommand=benchmarks/run-suite.sh test\n");

    ResultsReport.main(new String[] {results.toString(), dir.resolve("RESULTS.md").toString()});

    String md = Files.readString(dir.resolve("RESULTS.md"));
    assertThat(md)
        .contains("**Machine:**", "cores (`nproc`)", "Spark 4.2.0")
        .contains("| sumPerKey | reduceByKey | 50.0 | 1.50 | ms/op | 0.25 |")
        .contains("| java | 1.00 |")
        .contains("Command: `benchmarks/run-suite.sh test`")
        .contains("](charts/GroupByBenchmark.svg)");
    assertThat(Files.readString(dir.resolve("charts").resolve("GroupByBenchmark.svg")))
        .contains("<svg")
        .contains("GroupByBenchmark");
  }
}
