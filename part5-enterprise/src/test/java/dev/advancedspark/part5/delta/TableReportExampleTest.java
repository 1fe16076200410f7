package dev.advancedspark.part5.delta;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.advancedspark.common.UsageException;
import dev.advancedspark.common.testkit.SharedSpark;
import io.delta.tables.DeltaTable;
import java.nio.file.Path;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

class TableReportExampleTest {

  private final SparkSession spark = SharedSpark.session();

  @Test
  void theChecksumSeesAChangedRowButNotARewriteOfTheSameRows() {
    // given
    String path = SharedSpark.scratch("table-report").resolve("t").toString();
    spark.range(100).selectExpr("id", "id * 10 AS amount").write().format("delta").save(path);
    TableReportExample.Report first = TableReportExample.report(spark, path);

    // when: the same rows rewritten in another order and file layout, then one value changed
    spark
        .range(100)
        .selectExpr("id", "id * 10 AS amount")
        .orderBy(org.apache.spark.sql.functions.col("id").desc())
        .repartition(3)
        .write()
        .format("delta")
        .mode(SaveMode.Overwrite)
        .save(path);
    TableReportExample.Report rewritten = TableReportExample.report(spark, path);
    DeltaTable.forPath(spark, path).updateExpr("id = 7", java.util.Map.of("amount", "71"));
    TableReportExample.Report updated = TableReportExample.report(spark, path);

    // then
    assertThat(first.rows()).isEqualTo(100);
    assertThat(rewritten.checksum()).isEqualTo(first.checksum());
    assertThat(updated.checksum()).isNotEqualTo(first.checksum());
    assertThat(updated.rows()).isEqualTo(100);
    assertThat(updated.version()).isEqualTo(2);
    assertThat(updated.history()).containsExactly("0 WRITE", "1 WRITE", "2 UPDATE");
  }

  @Test
  void aMissingTableIsNamedInOneLine() {
    Path dir = SharedSpark.scratch("table-report-missing");
    Path missing = dir.resolve("no-such-table");
    // Delta's own answer, for comparison
    assertThatThrownBy(() -> DeltaTable.forPath(spark, missing.toString()))
        .satisfies(e -> System.out.println("Delta: " + e.getMessage().lines().findFirst().get()))
        .hasMessageContaining("DELTA_MISSING_DELTA_TABLE");
    assertThatThrownBy(() -> TableReportExample.report(spark, missing.toString()))
        .isInstanceOf(UsageException.class)
        .satisfies(e -> System.out.println("example: " + e.getMessage()))
        .hasMessage("No Delta table at " + missing + ": the path does not exist.");
    assertThatThrownBy(() -> TableReportExample.report(spark, dir.toString()))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining(dir + ": the folder has no _delta_log");
  }
}
