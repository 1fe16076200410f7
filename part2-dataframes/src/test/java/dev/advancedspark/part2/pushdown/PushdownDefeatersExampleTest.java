package dev.advancedspark.part2.pushdown;

import static org.assertj.core.api.Assertions.assertThat;

import dev.advancedspark.common.data.DataGenerators;
import dev.advancedspark.common.data.DataGenerators.OrdersSpec;
import dev.advancedspark.common.testkit.SharedSpark;
import dev.advancedspark.part2.pushdown.ParquetLookups.Lookup;
import java.nio.file.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
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
}
