package dev.advancedspark.part5.delta;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.advancedspark.common.testkit.SharedSpark;
import io.delta.tables.DeltaTable;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/**
 * The Delta lessons that need one table each. One class (one session, one Delta start-up) for
 * speed: Delta's first write in a JVM costs seconds.
 */
class DeltaExamplesTest {

  private final SparkSession spark = SharedSpark.session();

  @Test
  void theSessionRunsSparksJacksonAndDeltaSql() {
    // Delta 4.4.0 alone would pull Jackson 2.13; the root pom keeps Spark's.
    assertThat(com.fasterxml.jackson.databind.cfg.PackageVersion.VERSION.toString())
        .startsWith("2.21.");
    assertThat(spark.conf().get("spark.sql.extensions")).contains("DeltaSparkSessionExtension");
  }

  @Test
  void mergeUpdatesExistingKeysAndInsertsNewOnesInOneCommit() {
    // given
    String path = path("merge-upsert");
    MergeUpsertExample.customers(spark).write().format("delta").save(path);

    // when
    MergeUpsertExample.upsert(spark, path, MergeUpsertExample.changes(spark));

    // then
    Map<String, String> m = DeltaTableLessons.lastOperationMetrics(spark, path);
    assertThat(m).containsEntry("operation", "MERGE");
    assertThat(m)
        .containsEntry("numTargetRowsUpdated", "1")
        .containsEntry("numTargetRowsInserted", "1");
    List<Row> rows = spark.read().format("delta").load(path).orderBy("id").collectAsList();
    assertThat(rows)
        .extracting(r -> r.getInt(0) + ":" + r.getString(2))
        .containsExactly("1:London", "2:Arlington", "3:Wilmslow", "4:Austin");
  }

  @Test
  void scd2ClosesTheChangedRowAndInsertsTheNewVersion() {
    // given
    String path = path("scd2");
    Scd2DimensionExample.initial(spark).write().format("delta").save(path);

    // when
    Scd2DimensionExample.apply(spark, path, Scd2DimensionExample.updates(spark));

    // then
    List<String> rows =
        spark
            .read()
            .format("delta")
            .load(path)
            .selectExpr(
                "concat_ws('|', id, address, is_current, valid_from, coalesce(cast(valid_to AS STRING), '-'))")
            .orderBy("id", "valid_from")
            .as(org.apache.spark.sql.Encoders.STRING())
            .collectAsList();
    assertThat(rows)
        .containsExactly(
            "1|London|false|2026-01-01|2026-02-01",
            "1|Cambridge|true|2026-02-01|-",
            "2|Paris|true|2026-01-01|-",
            "3|Rome|true|2026-02-01|-");
  }

  @Test
  void timeTravelReadsAnOldVersionAndRestoreMakesItCurrentWithANewCommit() {
    // given: 100 rows, then a bad DELETE of half of them
    String path = path("time-travel");
    spark.range(100).write().format("delta").save(path);
    DeltaTable.forPath(spark, path).delete("id % 2 = 0");

    // when
    long beforeRestore = spark.read().format("delta").load(path).count();
    long atZero = TimeTravelExample.asOf(spark, path, 0).count();
    long restored = TimeTravelExample.restore(spark, path, 0);

    // then
    assertThat(beforeRestore).isEqualTo(50);
    assertThat(atZero).isEqualTo(100);
    assertThat(restored).isEqualTo(2);
    assertThat(spark.read().format("delta").load(path).count()).isEqualTo(100);
    assertThat(TimeTravelExample.asOf(spark, path, 1).count()).isEqualTo(50);
    assertThat(
            DeltaTable.forPath(spark, path)
                .history()
                .orderBy("version")
                .select("operation")
                .as(org.apache.spark.sql.Encoders.STRING())
                .collectAsList())
        .containsExactly("WRITE", "DELETE", "RESTORE");
    // and a version that does not exist is named in the error
    assertThatThrownBy(() -> TimeTravelExample.asOf(spark, path, 99).count())
        .satisfies(e -> System.out.println("version 99: " + e.getMessage()))
        .hasMessageContaining("99");
  }

