package dev.advancedspark.benchmarks.baselines;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.advancedspark.common.testkit.SharedSpark;
import dev.advancedspark.part1.engines.DuckDbEngine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.annotations.Param;

/**
 * The engines of {@link GroupByBenchmark}, in both layouts, give the reference answer to every
 * question they can answer; the answer check catches an engine with a bug.
 */
class GroupByAnswersTest {

  private static final long ROWS = 5_000;
  private static final long K = 10;
  private static final List<GroupByEngine> engines = new ArrayList<>();
  private static Path data;

  @BeforeAll
  static void loadEveryEngine() {
    SparkSession spark = SharedSpark.session();
    Path dir = SharedSpark.scratch("groupby");
    data = GroupByData.ensure(spark, GroupByData.parquet(dir, ROWS, K), ROWS, K);
    for (Layout layout : Layout.values()) {
      // Comet needs its plugin at session start: the smoke run checks it at the run's size.
      for (SparkGroupByEngine.Variant v : SparkGroupByEngine.Variant.values()) {
        if (v != SparkGroupByEngine.Variant.COMET_PARQUET) {
          engines.add(new SparkGroupByEngine(spark, data, v, layout, dir));
        }
      }
      engines.add(new DuckDbGroupByEngine(data, layout, 2));
      engines.add(new SingleThreadGroupByEngine(data, layout));
      engines.add(new HashMapGroupByEngine(data, layout));
    }
  }

  @AfterAll
  static void closeEngines() {
    engines.forEach(GroupByEngine::close);
  }

  @Test
  void everyEngineRunsTheVariantAndLayoutItNamesOnTheSameRows() {
    for (GroupByEngine e : engines) {
      e.verify();
      assertThat(e.rows()).as(e.name()).isEqualTo(ROWS);
    }
    assertThat(engines).extracting(GroupByEngine::layout).contains(Layout.values());
  }

