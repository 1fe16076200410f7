package dev.advancedspark.benchmarks.expressions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.advancedspark.common.data.DataGenerators;
import dev.advancedspark.common.data.DataGenerators.OrdersSpec;
import dev.advancedspark.common.testkit.SharedSpark;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

class UdfBenchmarkTest {

  private final Dataset<Row> orders =
      DataGenerators.orders(SharedSpark.session(), OrdersSpec.of(5_000));

  @Test
  void onlyTheUdfVariantEvaluatesAUdfAndBothFindTheSameOrder() {
    assertThat(UdfBenchmark.planHasUdf(orders.where(UdfBenchmark.condition("udf", 2_500))))
        .isTrue();
    assertThat(UdfBenchmark.planHasUdf(orders.where(UdfBenchmark.condition("builtin", 2_500))))
        .isFalse();
    for (String p : new String[] {"udf", "builtin"}) {
      assertThatCode(() -> UdfBenchmark.check(orders, p, 2_500)).as(p).doesNotThrowAnyException();
    }
  }
}