  @Test
  void aWrongTypedAppendIsRefusedAndMergeSchemaAddsANewColumn() {
    // given
    String path = path("schema");
    SchemaEnforcementExample.orders(spark).write().format("delta").save(path);

    // then: a string amount is refused and nothing is committed
    assertThatThrownBy(
            () ->
                SchemaEnforcementExample.append(
                    SchemaEnforcementExample.wrongType(spark), path, false))
        .satisfies(e -> System.out.println("wrong type: " + e.getMessage()))
        .hasMessageContaining("amount");
    // a new column is refused without mergeSchema
    assertThatThrownBy(
            () ->
                SchemaEnforcementExample.append(
                    SchemaEnforcementExample.newColumn(spark), path, false))
        .satisfies(e -> System.out.println("new column: " + e.getMessage()))
        .hasMessageContaining("channel");
    assertThat(DeltaTableLessons.version(spark, path)).isZero();

    // when: with mergeSchema
    SchemaEnforcementExample.append(SchemaEnforcementExample.newColumn(spark), path, true);

    // then
    var t = spark.read().format("delta").load(path);
    assertThat(t.columns()).containsExactly("order_id", "amount", "channel");
    assertThat(t.where("channel IS NULL").count()).isEqualTo(3);
    assertThat(t.where("channel = 'web'").count()).isEqualTo(1);
  }

  @Test
  void optimizeCompactsSmallFiles() {
    // given
    String path = path("optimize");
    TableMaintenanceExample.writeSmallFiles(spark, path, 2_000, 8);

    // when
    long[] files = TableMaintenanceExample.optimize(spark, path);

    // then
    assertThat(files).containsExactly(8, 1);
    assertThat(spark.read().format("delta").load(path).count()).isEqualTo(2_000);
  }

  @Test
  void zOrderLetsAPointReadSkipFiles() {
    // given: 8 files, each holding ids from the whole range: min/max statistics cannot skip
    String path = path("zorder");
    TableMaintenanceExample.writeSmallFiles(spark, path, 8_000, 8);
    long before = TableMaintenanceExample.filesReadForId(spark, path, 4_242);

    // when: Z-ordered into small files (each covers a narrow range of ids)
    spark.conf().set("spark.databricks.delta.optimize.maxFileSize", "16000");
    try {
      TableMaintenanceExample.zOrder(spark, path, "id");
    } finally {
      spark.conf().unset("spark.databricks.delta.optimize.maxFileSize");
    }
    long files = DeltaTableLessons.fileCount(spark, path);
    long after = TableMaintenanceExample.filesReadForId(spark, path, 4_242);

    // then
    System.out.printf(
        "point read: %d of 8 files before Z-order, %d of %d after%n", before, after, files);
    assertThat(before).isEqualTo(8);
    assertThat(files).isGreaterThan(2);
    assertThat(after).isEqualTo(1);
  }

  @Test
  void aDeleteWithDeletionVectorsRewritesNoFileAndWithoutThemRewritesOne() {
    // given
    String path = path("deletion-vectors");
    TableMaintenanceExample.writeSmallFiles(spark, path, 1_000, 2);

    // when
    Map<String, String> dv = TableMaintenanceExample.deleteOne(spark, path, true, 1);
    Map<String, String> rewrite = TableMaintenanceExample.deleteOne(spark, path, false, 2);

    // then
    assertThat(dv)
        .containsEntry("numDeletionVectorsAdded", "1")
        .containsEntry("numRemovedFiles", "0");
    assertThat(rewrite).containsEntry("numRemovedFiles", "1").containsEntry("numAddedFiles", "1");
    assertThat(spark.read().format("delta").load(path).count()).isEqualTo(998);
  }

  @Test
  void vacuumRefusesARetentionShorterThanSevenDays() {
    // given
    String path = path("vacuum");
    spark.range(10).write().format("delta").save(path);
    spark.range(10).write().format("delta").mode(SaveMode.Overwrite).save(path);

    // then
    assertThatThrownBy(() -> TableMaintenanceExample.vacuum(spark, path, 0))
        .satisfies(e -> System.out.println("vacuum: " + e.getMessage()))
        .hasMessageContaining("retentionDurationCheck");
    assertThat(TimeTravelExample_asOf(path, 0)).isEqualTo(10);
  }

  private long TimeTravelExample_asOf(String path, long version) {
    return TimeTravelExample.asOf(spark, path, version).count();
  }

  private static String path(String name) {
    return SharedSpark.scratch("delta-" + name).resolve("table").toString();
  }
}
