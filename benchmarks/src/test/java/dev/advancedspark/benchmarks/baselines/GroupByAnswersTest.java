package dev.advancedspark.benchmarks.baselines;

import static org.assertj.core.api.Assertions.assertThat;

import dev.advancedspark.common.testkit.SharedSpark;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The six engines of {@link GroupByBenchmark} must give the same answers to q1-q5. */
class GroupByAnswersTest {

  private static final long ROWS = 5_000;
  private static final long K = 10;
  private static final List<GroupByEngine> engines = new ArrayList<>();

  @BeforeAll
  static void loadEveryEngine() {
    SparkSession spark = SharedSpark.session();
    Path dir = SharedSpark.scratch("groupby");
    Path data = GroupByData.ensure(spark, GroupByData.parquet(dir, ROWS, K), ROWS, K);
    engines.add(new SparkGroupByEngine(spark, data, SparkGroupByEngine.Variant.DEFAULT, dir));
    engines.add(new SparkGroupByEngine(spark, data, SparkGroupByEngine.Variant.TUNED, dir));
    engines.add(new SparkGroupByEngine(spark, data, SparkGroupByEngine.Variant.TUNED_PARQUET, dir));
    engines.add(
        new SparkGroupByEngine(spark, data, SparkGroupByEngine.Variant.TUNED_DEFAULT_MAP, dir));
    engines.add(new DuckDbGroupByEngine(data, 2));
    engines.add(new SingleThreadGroupByEngine(data));
  }

  @AfterAll
  static void closeEngines() {
    engines.forEach(GroupByEngine::close);
  }

  @Test
  void everyEngineRunsTheVariantItNamesOnTheSameRows() {
    for (GroupByEngine e : engines) {
      e.verify();
      assertThat(e.rows()).as(e.name()).isEqualTo(ROWS);
    }
  }

  @Test
  void sparkDuckDbAndPlainJavaGiveTheSameAnswers() {
    GroupByEngine reference = engines.get(4);
    assertThat(reference.name()).isEqualTo("duckdb");
    for (Question q : Question.values()) {
      Answer expected = reference.answer(q);
      // K groups for id1 (q1), up to K * K pairs (q2), rows / K values of id3 (q3)
      assertThat(expected.groups()).as(q.name()).hasSizeGreaterThan(1);
      for (GroupByEngine e : engines) {
        assertThat(e.answer(q).firstDifference(expected, 1e-9)).as(e.name() + " " + q).isNull();
      }
    }
  }

  @Test
  void answersDifferWhenTheDataDiffers() {
    // A guard against a comparison that always passes.
    Answer q1 = engines.get(5).answer(Question.Q1);
    Answer q4 = engines.get(5).answer(Question.Q4);
    assertThat(q1.firstDifference(q4, 1e-9)).isNotNull();
  }
}
