package dev.advancedspark.benchmarks.report;

import static dev.advancedspark.benchmarks.report.ResultsReportTest.array;
import static dev.advancedspark.benchmarks.report.ResultsReportTest.result;
import static org.assertj.core.api.Assertions.assertThat;

import dev.advancedspark.common.testkit.SharedSpark;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

class ResultsPageTest {

  @Test
  void thePageIsWellFormedOfflineAndHasOneSectionPerSuiteWithItsRatios() throws Exception {
    Path dir = SharedSpark.scratch("results-page");
    Path results = Files.createDirectories(dir.resolve("results"));
    Files.writeString(
        results.resolve("jmh-a.json"),
        array(
            result(
                "shuffle.ReduceByKeyBenchmark",
                "sumPerKey",
                "\"op\": \"groupByKey\"",
                200,
                10,
                "[[190, 200, 210], [195, 205, 200]]"),
            result(
                "shuffle.ReduceByKeyBenchmark",
                "sumPerKey",
                "\"op\": \"reduceByKey\"",
                50,
                2,
                "[[80, 60, 40], [75, 55, 45]]")));
    Files.writeString(
        results.resolve("jmh-b.json"),
        array(
            result(
                "join.JoinBenchmark",
                "join",
                "\"strategy\": \"SORT_MERGE\", \"rows\": \"1000000\"",
                100,
                5,
                ""),
            result(
                "join.JoinBenchmark",
                "join",
                "\"strategy\": \"BROADCAST_HASH\", \"rows\": \"1000000\"",
                40,
                5,
                ""),
            result(
                "join.JoinBenchmark",
                "join",
                "\"strategy\": \"SORT_MERGE\", \"rows\": \"10000000\"",
                900,
                5,
                ""),
            result(
                "join.JoinBenchmark",
                "join",
                "\"strategy\": \"BROADCAST_HASH\", \"rows\": \"10000000\"",
                300,
                5,
                "")));
    Files.writeString(
        results.resolve("jmh-a.properties"),
        "classes=ReduceByKeyBenchmark \ncommand=benchmarks/run-suite.sh Reduce -p x=<&>\n"
            + "started=2026-11-30T01:00:00Z\n");

    ResultsReport.main(new String[] {results.toString(), dir.resolve("RESULTS.md").toString()});
    String html = Files.readString(dir.resolve(ResultsReport.PAGE));

    // well-formed XHTML: an XML parser reads the whole page, its SVG included
    Document page = Xml.parse(html);
    assertThat(html).doesNotContain("http://", "https://", "<script", "src=");
    List<Element> sections = elements(page, "section");
    assertThat(sections)
        .extracting(e -> e.getAttribute("id"))
        .containsExactly("JoinBenchmark", "ReduceByKeyBenchmark");
    // every suite has its ratio chart, one bar per case, the ratio written on the bar
    List<String> ratios = new ArrayList<>();
    for (Element rect : elements(page, "rect")) {
      if (rect.hasAttribute("data-ratio")) {
        ratios.add(rect.getAttribute("data-ratio"));
      }
    }
    assertThat(ratios).containsExactly("1.00", "0.40", "1.00", "0.33", "1.00", "0.25");
    assertThat(elements(page, "svg"))
        .extracting(e -> e.getAttribute("class"))
        .containsExactly("ratios", "costcurve", "ratios");
    // the reduceByKey case still falls from first to last iteration: its bar is flagged red
    assertThat(html).contains("class=\"bar flag\" data-ratio=\"0.25\"");
    assertThat(html)
        .contains("Command: <code>benchmarks/run-suite.sh Reduce -p x=&lt;&amp;&gt;</code>");
    assertThat(html).contains("Run 2026-11-30T01:00:00Z");
  }

  private static List<Element> elements(Document doc, String tag) {
    NodeList nodes = doc.getElementsByTagName(tag);
    List<Element> out = new ArrayList<>();
    for (int i = 0; i < nodes.getLength(); i++) {
      out.add((Element) nodes.item(i));
    }
    return out;
  }
}
