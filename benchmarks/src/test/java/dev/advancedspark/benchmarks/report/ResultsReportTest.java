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

  static String result(String cls, String method, String params, double score) {
    return result(cls, method, params, score, 1.5, "");
  }

  /** One JMH JSON result; {@code raw} is JMH's rawData (one array per fork) or empty. */
  static String result(
      String cls, String method, String params, double score, double error, String raw) {
    return """
        {"benchmark": "dev.advancedspark.benchmarks.%s.%s", "mode": "ss", "forks": 2,
         "measurementIterations": 5, "jdkVersion": "17.0.15", "vmName": "OpenJDK 64-Bit Server VM",
         "params": {%s},
         "primaryMetric": {"score": %s, "scoreError": %s, "scoreUnit": "ms/op"%s}}
        """
        .formatted(cls, method, params, score, error, raw.isEmpty() ? "" : ", \"rawData\": " + raw);
  }

  static String array(String... results) {
    return "[" + String.join(",", results) + "]";
  }

  private static final String JSON =
      array(
          result("shuffle.ReduceByKeyBenchmark", "sumPerKey", "\"op\": \"groupByKey\"", 200),
          result("shuffle.ReduceByKeyBenchmark", "sumPerKey", "\"op\": \"reduceByKey\"", 50),
          result("baselines.GroupByBenchmark", "q1", "\"engine\": \"duckdb\"", 10),
          result("baselines.GroupByBenchmark", "q1", "\"engine\": \"java\"", 5),
          result("baselines.GroupByBenchmark", "q2", "\"engine\": \"duckdb\"", 10),
          result("baselines.GroupByBenchmark", "q2", "\"engine\": \"java\"", 20));

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
  void theRatioIntervalDividesTheEndsOfBothConfidenceIntervals() throws Exception {
    List<Case> cases = ResultsReport.parse(JSON);

    Statistics.Interval i = Statistics.ratioInterval(cases.get(1), cases.get(0));

    // (50 - 1.5) / (200 + 1.5) and (50 + 1.5) / (200 - 1.5)
    assertThat(i.low()).isCloseTo(48.5 / 201.5, within(1e-12));
    assertThat(i.high()).isCloseTo(51.5 / 198.5, within(1e-12));
    assertThat(i.low()).isLessThan(0.25);
    assertThat(i.high()).isGreaterThan(0.25);
  }

  @Test
  void theMedianComesFromEveryIterationAndATrendIsFlaggedOnlyWhenEveryForkDrifts()
      throws Exception {
    List<Case> cases =
        ResultsReport.parse(
            array(
                // both forks fall by about a third from the first to the last iterations
                result(
                    "join.JoinBenchmark",
                    "join",
                    "\"strategy\": \"SORT_MERGE\"",
                    80,
                    5,
                    "[[120, 100, 80, 70, 60], [110, 95, 80, 70, 65]]"),
                // noise: one fork up, one down
                result(
                    "join.JoinBenchmark",
                    "join",
                    "\"strategy\": \"BROADCAST_HASH\"",
                    50,
                    5,
                    "[[45, 55, 50, 52, 48], [55, 45, 50, 47, 53]]"),
                // no raw data (older JSON): the mean stands in for the median
                result(
                    "join.JoinBenchmark", "join", "\"strategy\": \"SHUFFLED_HASH\"", 42, 5, "")));

    assertThat(Statistics.median(cases.get(0))).isEqualTo(80.0);
    assertThat(Statistics.median(cases.get(1))).isEqualTo(50.0);
    assertThat(Statistics.median(cases.get(2))).isEqualTo(42.0);
    Statistics.Trend falling = Statistics.trend(cases.get(0));
    assertThat(falling.flagged()).isTrue();
    assertThat(falling.drift()).isNegative();
    assertThat(falling.describe()).startsWith("falling");
    assertThat(Statistics.trend(cases.get(1)).flagged()).isFalse();
    assertThat(Statistics.trend(cases.get(2)).flagged()).isFalse();
  }

  @Test
  void questionGroupsGetAGeometricMeanPerVariant() throws Exception {
    StringBuilder json = new StringBuilder("[");
    for (int q = 1; q <= 10; q++) {
      if (q > 1) {
        json.append(',');
      }
      // DuckDB 10 ms everywhere; java 5 ms on the basic questions, 40 ms on the advanced ones
      json.append(result("baselines.GroupByBenchmark", "q" + q, "\"engine\": \"duckdb\"", 10))
          .append(',')
          .append(
              result(
                  "baselines.GroupByBenchmark", "q" + q, "\"engine\": \"java\"", q <= 5 ? 5 : 40));
    }
    List<Case> cases = ResultsReport.parse(json.append(']').toString());
    Map<Case, Double> ratios = ResultsReport.ratios(cases);

    Map<String, Map<String, QuestionGroups.Mean>> times =
        QuestionGroups.geomeans(cases, Statistics::median);
    Map<String, Map<String, QuestionGroups.Mean>> rel = QuestionGroups.geomeans(cases, ratios::get);

    assertThat(times.get("engine=java").get("basic").value()).isCloseTo(5, within(1e-9));
    assertThat(times.get("engine=java").get("advanced").value()).isCloseTo(40, within(1e-9));
    assertThat(rel.get("engine=java").get("basic").value()).isCloseTo(0.5, within(1e-9));
    assertThat(rel.get("engine=java").get("advanced").value()).isCloseTo(4, within(1e-9));
    assertThat(rel.get("engine=java").get("advanced").questions()).isEqualTo(5);
    // the question may also be a parameter, and the other parameters name the variant
    Case byParam =
        ResultsReport.parse(
                array(
                    result(
                        "baselines.GroupByBenchmark",
                        "query",
                        "\"question\": \"q7\", \"engine\": \"duckdb\", \"layout\": \"int\"",
                        3)))
            .get(0);
    assertThat(QuestionGroups.question(byParam)).isEqualTo("q7");
    assertThat(QuestionGroups.variant(byParam)).isEqualTo("engine=duckdb layout=int");
  }

  @Test
  void costCurvesFitTheFixedCostAndThePerRowSlopePerVariant() throws Exception {
    StringBuilder json = new StringBuilder("[");
    long[] sizes = {1_000_000, 10_000_000, 50_000_000};
    for (int i = 0; i < sizes.length; i++) {
      long n = sizes[i];
      // spark: 100 ms + 20 ns per row; java: 5 ms + 8 ns per row; medians from raw data
      double spark = 100 + 20e-6 * n;
      double java = 5 + 8e-6 * n;
      json.append(i == 0 ? "" : ",")
          .append(
              result(
                  "baselines.GroupByBenchmark",
                  "q1",
                  "\"engine\": \"spark-tuned\", \"rows\": \"" + n + "\"",
                  spark,
                  1,
                  "[[" + spark + "," + spark + "," + spark + "]]"))
          .append(',')
          .append(
              result(
                  "baselines.GroupByBenchmark",
                  "q1",
                  "\"engine\": \"java\", \"rows\": \"" + n + "\"",
                  java,
                  1,
                  "[[" + java + "," + java + "," + java + "]]"));
    }
    List<Case> cases = ResultsReport.parse(json.append(']').toString());

    List<CostCurves.Fit> fits = CostCurves.fits(cases);

    assertThat(fits).hasSize(2);
    CostCurves.Fit java = fits.stream().filter(f -> f.label().contains("java")).findFirst().get();
    CostCurves.Fit spark = fits.stream().filter(f -> f.label().contains("spark")).findFirst().get();
    assertThat(spark.fixedMillis()).isCloseTo(100, within(1e-6));
    assertThat(spark.nsPerRow()).isCloseTo(20, within(1e-6));
    assertThat(spark.nsPerRowPerCore()).isCloseTo(40, within(1e-6)); // local[2]
    assertThat(java.fixedMillis()).isCloseTo(5, within(1e-6));
    assertThat(java.nsPerRowPerCore()).isCloseTo(8, within(1e-6)); // one thread
    String svg = CostCurves.file(CostCurves.svg("GroupByBenchmark", fits));
    assertThat(Xml.parse(svg).getElementsByTagName("polyline").getLength()).isEqualTo(2);
    assertThat(Xml.parse(svg).getElementsByTagName("circle").getLength()).isEqualTo(6);
  }

  @Test
  void theJoinSuiteAtSeveralSizesGetsItsCostCurveAndCometBesideSpark() throws Exception {
    // given the join suite run at three sizes: Spark 200 ms + 100 ns per row, Comet half of it
    StringBuilder json = new StringBuilder("[");
    long[] sizes = {1_000_000, 2_000_000, 4_000_000};
    for (int i = 0; i < sizes.length; i++) {
      for (String engine : List.of("spark", "comet")) {
        double ms = (200 + 100e-6 * sizes[i]) / (engine.equals("comet") ? 2 : 1);
        json.append(json.length() == 1 ? "" : ",")
            .append(
                result(
                    "join.JoinBenchmark",
                    "join",
                    "\"strategy\": \"SORT_MERGE\", \"shape\": \"small-dim\", \"aqe\": \"true\","
                        + " \"engine\": \""
                        + engine
                        + "\", \"rows\": \""
                        + sizes[i]
                        + "\"",
                    ms,
                    1,
                    "[[" + ms + "," + ms + "," + ms + "]]"));
      }
    }
    Path dir = SharedSpark.scratch("report-join");
    Path results = Files.createDirectories(dir.resolve("results"));
    Files.writeString(results.resolve("jmh-JoinBenchmark.json"), json.append(']').toString());

    // when the report is written
    ResultsReport.main(new String[] {results.toString(), dir.resolve("RESULTS.md").toString()});

    // then RESULTS.md has the join suite's curve per engine and the Comet/Spark table
    String md = Files.readString(dir.resolve("RESULTS.md"));
    assertThat(md)
        .contains(
            "| join aqe=true engine=spark shape=small-dim strategy=SORT_MERGE |"
                + " 1,000,000, 2,000,000, 4,000,000 | 200 | 100.0 | 2 | 200.0 |")
        .contains(
            "| join aqe=true engine=comet shape=small-dim strategy=SORT_MERGE |"
                + " 1,000,000, 2,000,000, 4,000,000 | 100 | 50.0 | 2 | 100.0 |")
        .contains("](charts/JoinBenchmark-curve.svg)")
        .contains(
            "| join aqe=true rows=4000000 shape=small-dim strategy=SORT_MERGE | comet | 600 | 300 |"
                + " 0.50 |");
    // and the page draws the curve and the same comparison
    String page = Files.readString(dir.resolve(ResultsReport.PAGE));
    assertThat(page).contains("JoinBenchmark: time against rows (log-log)");
    assertThat(page).contains("<table class=\"engines\">").contains("<td>comet</td>");
    assertThat(EngineComparison.pairs(ResultsReport.parse(json.toString()))).hasSize(3);
  }

  @Test
  void throughputIsReadAgainstTheMeasuredBandwidthAndSparksPublishedFigures() throws Exception {
    List<Case> cases =
        ResultsReport.parse(
            array(
                // 512 MiB in 100 ms with one thread: 5 GiB/s
                result(
                    "hardware.MemoryBandwidthBenchmark",
                    "sum",
                    "\"megabytes\": \"512\", \"threads\": \"1\"",
                    100,
                    1,
                    "[[100, 100, 100]]"),
                // 2^27 rows of 8 bytes (1 GiB) in 1 s on one core: 7.45 ns per row, 20% of 5 GiB/s
                result(
                    "reference.SparkReferenceBenchmark",
                    "run",
                    "\"shape\": \"JOIN_LONG\", \"partitions\": \"1\", \"rows\": \"134217728\"",
                    1000,
                    1,
                    "[[1000, 1000, 1000]]")));
    Case join = cases.get(1);

    assertThat(MachineReference.bandwidthGiBs(cases, 1).getAsDouble()).isCloseTo(5, within(1e-9));
    assertThat(MachineReference.bandwidthFraction(join, cases)).isCloseTo(0.2, within(1e-9));
    assertThat(MachineReference.nsPerRowPerCore(join)).isCloseTo(1e9 / 134217728, within(1e-9));
    assertThat(MachineReference.bandwidthGiBs(cases, 2)).isEmpty();
    assertThat(MachineReference.SPARK_PUBLISHED.get("JOIN_LONG").nsPerRow()).isEqualTo(44.0);

    Path dir = SharedSpark.scratch("report-reference");
    Path results = Files.createDirectories(dir.resolve("results"));
    Files.writeString(
        results.resolve("jmh-r.json"),
        array(
            result(
                "hardware.MemoryBandwidthBenchmark",
                "sum",
                "\"megabytes\": \"512\", \"threads\": \"1\"",
                100,
                1,
                "[[100, 100, 100]]"),
            result(
                "reference.SparkReferenceBenchmark",
                "run",
                "\"shape\": \"JOIN_LONG\", \"partitions\": \"1\", \"rows\": \"134217728\"",
                1000,
                1,
                "[[1000, 1000, 1000]]")));
    ResultsReport.main(new String[] {results.toString(), dir.resolve("RESULTS.md").toString()});
    assertThat(Files.readString(dir.resolve("RESULTS.md")))
        .contains("Bandwidth (median): 1 thread 5.00 GiB/s; 2 threads not measured")
        // 7.45 ns per row here, 44.0 in Spark's file: 0.17 x Spark; 20% of the bandwidth
        .contains(
            "| JOIN_LONG | 1 | 134217728 | 1000 | 7.5 | 44.0 (JoinBenchmark-results.txt) | 0.2 |"
                + " 20.0% |");
  }

  @Test
  void writesTablesChartsVersionsAndTheMachineLine() throws Exception {
    Path dir = SharedSpark.scratch("report");
    Path results = Files.createDirectories(dir.resolve("results"));
    Files.writeString(results.resolve("jmh-test.json"), JSON);
    Files.writeString(
        results.resolve("jmh-test.properties"),
        "classes=ReduceByKeyBenchmark GroupByBenchmark\ncommand=benchmarks/run-suite.sh test\n"
            + "git_commit=0123abc\ngit_dirty=false\njdk=17.0.15+6\nspark_version=4.2.0\n"
            + "duckdb_version=v1.4.1\n");

    ResultsReport.main(new String[] {results.toString(), dir.resolve("RESULTS.md").toString()});

    String md = Files.readString(dir.resolve("RESULTS.md"));
    assertThat(md)
        .contains("**Machine:**", "cores (`nproc`)", "Spark 4.2.0")
        .contains("| sumPerKey | reduceByKey | 50.0 | 50.0 ± 1.50 | ms/op | 0.25 (0.24-0.26) |  |")
        .contains("| sumPerKey | groupByKey | 200 | 200 ± 1.50 | ms/op | 1 (baseline) |  |")
        .contains("| engine=java | 10.0 (2 of 5) | 1.00 (2 of 5) | - | - |")
        .contains("Command: `benchmarks/run-suite.sh test`")
        .contains("Code: `0123abc`; JDK: 17.0.15+6; Spark: 4.2.0; DuckDB: v1.4.1")
        .contains("variants were not interleaved")
        .contains("](charts/GroupByBenchmark.svg)", "[results.html](results.html)");
    assertThat(Files.readString(dir.resolve("charts").resolve("GroupByBenchmark.svg")))
        .contains("<svg")
        .contains("GroupByBenchmark");
    assertThat(Files.exists(dir.resolve(ResultsReport.PAGE))).isTrue();
  }

  @Test
  void aSuiteMeasuredInRunsOfDifferentCommitsNamesEachRunsCommitAndTheRangeOfForks()
      throws Exception {
    Path dir = SharedSpark.scratch("report-runs");
    Path results = Files.createDirectories(dir.resolve("results"));
    Files.writeString(
        results.resolve("jmh-a.json"),
        array(result("shuffle.ReduceByKeyBenchmark", "sumPerKey", "\"op\": \"groupByKey\"", 200)));
    Files.writeString(
        results.resolve("jmh-b.json"),
        array(result("shuffle.ReduceByKeyBenchmark", "sumPerKey", "\"op\": \"reduceByKey\"", 50))
            .replace("\"forks\": 2", "\"forks\": 1"));
    String common = "classes=ReduceByKeyBenchmark\njdk=17\nspark_version=4.2.0\n";
    Files.writeString(
        results.resolve("jmh-a.properties"),
        common + "command=first\ngit_commit=aaa111\ngit_dirty=false\nnote=Only q6 is kept.\n");
    Files.writeString(
        results.resolve("jmh-b.properties"),
        common + "command=second\ngit_commit=bbb222\ngit_dirty=true\n");

    ResultsReport.main(new String[] {results.toString(), dir.resolve("RESULTS.md").toString()});

    String md = Files.readString(dir.resolve("RESULTS.md"));
    assertThat(md)
        .contains("; code: `aaa111`  \nNote: Only q6 is kept.  \n")
        .contains("; code: `bbb222` (with uncommitted changes)  \n")
        .contains("Code: the commit on each run's line; JDK: 17")
        .contains("Forks: 1-2, measurement iterations per fork: 5.");
    assertThat(Files.readString(dir.resolve(ResultsReport.PAGE)))
        .contains("Command: <code>first</code>", "Command: <code>second</code>")
        .contains("; code: aaa111<br/>Note: Only q6 is kept.</p>")
        .contains("; code: bbb222 (with uncommitted changes)</p>")
        .contains("Code: the commit on each run's line; JDK: 17");
  }
}
