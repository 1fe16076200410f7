package dev.advancedspark.part5.tenancy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.advancedspark.common.testkit.SharedSpark;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

class SessionIsolationTest {

  @Test
  void tempViewsAndSqlConfsStayInTheirSessionButGlobalTempViewsAndTheContextAreShared() {
    SparkSession root = SharedSpark.session();
    SparkSession a = SessionIsolation.tenantSession(root, "tenant-a", 3);
    SparkSession b = SessionIsolation.tenantSession(root, "tenant-b", 5);

    a.range(3).createOrReplaceTempView("a_private");
    a.range(2).createOrReplaceGlobalTempView("shared_by_all");

    // a's temporary view is invisible to b, with a clear error
    assertThat(a.table("a_private").count()).isEqualTo(3);
    assertThatThrownBy(() -> b.table("a_private"))
        .isInstanceOf(AnalysisException.class)
        .hasMessageContaining("TABLE_OR_VIEW_NOT_FOUND");
    // each session keeps its own SQL settings
    assertThat(a.conf().get("spark.sql.shuffle.partitions")).isEqualTo("3");
    assertThat(b.conf().get("spark.sql.shuffle.partitions")).isEqualTo("5");
    assertThat(a.conf().get("spark.app.tenant")).isEqualTo("tenant-a");
    // but global temporary views and the SparkContext are shared
    assertThat(b.table("global_temp.shared_by_all").count()).isEqualTo(2);
    assertThat(b.sparkContext()).isSameAs(a.sparkContext());
    root.catalog().dropGlobalTempView("shared_by_all");
  }
}
