package dev.advancedspark.part2.pushdown;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.advancedspark.common.data.DataGenerators;
import dev.advancedspark.common.data.DataGenerators.OrdersSpec;
import dev.advancedspark.common.testkit.SharedSpark;
import dev.advancedspark.common.testkit.SparkVersion;
import dev.advancedspark.part2.pushdown.ParquetLookups.Lookup;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class PushdownDefeatersExampleTest {

  private static final SparkSession spark = SharedSpark.session();
  private static final long ORDER = 4_242;
  private static final long CUSTOMER = 42;
  private static Path parquet;

  @BeforeAll
  static void writeOrdersSortedByOrderIdWithSmallRowGroups() {
    Dataset<Row> orders =
        PushdownDefeatersExample.ordersWithCode(
            DataGenerators.orders(spark, OrdersSpec.of(20_000)));
    parquet =
        ParquetLookups.writeParquet(
            orders, SharedSpark.scratch("pushdown-defeaters"), "order_id", 32_768);
  }

  private static Lookup lookup(Column predicate) {
    return ParquetLookups.lookup(spark, predicate.toString(), parquet, predicate);
  }

  @Test
  void aUdfOnTheColumnPushesNothingAndReadsEveryRow() {
    Lookup udf = lookup(PushdownDefeatersExample.viaUdf(ORDER));
    Lookup fixed = lookup(PushdownDefeatersExample.onTheRawColumn(ORDER));

    assertThat(udf.pushedFilters()).noneMatch(f -> f.contains("order_id,4242"));
    assertThat(udf.inputRecords()).isEqualTo(20_000);
    assertThat(fixed.pushedFilters()).contains("EqualTo(order_id,4242)");
    assertThat(fixed.inputRecords()).isLessThan(udf.inputRecords() / 4);
    assertThat(fixed.matches()).isEqualTo(udf.matches()).isEqualTo(1);
  }

  @Test
  void aCastOnTheColumnIsNotPushedButTheRawComparisonIs() {
    Lookup cast = lookup(PushdownDefeatersExample.viaCastToString(ORDER));
    Lookup fixed = lookup(PushdownDefeatersExample.onTheRawColumn(ORDER));

    assertThat(cast.pushedFilters()).noneMatch(f -> f.contains("4242"));
    assertThat(cast.inputRecords()).isEqualTo(20_000);
    assertThat(fixed.inputRecords()).isLessThan(cast.inputRecords() / 4);
    assertThat(fixed.matches()).isEqualTo(cast.matches()).isEqualTo(1);
  }

  @Test
  void aStringColumnComparedToANumberIsNotPushedButAStringLiteralIs() {
    Lookup number = lookup(PushdownDefeatersExample.stringColumnAgainstNumber(CUSTOMER));
    Lookup text = lookup(PushdownDefeatersExample.stringColumnAgainstString(CUSTOMER));

    assertThat(number.pushedFilters()).noneMatch(f -> f.startsWith("EqualTo(customer_code"));
    assertThat(text.pushedFilters()).contains("EqualTo(customer_code,00042)");
    assertThat(text.matches()).isEqualTo(number.matches()).isPositive();
  }

  @Test
  void aWideningNumericCastIsUnwrappedAndPushed() {
    // quantity is an int column: cast(quantity as bigint) = 3 reaches Parquet as quantity = 3
    Lookup widening = lookup(PushdownDefeatersExample.viaWideningCast(3));

    assertThat(widening.pushedFilters()).contains("EqualTo(quantity,3)");
    assertThat(widening.matches())
        .isEqualTo(lookup(org.apache.spark.sql.functions.col("quantity").equalTo(3)).matches())
        .isPositive();
  }

  @Test
  void aNumberMatchesCodesWithAndWithoutLeadingZerosAndUnderAnsiOneBadCodeFailsTheQuery() {
    // given codes as they arrive from a real system: padded, unpadded, and not a number
    Dataset<Row> codes =
        spark
            .createDataset(List.of("00042", "42", "00043"), Encoders.STRING())
            .toDF("customer_code");
    Dataset<Row> withBadCode =
        spark.createDataset(List.of("00042", "42", "N/A"), Encoders.STRING()).toDF("customer_code");

    // then: the number matches both spellings, the string literal only the exact code
    assertThat(codes.where(PushdownDefeatersExample.stringColumnAgainstNumber(42)).count())
        .isEqualTo(2);
    assertThat(codes.where(PushdownDefeatersExample.stringColumnAgainstString(42)).count())
        .isEqualTo(1);
    // and under ANSI mode (on by default since Spark 4.0) 'N/A' fails the whole query
    if (SparkVersion.atLeast(4, 0)) {
      assertThat(spark.conf().get("spark.sql.ansi.enabled")).isEqualTo("true");
      assertThatThrownBy(
              () ->
                  withBadCode
                      .where(PushdownDefeatersExample.stringColumnAgainstNumber(42))
                      .collectAsList())
          .hasMessageContaining("CAST_INVALID_INPUT")
          .hasMessageContaining("N/A");
    } else {
      // Spark 3.5: ANSI off by default, 'N/A' casts to null and its row silently does not match
      assertThat(spark.conf().get("spark.sql.ansi.enabled")).isEqualTo("false");
      assertThat(withBadCode.where(PushdownDefeatersExample.stringColumnAgainstNumber(42)).count())
          .isEqualTo(2);
    }
    assertThat(withBadCode.where(PushdownDefeatersExample.stringColumnAgainstString(42)).count())
        .isEqualTo(1);
  }
}
