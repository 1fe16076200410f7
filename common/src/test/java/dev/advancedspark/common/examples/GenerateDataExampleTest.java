package dev.advancedspark.common.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.advancedspark.common.data.DataFiles;
import dev.advancedspark.common.data.Skew;
import dev.advancedspark.common.testkit.SharedSpark;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

class GenerateDataExampleTest {

  private final SparkSession spark = SharedSpark.session();

  @Test
  void writesTheAskedForRowsAndReportsTheFilesOnDisk() throws IOException {
    Path out = SharedSpark.scratch("generate-orders");

    GenerateDataExample.Written written =
        GenerateDataExample.generate(
            spark, "orders", 5_000, DataFiles.Format.CSV, Skew.uniform(), 0.0, 42, out);

    assertThat(spark.read().option("header", "true").csv(out.toString()).count()).isEqualTo(5_000);
    // the report matches the folder: every part file counted, every byte of them summed
    List<Path> parts;
    try (Stream<Path> files = Files.list(out)) {
      parts = files.filter(p -> p.getFileName().toString().startsWith("part-")).toList();
    }
    long bytes = 0;
    for (Path part : parts) {
      bytes += Files.size(part);
    }
    assertThat(parts).isNotEmpty();
    assertThat(written.files()).isEqualTo(parts.size());
    assertThat(written.bytes()).isEqualTo(bytes);
    assertThat(written.toString()).startsWith("orders: 5000 rows -> ");
  }

  @Test
  void theSameSeedGivesTheSameRowsAndAnotherSeedOthers() {
    Dataset<Row> a = GenerateDataExample.dataset(spark, "orders", 500, Skew.uniform(), 0, 7);
    Dataset<Row> b = GenerateDataExample.dataset(spark, "orders", 500, Skew.uniform(), 0, 7);
    Dataset<Row> c = GenerateDataExample.dataset(spark, "orders", 500, Skew.uniform(), 0, 8);

    assertThat(a.exceptAll(b).count()).isZero();
    assertThat(a.exceptAll(c).count()).isPositive();
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
