package dev.advancedspark.part2.shuffles;

import static org.apache.spark.sql.functions.sum;
import static org.assertj.core.api.Assertions.assertThat;

import dev.advancedspark.common.data.DataGenerators;
import dev.advancedspark.common.data.DataGenerators.OrdersSpec;
import dev.advancedspark.common.plan.Plans;
import dev.advancedspark.common.testkit.SharedSpark;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

class ExchangeReuseExampleTest {

  private final SparkSession spark = SharedSpark.session();
  private final Dataset<Row> orders =
      DataGenerators.orders(spark, OrdersSpec.of(5_000).withCustomers(300));

  @Test
  void theSameSubresultUsedTwiceIsShuffledOnce() {
    ShuffleRun withReuse = ExchangeReuseExample.run(spark, orders, true);
    ShuffleRun withoutReuse = ExchangeReuseExample.run(spark, orders, false);

    assertThat(Plans.reusedExchangeCount(withReuse.plan())).isEqualTo(1);
    assertThat(Plans.reusedExchangeCount(withoutReuse.plan())).isZero();
    assertThat(withReuse.shuffles()).isEqualTo(withoutReuse.shuffles() - 1);
    assertThat(withReuse.metrics().shuffleWriteRecords())
        .isLessThan(withoutReuse.metrics().shuffleWriteRecords());
  }

  @Test
  void findsTheCustomersAboveAverage() {
    // given the revenue per customer, averaged and counted on the driver
    List<Double> revenues =
        orders.groupBy("customer_id").agg(sum("amount").cast("double")).collectAsList().stream()
            .map(r -> r.getDouble(1))
            .toList();
    double average = revenues.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
    long expected = revenues.stream().filter(r -> r > average).count();

    // when
    long above = ExchangeReuseExample.aboveAverageCustomers(orders).count();

    // then
    assertThat(above).isEqualTo(expected).isLessThan(revenues.size());
  }
}
