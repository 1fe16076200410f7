package dev.advancedspark.benchmarks.formats;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.advancedspark.common.data.DataFiles.Format;
import dev.advancedspark.common.data.DataGenerators;
import dev.advancedspark.common.data.DataGenerators.OrdersSpec;
import dev.advancedspark.common.testkit.SharedSpark;
import dev.advancedspark.part2.pushdown.FileFormatScanExample;
import java.nio.file.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

class FileFormatBenchmarkTest {

  private final SparkSession spark = SharedSpark.session();

  @Test
  void everyFormatAnswersLikeTheDataItWasWrittenFrom() {
    Dataset<Row> generated = DataGenerators.orders(spark, OrdersSpec.of(3_000));
    Path dir = Path.of("target", "file-format-benchmark-test");
    FileFormatScanExample.writeAllFormats(generated, dir);
    for (Format f : Format.values()) {
      Dataset<Row> read =
          FileFormatScanExample.read(spark, f, dir.resolve(f.sparkName()), generated.schema());
      for (String q : new String[] {"filter", "projection"}) {
        assertThatCode(
                () ->
                    FileFormatBenchmark.check(
                        FileFormatBenchmark.query(read, q),
                        FileFormatBenchmark.query(generated, q),
                        f,
                        q))
            .as(f + " " + q)
            .doesNotThrowAnyException();
      }
    }
    // and a file set that lost rows is refused
    Dataset<Row> parquet =
        FileFormatScanExample.read(
            spark, Format.PARQUET, dir.resolve("parquet"), generated.schema());
    assertThatThrownBy(
            () ->
                FileFormatBenchmark.check(
                    FileFormatBenchmark.query(parquet.limit(10), "projection"),
                    FileFormatBenchmark.query(generated, "projection"),
                    Format.PARQUET,
                    "projection"))
        .hasMessageContaining("answer check failed");
  }
}
