package dev.advancedspark.part5.delta;

import static org.assertj.core.api.Assertions.assertThat;

import dev.advancedspark.common.testkit.SharedSpark;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

class LiquidClusteringExampleTest {

  private final SparkSession spark = SharedSpark.session();

  @Test
  void optimizeOnAClusteredTableLetsAPointReadSkipFiles() {
    // given: a table clustered by id, written as 8 files that each span every id
    String path = SharedSpark.scratch("delta-liquid").resolve("orders").toString();

    // when: a point read before and after OPTIMIZE
    LiquidClusteringExample.Skipping s =
        LiquidClusteringExample.run(spark, path, 8_000, 8, 16_000, 4_242);

    // then: min/max statistics cannot skip before; after, one file holds the id's range
    System.out.printf(
        "point read: %d of %d files before OPTIMIZE, %d of %d after%n",
        s.readBefore(), s.filesBefore(), s.readAfter(), s.filesAfter());
    assertThat(LiquidClusteringExample.clusteringColumns(spark, path)).containsExactly("id");
    assertThat(s.readBefore()).isEqualTo(8).isEqualTo(s.filesBefore());
    assertThat(s.filesAfter()).isGreaterThan(2);
    assertThat(s.readAfter()).isEqualTo(1);
    assertThat(spark.read().format("delta").load(path).count()).isEqualTo(8_000);
    assertThat(DeltaTableLessons.lastOperationMetrics(spark, path))
        .containsEntry("operation", "OPTIMIZE");
  }
}
