package dev.advancedspark.common.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.advancedspark.common.data.DataFiles;
import dev.advancedspark.common.data.Skew;
import dev.advancedspark.common.testkit.SharedSpark;
import java.nio.file.Path;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

class GenerateDataExampleTest {

  private final SparkSession spark = SharedSpark.session();

  @Test
  void writesTheAskedForRowsAndReportsTheFilesOnDisk() {
    Path out = SharedSpark.scratch("generate-orders");

    GenerateDataExample.Written written =
        GenerateDataExample.generate(
            spark, "orders", 5_000, DataFiles.Format.CSV, Skew.uniform(), 0.0, 42, out);

    assertThat(spark.read().option("header", "true").csv(out.toString()).count()).isEqualTo(5_000);
    assertThat(written.files()).isPositive();
    assertThat(written.bytes()).isPositive();
    assertThat(written.toString()).startsWith("orders: 5000 rows -> ");
  }

  @Test
  void everyDatasetNameWorksAndAnUnknownOneIsNamedInTheMessage() {
    for (String name : new String[] {"orders", "customers", "products", "clickstream", "groupby"}) {
      assertThat(GenerateDataExample.dataset(spark, name, 100, Skew.uniform(), 0, 1).count())
          .as(name)
          .isEqualTo(100);
    }
    assertThatThrownBy(
            () -> GenerateDataExample.dataset(spark, "invoices", 1, Skew.uniform(), 0, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("got 'invoices'");
  }
}
