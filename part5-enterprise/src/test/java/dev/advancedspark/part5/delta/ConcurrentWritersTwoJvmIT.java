package dev.advancedspark.part5.delta;

import static org.assertj.core.api.Assertions.assertThat;

import dev.advancedspark.common.testkit.ChildDriver;
import dev.advancedspark.common.testkit.SharedSpark;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/**
 * Two driver JVMs, one Delta table, no coordination but the file system: Delta's optimistic commit
 * (each commit a new {@code _delta_log/N.json}, created only if absent) is all that keeps them
 * apart. Writer A, in its own JVM, runs a MERGE and holds its transaction open until writer B (this
 * test's JVM) has appended, so the conflict is certain, not a race; A retries and commits. The
 * table after: history, count and checksum as if the writes had run one after the other. (B runs in
 * the test JVM, whose session is warm: a second child JVM would only add its start-up.)
 */
class ConcurrentWritersTwoJvmIT {

  private static final Duration DEADLINE = Duration.ofMinutes(8);

  private final SparkSession spark = SharedSpark.session();

  @Test
  void aMergeInOneJvmLosesToAnAppendInAnotherRetriesAndTheTableStaysIntact() throws Exception {
    // given: accounts 0-9 with 100 each (version 0), and writer A's JVM, warm
    Path dir = SharedSpark.scratch("concurrent-two-jvms");
    String path = dir.resolve("accounts").toString();
    ConcurrentWritersExample.createAccounts(spark, path);
    List<String> aLines = Collections.synchronizedList(new ArrayList<>());
    try (ChildDriver a = mergeWriter(path, dir, aLines)) {
      a.awaitLine("ready"::equals, DEADLINE);

      // when: A reads the table and holds its transaction; B (this JVM) appends; A goes on
      a.send("go");
      a.awaitLine("inside"::equals, DEADLINE);
      ConcurrentWritersExample.appendNewAccounts(spark, path);
      a.send("release");
      assertThat(a.awaitExit(DEADLINE)).isZero();
    }

    // then: A's first attempt failed on B's append, its second committed
    System.out.println("writer A: " + aLines);
    assertThat(aLines).contains("inside", "committed after 2 attempts");
    assertThat(aLines.stream().filter(l -> l.startsWith("conflict ")))
        .singleElement()
        .satisfies(l -> assertThat(l).startsWith("conflict ConcurrentAppendException: "));
    // and the table is what the two writes in order give: nothing lost, nothing twice
    TableReportExample.Report r = TableReportExample.report(spark, path);
    System.out.println("table: " + r);
    assertThat(r.history()).containsExactly("0 WRITE", "1 WRITE", "2 MERGE");
    assertThat(r.rows()).isEqualTo(15);
    java.math.BigDecimal expected =
        spark
            .range(25)
            .where("id < 10 OR id >= 20")
            .selectExpr("id", "CASE WHEN id < 5 THEN 110L WHEN id < 10 THEN 100L ELSE 0L END")
            .selectExpr(TableReportExample.CHECKSUM)
            .first()
            .getDecimal(0);
    assertThat(r.checksum()).isEqualTo(expected);
  }

  private static ChildDriver mergeWriter(String path, Path dir, List<String> lines) {
    return ChildDriver.start(
        ConcurrentWriterProcess.class,
        List.of(path, dir.resolve("work-merge").toString()),
        dir.resolve("writer-merge.log"),
        lines::add);
  }
}