  @Test
  void everyEngineGivesTheReferenceAnswerToEveryQuestionItCanAnswer() throws Exception {
    for (Question q : Question.values()) {
      Answer expected = AnswerCheck.reference(data, q);
      assertThat(expected.rows()).as(q.method()).isGreaterThan(1);
      for (GroupByEngine e : engines) {
        if (e.supports(q) && checkedHere(e, q)) {
          AnswerCheck.check(e, q, expected);
        }
      }
    }
    // the reference is kept beside the table and read back, not recomputed
    assertThat(AnswerCheck.reference(data, Question.Q9).encode())
        .isEqualTo(AnswerCheck.reference(data, Question.Q9).encode());
    try (var files = Files.list(data)) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .anyMatch(n -> n.startsWith("_answers-"));
    }
  }

  @Test
  void q9OnGroupsWithAConstantColumnIsAnsweredBySparkAsByDuckDb() {
    // 200 rows, 100 q9 groups of about 2 rows: some have a constant v1 or v2, where corr() is
    // undefined. Under ANSI mode Spark would fail the query with DIVIDE_BY_ZERO.
    SparkSession spark = SharedSpark.session();
    Path dir = SharedSpark.scratch("groupby-tiny");
    Path tiny = GroupByData.ensure(spark, GroupByData.parquet(dir, 200, K), 200, K);
    Answer expected = AnswerCheck.reference(tiny, Question.Q9);
    assertThat(expected.missing()[0]).isPositive();
    GroupByEngine tuned =
        new SparkGroupByEngine(spark, tiny, SparkGroupByEngine.Variant.TUNED, Layout.STRING, dir);
    try {
      AnswerCheck.check(tuned, Question.Q9, expected);
      assertThat(spark.conf().get("spark.sql.ansi.enabled")).isEqualTo("true");
    } finally {
      tuned.close();
    }
  }

  @Test
  void theAnswerCheckFailsAnEngineWithAWrongAggregateOrAWrongGrouping() {
    try (BuggyEngine buggy = new BuggyEngine(data)) {
      // one group of q3 off by one
      assertThatThrownBy(
              () -> AnswerCheck.check(buggy, Question.Q3, AnswerCheck.reference(data, Question.Q3)))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("engine buggy (layout string), q3")
          .hasMessageContaining("value column 1 sum")
          .hasMessageContaining("expected {rows=");
      // q1 grouped by id2 instead of id1: the same number of groups, keys and grand total
      assertThatThrownBy(
              () -> AnswerCheck.check(buggy, Question.Q1, AnswerCheck.reference(data, Question.Q1)))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("q1")
          .hasMessageContaining("grouped differently");
    }
  }

  @Test
  void onlyTheDenseArrayBaselineSkipsAQuestionAndTheBenchmarkLeavesItOutOfThatQuestionOnly()
      throws Exception {
    Set<String> all = params(GroupByBenchmark.Engines.class);
    Set<String> allIds = params(GroupByBenchmark.AllIds.class);
    Set<String> unsupportedQ10 =
        engines.stream()
            .filter(e -> !e.supports(Question.Q10))
            .map(GroupByEngine::name)
            .collect(Collectors.toSet());
    assertThat(unsupportedQ10).containsExactly("java-dense");
    assertThat(all).containsAll(allIds).contains("java-dense", "java-hash", "duckdb");
    assertThat(all).hasSize(allIds.size() + 1);
    assertThat(allIds).doesNotContain("java-dense");
    assertThat(GroupByBenchmark.class.getMethod("q10", GroupByBenchmark.AllIds.class)).isNotNull();
    for (Question q : Question.values()) {
      for (GroupByEngine e : engines) {
        assertThat(e.supports(q))
            .as(e.name() + " " + q)
            .isEqualTo(q != Question.Q10 || !e.name().equals("java-dense"));
      }
    }
    assertThat(Question.ofMethod("x.GroupByBenchmark.q7").group())
        .isEqualTo(Question.Group.ADVANCED);
    assertThat(Question.ofMethod("q5").group()).isEqualTo(Question.Group.BASIC);
  }

  /**
   * Which pairs this test checks: every question on DuckDB, both Java engines, spark-tuned (both
   * layouts) and spark-default (string keys); the other Spark set-ups run the same SQL with other
   * settings, so they answer q1, q8 (a window) and q10 (six keys) here, to keep the test short. The
   * benchmark's set-up checks every pair at the run's size.
   */
  private static boolean checkedHere(GroupByEngine e, Question q) {
    boolean fullSpark =
        e.name().equals("spark-tuned")
            || (e.name().equals("spark-default") && e.layout() == Layout.STRING);
    return !e.name().startsWith("spark")
        || fullSpark
        || Set.of(Question.Q1, Question.Q8, Question.Q10).contains(q);
  }

  private static Set<String> params(Class<?> state) throws NoSuchFieldException {
    return Set.of(state.getField("engine").getAnnotation(Param.class).value());
  }

  /** DuckDB with two deliberate bugs: q3 adds 1 to one group's sum, q1 groups by id2. */
  private static final class BuggyEngine implements GroupByEngine {
    private final DuckDbEngine duckDb = new DuckDbEngine(1);

    BuggyEngine(Path parquet) {
      duckDb.execute(
          "CREATE TABLE x AS SELECT * FROM read_parquet('"
              + GroupByData.duckDbGlob(parquet)
              + "')");
    }

    private String sql(Question q) {
      return switch (q) {
        case Q1 -> "SELECT id2 AS id1, sum(v1) AS v1 FROM x GROUP BY id2";
        case Q3 ->
            "SELECT id3, sum(v1) + CASE WHEN id3 = (SELECT min(id3) FROM x) THEN 1 ELSE 0 END AS v1,"
                + " avg(v3) AS v3 FROM x GROUP BY id3";
        default -> q.sql();
      };
    }

    @Override
    public Object run(Question q) {
      return null;
    }

    @Override
    public Answer answer(Question q) {
      return Answer.of(
          q, duckDb.query(Answer.sql(q, "(" + sql(q) + ")", true), AnswerCheck::numbers).get(0));
    }

    @Override
    public long rows() {
      return ROWS;
    }

    @Override
    public String name() {
      return "buggy";
    }

    @Override
    public Layout layout() {
      return Layout.STRING;
    }

    @Override
    public void verify() {}

    @Override
    public void close() {
      duckDb.close();
    }
  }
}
