package dev.advancedspark.part3.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.advancedspark.common.SparkSessions;
import dev.advancedspark.common.data.DataGenerators;
import dev.advancedspark.common.data.DataGenerators.OrdersSpec;
import dev.advancedspark.common.testkit.SparkVersion;
import dev.advancedspark.part3.memory.SpillExample;
import dev.advancedspark.part3.monitoring.SparkDoctor.Diagnosis;
import dev.advancedspark.part3.monitoring.SparkDoctor.Rule;
import dev.advancedspark.part3.monitoring.SparkDoctor.Thresholds;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/**
 * The doctor on what needs a session of its own: spill (the memory settings are read when a
 * SparkContext starts) and a real event log written by an example run ({@code --event-log}).
 */
class SparkDoctorIT {

  @Test
  void aSortThatSpillsIsNamedAndMorePartitionsSilenceIt() {
    SparkSession spark =
        SparkSessions.forExample(
            new SparkSessions.Settings(
                "doctor-spill-it",
                "local[2]",
                // the unified pool of SpillExample: about 15 MiB in a 3 GiB test heap
                Map.of("spark.memory.fraction", "0.005", "spark.ui.enabled", "false"),
                false));
    try {
      Dataset<Row> orders = DataGenerators.orders(spark, OrdersSpec.of(200_000));
      List<Diagnosis> spilled = observeSort(spark, orders, 2);
      List<Diagnosis> fixed = observeSort(spark, orders, 32);

      assertThat(spilled).extracting(Diagnosis::rule).contains(Rule.SPILL);
      assertThat(fixed).extracting(Diagnosis::rule).doesNotContain(Rule.SPILL);
    } finally {
      spark.stop();
      SparkSession.clearActiveSession();
      SparkSession.clearDefaultSession();
    }
  }

  private static List<Diagnosis> observeSort(SparkSession spark, Dataset<Row> orders, int n) {
    List<Diagnosis> found =
        SparkDoctor.observe(
            spark,
            () ->
                SpillExample.sortedPerCustomer(orders, n)
                    .write()
                    .format("noop")
                    .mode("overwrite")
                    .save(),
            Thresholds.smallData());
    System.out.println(n + " partitions: " + found);
    return found;
  }

  @Test
  void theDoctorReadsTheEventLogOfAnExampleRun() throws IOException {
    // given: the skew example run as a reader runs it, with --event-log
    Path events = SparkSessions.TARGET.resolve("spark-events");
    long before = System.currentTimeMillis();
    BottleneckReportExample.main(
        new String[] {
          "--rows",
          "200k",
          "--skew",
          "hot:0.9",
          "--master",
          "local[2]",
          "--event-log",
          "--conf",
          "spark.ui.enabled=false"
        });
    SparkSession.clearActiveSession();
    SparkSession.clearDefaultSession();
    Path log;
    try (Stream<Path> s = Files.list(events)) {
      log =
          s.filter(p -> p.toFile().lastModified() >= before - 1_000)
              .max(Comparator.comparingLong(p -> p.toFile().lastModified()))
              .orElseThrow(() -> new AssertionError("no event log written under " + events));
    }

    // when
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int status =
        EventLogDoctor.run(
            new String[] {"--log", log.toString(), "--thresholds", "small"},
            new PrintStream(out, true, StandardCharsets.UTF_8),
            System.err);

    // then (the output lands in target/failsafe-reports, for the README)
    String report = out.toString(StandardCharsets.UTF_8);
    System.out.println(report);
    assertThat(status).isZero();
    assertThat(report)
        .contains("Spark " + SparkVersion.current())
        .contains("2 cores")
        .contains("SKEW: stage");
  }
}
