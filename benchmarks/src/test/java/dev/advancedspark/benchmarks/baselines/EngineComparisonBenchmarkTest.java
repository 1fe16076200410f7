package dev.advancedspark.benchmarks.baselines;

import static org.assertj.core.api.Assertions.assertThat;

import dev.advancedspark.benchmarks.baselines.EngineComparisonBenchmark.Query;
import dev.advancedspark.common.testkit.SharedSpark;
import dev.advancedspark.part1.engines.Answers;
import dev.advancedspark.part1.engines.Answers.CountryRevenue;
import dev.advancedspark.part1.engines.Answers.TopCustomer;
import dev.advancedspark.part1.engines.DuckDbEngine;
import dev.advancedspark.part1.engines.EngineComparisonExample.Tables;
import dev.advancedspark.part1.engines.SingleThreadEngine;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/** Each engine of {@link EngineComparisonBenchmark} answers Part 1's two questions, identically. */
class EngineComparisonBenchmarkTest {

  private static final long ROWS = 3_000;

  @Test
  void everyEngineAnswersBothQuestionsAndTheAnswersAgree() {
    // given Part 1's tables, written once and then reused (as trials after the first do)
    SparkSession spark = SharedSpark.session();
    var dir = SharedSpark.scratch("engine-comparison");
    Tables t = EngineComparisonBenchmark.tables(spark, ROWS, 200, dir);
    assertThat(EngineComparisonBenchmark.tables(spark, ROWS, 200, dir)).isEqualTo(t);
    SingleThreadEngine.Columns columns =
        SingleThreadEngine.load(spark, t.orders(), t.customers(), ROWS);

    try (DuckDbEngine duckDb = new DuckDbEngine(EngineComparisonBenchmark.DUCKDB_THREADS)) {
      // when each engine runs what the benchmark times
      Answers spark_ = answers("spark", spark, t, duckDb, columns);
      Answers duck = answers("duckdb", spark, t, duckDb, columns);
      Answers java = answers("java", spark, t, duckDb, columns);

      // then each answer is complete and all three agree (revenues to rounding)
      assertThat(spark_.topCustomers()).hasSize(Answers.TOP);
      assertThat(spark_.revenueByCountry()).isNotEmpty();
      assertThat(duck.firstDifference(spark_, 1e-9)).isNull();
      assertThat(java.firstDifference(spark_, 1e-9)).isNull();
      assertThat(duckDb.threads()).isEqualTo(EngineComparisonBenchmark.DUCKDB_THREADS);
    }
  }

  @SuppressWarnings("unchecked")
  private static Answers answers(
      String engine,
      SparkSession spark,
      Tables t,
      DuckDbEngine duckDb,
      SingleThreadEngine.Columns columns) {
    return new Answers(
        (List<TopCustomer>)
            EngineComparisonBenchmark.run(engine, Query.TOP_CUSTOMERS, spark, t, duckDb, columns),
        (List<CountryRevenue>)
            EngineComparisonBenchmark.run(
                engine, Query.REVENUE_BY_COUNTRY, spark, t, duckDb, columns));
  }
}
