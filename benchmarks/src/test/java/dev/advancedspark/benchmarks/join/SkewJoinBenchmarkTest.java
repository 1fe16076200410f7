package dev.advancedspark.benchmarks.join;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.advancedspark.benchmarks.join.SkewJoinBenchmark.Variant;
import dev.advancedspark.common.SqlConfs;
import dev.advancedspark.common.data.DataGenerators;
import dev.advancedspark.common.testkit.SharedSpark;
import dev.advancedspark.part2.joins.SkewedJoinExample;
import java.util.HashMap;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

class SkewJoinBenchmarkTest {

  /** The smoke run's size. */
  private static final long ROWS = 20_000;

  private final SparkSession spark = SharedSpark.session();
  private final Dataset<Row> orders =
      SkewedJoinExample.skewedOrders(
              spark, ROWS, SkewJoinBenchmark.CUSTOMERS, 0.5, SkewJoinBenchmark.MAP_TASKS)
          .select("order_id", "customer_id", "amount");
  private final Dataset<Row> customers =
      DataGenerators.customers(spark, SkewJoinBenchmark.CUSTOMERS, 42);

  private Map<String, String> settings(Variant v) {
    Map<String, String> conf =
        new HashMap<>(SkewJoinBenchmark.settings(v, SkewJoinBenchmark.partitionBytes(ROWS)));
    conf.put("spark.sql.shuffle.partitions", String.valueOf(SkewJoinBenchmark.PARTITIONS));
    return conf;
  }

  @Test
  void everyVariantRunsAsNamedAndGivesTheBroadcastJoinsAnswer() {
    for (Variant v : Variant.values()) {
      SqlConfs.with(
          spark,
          settings(v),
          () ->
              assertThatCode(
                      () ->
                          SkewJoinBenchmark.check(
                              spark,
                              SkewJoinBenchmark.query(orders, customers, v),
                              v,
                              orders,
                              customers))
                  .as(v.toString())
                  .doesNotThrowAnyException());
    }
  }

  @Test
  void setUpRefusesAJoinThatAqeDidNotSplit() {
    // given the plain join without skew handling, checked as if it were the AQE variant
    SqlConfs.with(
        spark,
        settings(Variant.NONE),
        () ->
            assertThatThrownBy(
                    () ->
                        SkewJoinBenchmark.check(
                            spark,
                            SkewJoinBenchmark.query(orders, customers, Variant.NONE),
                            Variant.AQE_SKEW_JOIN,
                            orders,
                            customers))
                .hasMessageContaining("expected AQE_SKEW_JOIN"));
  }

  @Test
  void setUpRefusesAWrongAnswer() {
    // given a "join" that lost the hot customer's orders
    Dataset<Row> lossy =
        SkewJoinBenchmark.query(orders.where("customer_id <> 1"), customers, Variant.NONE);
    SqlConfs.with(
        spark,
        settings(Variant.NONE),
        () ->
            assertThatThrownBy(
                    () -> SkewJoinBenchmark.check(spark, lossy, Variant.NONE, orders, customers))
                .hasMessageContaining("answer check failed"));
  }
}
