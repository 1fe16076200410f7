package dev.advancedspark.part4.app;

import static dev.advancedspark.common.testkit.DataFrameAssert.assertThatDataFrame;
import static dev.advancedspark.common.testkit.DataFrameAssert.row;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.advancedspark.common.UsageException;
import dev.advancedspark.common.testkit.SharedSpark;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Date;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

class DailyRevenueJobTest {

  private final SparkSession spark = SharedSpark.session();

  @Test
  void dailyRevenueCountsAndSumsPaidOrdersPerDayAndLeavesCancelledOnesOut() {
    // given two days of orders, one of them cancelled
    Path csv = SharedSpark.scratch("daily-revenue-unit").resolve("orders.csv");
    writeLines(
        csv,
        OrdersCsv.HEADER,
        "1,2026-01-01,7,10.50,PAID",
        "2,2026-01-01,8,4.25,PAID",
        "3,2026-01-01,9,100.00,CANCELLED",
        "4,2026-01-02,7,1.00,PAID");
    Dataset<Row> orders = DailyRevenueJob.readOrders(spark, csv.toString()).drop("_corrupt_record");

    // when the daily revenue is computed
    Dataset<Row> daily = DailyRevenueJob.dailyRevenue(orders);

    // then each day has its paid orders and their exact decimal sum, oldest day first
    assertThatDataFrame(daily)
        .hasColumns("order_date", "orders", "revenue")
        .containsExactly(
            row(Date.valueOf("2026-01-01"), 2L, new BigDecimal("14.75")),
            row(Date.valueOf("2026-01-02"), 1L, new BigDecimal("1.00")));
  }

  @Test
  void runQuarantinesMalformedLinesAndMatchesThePlainJavaAnswer() {
    // given generated orders with three malformed lines
    Path dir = SharedSpark.scratch("daily-revenue-run");
    List<OrdersCsv.Order> orders = OrdersCsv.write(dir.resolve("orders.csv"), 600, 7L);
    Path out = dir.resolve("out");

    // when the whole job runs
    DailyRevenueJob.Summary summary =
        DailyRevenueJob.run(spark, dir.resolve("orders.csv").toString(), out.toString());

    // then the bad lines are counted and kept apart, and the output equals the plain Java answer
    assertThat(summary.quarantined()).isEqualTo(OrdersCsv.MALFORMED.size());
    assertThat(summary.validOrders()).isEqualTo(600);
    assertThat(
            spark
                .read()
                .text(out.resolve("quarantine").toString())
                .as(org.apache.spark.sql.Encoders.STRING())
                .collectAsList())
        .containsExactlyInAnyOrderElementsOf(OrdersCsv.MALFORMED);
    assertThat(Expected.writtenDailyRevenue(out)).isEqualTo(Expected.dailyRevenueLines(orders));
    assertThat(Expected.summary(out).getProperty("checksum")).isEqualTo(summary.checksum());
  }

  @Test
  void theChecksumChangesWhenOneRowChanges() {
    // given the same rows and one changed row
    List<Row> rows = List.of(row("2026-01-01", 2L, "14.75"), row("2026-01-02", 1L, "1.00"));
    List<Row> changed = List.of(row("2026-01-01", 2L, "14.75"), row("2026-01-02", 1L, "1.01"));

    // when / then the checksum is stable for equal rows and differs for the changed one
    assertThat(DailyRevenueJob.checksum(rows))
        .isEqualTo(DailyRevenueJob.checksum(List.copyOf(rows)));
    assertThat(DailyRevenueJob.checksum(changed)).isNotEqualTo(DailyRevenueJob.checksum(rows));
  }

  @Test
  void aMissingInputIsAUsageErrorNamingThePath() {
    // given a path with no file
    Path missing = SharedSpark.scratch("daily-revenue-missing").resolve("nope.csv");

    // when / then the job refuses it with the absolute path in the message
    assertThatThrownBy(() -> DailyRevenueJob.run(spark, missing.toString(), "target/unused"))
        .isInstanceOf(UsageException.class)
        .hasMessage("Input path " + missing.toAbsolutePath() + " does not exist.");
  }

  @Test
  void anUnknownOptionIsRefusedWithUsage() {
    // when / then parsing a misspelt option raises a usage error naming it
    assertThatThrownBy(() -> DailyRevenueJob.SPEC.parse("--inptu", "x.csv"))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("Unknown option '--inptu'");
  }

  private static void writeLines(Path file, String... lines) {
    try {
      java.nio.file.Files.createDirectories(file.getParent());
      java.nio.file.Files.write(file, List.of(lines));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
