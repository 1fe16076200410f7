package dev.advancedspark.part3.nativeexec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.advancedspark.common.SparkSessions;
import dev.advancedspark.common.data.DataGenerators;
import dev.advancedspark.common.io.Sinks;
import dev.advancedspark.common.plan.Plans;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.execution.SparkPlan;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * An IT: the plugin and the shuffle manager are read only when a SparkContext starts, so these
 * tests cannot use the shared session. One {@code local[2]} Comet session for the class, stopped
 * after it; each comparison switches Comet off with {@code spark.comet.enabled=false} in the same
 * session, so both engines read the same files. Tagged {@code own-jvm}: the module's POM runs it in
 * a Failsafe JVM of its own (Comet's native library and off-heap pool stay for the life of a JVM),
 * apart from the ITs that share one.
 */
@Tag("own-jvm")
class NativeExecutionIT {

  private static final long ROWS = 20_000;
  private static SparkSession spark;
  private static Dataset<Row> table;

  @BeforeAll
  static void startComet() {
    Map<String, String> conf = new java.util.LinkedHashMap<>(NativeExecution.cometConf("256m"));
    conf.put("spark.ui.enabled", "false");
    conf.put("spark.sql.shuffle.partitions", "2");
    spark =
        SparkSessions.forExample(
            new SparkSessions.Settings("native-execution-it", "local[2]", conf, false));
    // getOrCreate() returns a running session unchanged: make sure this one started with Comet
    assertThat(spark.sparkContext().getConf().get("spark.plugins", ""))
        .as("a SparkContext started with Comet's plugin (not one left running by another test)")
        .contains(NativeExecution.PLUGIN_CLASS);
    Path dir = Path.of("target", "native-execution-it", "groupby").toAbsolutePath();
    NativeExecution.withoutComet(
        spark,
        () -> {
          DataGenerators.groupBy(spark, ROWS, 100, 7L)
              .repartition(2)
              .write()
              .mode(SaveMode.Overwrite)
              .parquet(dir.toString());
          return null;
        });
    table = spark.read().parquet(dir.toString());
  }

  @AfterAll
  static void stopComet() {
    if (spark != null) {
      spark.stop();
      SparkSession.clearActiveSession();
      SparkSession.clearDefaultSession();
    }
  }

  private static SparkPlan ranPlan(Dataset<Row> query) {
    Sinks.runToNoop(query);
    return Plans.finalPlan(query);
  }

  @Test
  void aParquetGroupByRunsOnCometsNativeOperators() {
    // when
    SparkPlan comet = ranPlan(NativeExecution.totalsPerKey(table, "id1"));
    SparkPlan spark =
        NativeExecution.withoutComet(
            NativeExecutionIT.spark, () -> ranPlan(NativeExecution.totalsPerKey(table, "id1")));

    // then: scan, both aggregation phases and the exchange are Comet's, nothing fell back
    System.out.println("Comet plan:\n" + comet.treeString());
    assertThat(NativeExecution.nativeOperators(comet))
        .contains("CometNativeScan", "CometExchange")
        .filteredOn("CometHashAggregate"::equals)
        .hasSize(2);
    assertThat(NativeExecution.fallbackReasons(comet)).isEmpty();
    assertThat(NativeExecution.explain(comet)).contains("Comet accelerated");
    // with spark.comet.enabled=false the same session plans Spark's own operators
    assertThat(NativeExecution.nativeOperators(spark)).isEmpty();
    assertThat(Plans.nodes(spark).stream().map(NativeExecution::operator))
        .contains("HashAggregate", "Exchange");
  }

  @Test
  void cometGivesTheSameAnswersAsSparkOnTheSameFiles() {
    for (String key : List.of("id1", "id3")) {
      // when
      Dataset<Row> query = NativeExecution.totalsPerKey(table, key);
      List<Row> comet = query.collectAsList();
      List<Row> vanilla = NativeExecution.withoutComet(spark, query::collectAsList);

      // then
      assertThat(comet).hasSameSizeAs(vanilla).isNotEmpty();
      assertThat(NativeExecution.sameAnswers(comet, vanilla)).as("answers by " + key).isTrue();
      assertThat(comet.stream().mapToLong(r -> r.getLong(3)).sum()).isEqualTo(ROWS);
    }
  }

  @Test
  void aJavaUdfFallsBackToSparkAfterTheNativeScan() {
    // when
    Dataset<Row> query = NativeExecution.totalsPerUdfBucket(table);
    SparkPlan plan = ranPlan(query);
    List<String> reasons = NativeExecution.fallbackReasons(plan);

    // then: the scan stays native, then one transition back to rows and Spark's operators
    System.out.println("UDF plan:\n" + NativeExecution.explain(plan));
    assertThat(NativeExecution.nativeOperators(plan)).contains("CometNativeScan");
    assertThat(NativeExecution.nativeOperators(plan)).doesNotContain("CometHashAggregate");
    assertThat(NativeExecution.toRowTransitions(plan)).isEqualTo(1);
    assertThat(Plans.nodes(plan).stream().map(NativeExecution::operator))
        .contains("Project", "HashAggregate");
    assertThat(reasons)
        .anySatisfy(r -> assertThat(r).startsWith(NativeExecution.UDF_NAME + ":"))
        .anySatisfy(r -> assertThat(r).contains("falls back to Spark"));
    assertThat(NativeExecution.explain(plan)).contains("Final plan contains 1 transitions");
    // and falling back costs speed, not correctness
    List<Row> vanilla = NativeExecution.withoutComet(spark, query::collectAsList);
    assertThat(NativeExecution.sameAnswers(query.collectAsList(), vanilla)).isTrue();
    assertThat(vanilla).hasSize(10);
  }
}
