package dev.advancedspark.part1.engines;

import static org.assertj.core.api.Assertions.assertThat;

import dev.advancedspark.common.metrics.MetricsCollector;
import dev.advancedspark.common.metrics.RunMetrics;
import dev.advancedspark.common.testkit.SharedSpark;
import dev.advancedspark.part1.engines.Answers.TopCustomer;
import dev.advancedspark.part1.engines.EngineComparisonExample.Tables;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class EngineComparisonExampleTest {

  private static final long ROWS = 3_000;
  private static final long CUSTOMERS = 200;

  private static final SparkSession spark = SharedSpark.session();
  private static Tables tables;

  @BeforeAll
  static void writeTables() {
    tables =
        EngineComparisonExample.writeTables(spark, ROWS, CUSTOMERS, SharedSpark.scratch("engines"));
  }

  @Test
  void sparkDuckDbAndOneJavaThreadGiveTheSameAnswers() {
    // when
    Answers fromSpark = EngineComparisonExample.spark(spark, tables);
    Answers fromJava =
        EngineComparisonExample.singleThread(
            SingleThreadEngine.load(spark, tables.orders(), tables.customers(), ROWS));
    Answers fromDuck;
    try (DuckDbEngine duck = new DuckDbEngine(2)) {
      fromDuck = EngineComparisonExample.duckDb(duck, tables);
    }

    // then: counts and integer sums equal, revenue (double sums in another order) within 1e-9
    assertThat(fromSpark.topCustomers()).hasSize(Answers.TOP);
    assertThat(fromSpark.revenueByCountry()).hasSizeBetween(15, 20);
    assertThat(fromSpark.firstDifference(fromDuck, 1e-9)).isNull();
    assertThat(fromSpark.firstDifference(fromJava, 1e-9)).isNull();
    assertThat(fromSpark.revenueByCountry().stream().mapToLong(c -> c.orders()).sum())
        .isEqualTo(ROWS);
    List<TopCustomer> top = fromSpark.topCustomers();
    for (int i = 1; i < top.size(); i++) {
      assertThat(top.get(i).revenue()).isLessThanOrEqualTo(top.get(i - 1).revenue());
    }
  }

  @Test
  void sparkPaysForShufflesThatTheSingleNodeEnginesDoNotNeed() {
    // when
    RunMetrics m =
        MetricsCollector.metricsOf(spark, () -> SparkEngine.topCustomers(spark, tables.orders()));

    // then: even on one machine the aggregation is several tasks and a shuffle of partial sums
    assertThat(m.stages()).isGreaterThanOrEqualTo(2);
    assertThat(m.tasks()).isGreaterThan(2);
    assertThat(m.shuffleWriteRecords()).isPositive();
  }

  @Test
  void differingAnswersAreReportedWithTheFirstDifference() {
    Answers a = new Answers(List.of(new TopCustomer(7, 3, 9, 100.0)), List.of());
    Answers b = new Answers(List.of(new TopCustomer(7, 3, 9, 100.5)), List.of());

    assertThat(a.agreesWith(b, 1e-9)).isFalse();
    assertThat(a.firstDifference(b, 1e-9)).startsWith("top customers row 0");
    assertThat(a.agreesWith(b, 0.01)).isTrue();
  }
}
