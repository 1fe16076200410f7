package dev.advancedspark.part3.monitoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.advancedspark.common.SqlConfs;
import dev.advancedspark.common.data.DataGenerators;
import dev.advancedspark.common.data.DataGenerators.OrdersSpec;
import dev.advancedspark.common.data.Skew;
import dev.advancedspark.common.testkit.SharedSpark;
import dev.advancedspark.part3.monitoring.SparkDoctor.Diagnosis;
import dev.advancedspark.part3.monitoring.SparkDoctor.Rule;
import dev.advancedspark.part3.monitoring.SparkDoctor.Thresholds;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/**
 * End to end through a live listener: each rule's reproduction makes the doctor name it, the fixed
 * job leaves it silent. Tiny data, so {@link Thresholds#smallData()}. Spill and GC pressure need a
 * session of their own ({@code SparkDoctorIT}, {@code GcPressureIT}); lost executors and fetch
 * failures a cluster (tested on constructed facts and an event log file only).
 */
class SparkDoctorReproductionsTest {

  private static final Thresholds T = Thresholds.smallData();
  private final SparkSession spark = SharedSpark.session();

  private List<Rule> diagnose(Runnable job) {
    List<Diagnosis> found = SparkDoctor.observe(spark, job, T);
    found.forEach(System.out::println);
    return found.stream().map(Diagnosis::rule).toList();
  }

  private Dataset<Row> orders(long rows) {
    return DataGenerators.orders(spark, OrdersSpec.of(rows));
  }

  @Test
  void aHotKeyIsSkewAndSaltingFixesIt() {
    Dataset<Row> hot =
        DataGenerators.orders(spark, OrdersSpec.of(40_000).withSkew(Skew.hotKey(0.9)));

    assertThat(diagnose(() -> Reproductions.skewedRepartition(hot, 8))).containsExactly(Rule.SKEW);
    assertThat(diagnose(() -> Reproductions.saltedRepartition(hot, 8))).isEmpty();
  }

  @Test
  void eightyShufflePartitionsAreTinyTasksAndAqeCoalescingFixesIt() {
    Dataset<Row> orders = orders(20_000);
    Map<String, String> noCoalescing =
        Map.of(
            "spark.sql.shuffle.partitions", "80",
            "spark.sql.adaptive.coalescePartitions.enabled", "false");
    Map<String, String> coalescing =
        Map.of(
            "spark.sql.shuffle.partitions", "80",
            "spark.sql.adaptive.coalescePartitions.enabled", "true");

    assertThat(
            SqlConfs.with(
                spark, noCoalescing, () -> diagnose(() -> Reproductions.aggregate(orders))))
        .containsExactly(Rule.TINY_TASKS);
    assertThat(
            SqlConfs.with(spark, coalescing, () -> diagnose(() -> Reproductions.aggregate(orders))))
        .isEmpty();
  }

  @Test
  void oneTaskOnTwoCoresIsTooFewTasksAndRepartitioningFixesIt() {
    Dataset<Row> orders = orders(100_000);

    assertThat(diagnose(() -> Reproductions.oneTaskDigest(orders)))
        .containsExactly(Rule.TOO_FEW_TASKS);
    assertThat(diagnose(() -> Reproductions.spreadDigest(orders, 2))).isEmpty();
  }

  @Test
  void broadcastingTheLargeSideIsTooLargeAndBroadcastingTheSmallSideFixesIt() {
    Dataset<Row> orders = orders(100_000);
    Dataset<Row> customers = DataGenerators.customers(spark, 1_000, 42);

    assertThat(diagnose(() -> Reproductions.broadcastLargeSide(orders, customers)))
        .containsExactly(Rule.BROADCAST_TOO_LARGE);
    assertThat(diagnose(() -> Reproductions.broadcastSmallSide(orders, customers))).isEmpty();
  }

  @Test
  void aShuffledJoinOfATinyTableCouldBroadcastAndTheDefaultThresholdFixesIt() {
    Dataset<Row> orders = orders(100_000);
    Dataset<Row> products = DataGenerators.products(spark, 100, 42);
    Map<String, String> noBroadcast =
        Map.of(
            "spark.sql.autoBroadcastJoinThreshold", "-1",
            "spark.sql.adaptive.autoBroadcastJoinThreshold", "-1");

    assertThat(
            SqlConfs.with(
                spark,
                noBroadcast,
                () -> diagnose(() -> Reproductions.shuffledJoin(orders, products))))
        .containsExactly(Rule.SHUFFLE_COULD_BROADCAST);
    assertThat(diagnose(() -> Reproductions.shuffledJoin(orders, products))).isEmpty();
  }

  @Test
  void twoActionsOnUncachedFilesRecomputeAndCachingFixesIt() {
    Path parquet = SharedSpark.scratch("doctor-recompute").resolve("orders");
    orders(20_000).write().parquet(parquet.toString());

    assertThat(diagnose(() -> Reproductions.twoActionsUncached(spark, parquet)))
        .containsExactly(Rule.RECOMPUTED_INPUT);
    assertThat(diagnose(() -> Reproductions.twoActionsCached(spark, parquet))).isEmpty();
  }

  @Test
  void aManyToManyKeyExplodesAndAUniqueKeyFixesIt() {
    Dataset<Row> orders = orders(4_000);
    Dataset<Row> products = DataGenerators.products(spark, 100, 42);

    assertThat(diagnose(() -> Reproductions.manyToManyJoin(orders)))
        .containsExactly(Rule.EXPLODING_JOIN);
    assertThat(diagnose(() -> Reproductions.manyToOneJoin(orders, products))).isEmpty();
  }

  @Test
  void sixteenFilesOfAFewKiBAreSmallFilesAndCoalescingFixesIt() {
    Dataset<Row> orders = orders(20_000);
    Path out = SharedSpark.scratch("doctor-small-files");

    assertThat(diagnose(() -> Reproductions.writeManyFiles(orders, out.resolve("many"), 16)))
        .containsExactly(Rule.SMALL_OUTPUT_FILES);
    assertThat(diagnose(() -> Reproductions.writeFewFiles(orders, out.resolve("few"), 1)))
        .isEmpty();
  }

  @Test
  void aRecordTheCodeCannotHandleIsATaskFailure() {
    List<Diagnosis> found =
        SparkDoctor.observe(
            spark,
            () ->
                assertThatThrownBy(() -> Reproductions.failOnRecord(spark, 1_000, 777))
                    .hasStackTraceContaining("cannot price order 777"),
            T);

    assertThat(found).extracting(Diagnosis::rule).containsExactly(Rule.TASK_FAILURES);
    assertThat(found.get(0).evidence())
        .contains("ExceptionFailure java.lang.IllegalStateException: cannot price order 777");
    assertThat(diagnose(() -> Reproductions.failOnRecord(spark, 1_000, -1))).isEmpty();
  }

  @Test
  void theLostExecutorFixNamesSettingsSparkKnows() {
    // Spark's config registry: a misspelled key would be accepted silently by SparkConf
    spark.sparkContext(); // the core settings are registered once a context runs
    org.apache.spark.internal.config.package$.MODULE$.DECOMMISSION_ENABLED();
    for (String key : Reproductions.survivesExecutorDecommission().keySet()) {
      assertThat(org.apache.spark.internal.config.ConfigEntry$.MODULE$.findEntry(key))
          .as(key)
          .isNotNull();
    }
    assertThat(
            org.apache.spark.internal.config.ConfigEntry$.MODULE$.findEntry(
                "spark.decommission.enable"))
        .isNull();
  }
}
