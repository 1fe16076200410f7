package dev.advancedspark.common.data;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.xxhash64;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.advancedspark.common.data.DataGenerators.OrdersSpec;
import dev.advancedspark.common.testkit.SharedSpark;
import java.util.Arrays;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

class DataGeneratorsTest {

  private final SparkSession spark = SharedSpark.session();

  /** An order-independent checksum of every cell. */
  private static long checksum(Dataset<Row> df) {
    Column[] all = Arrays.stream(df.columns()).map(c -> col(c)).toArray(Column[]::new);
    return df.select(sum(xxhash64(all).cast("decimal(38,0)")).cast("string"))
        .first()
        .getString(0)
        .hashCode();
  }

  @Test
  void sameSeedGivesSameRowsAndAnotherSeedDoesNot() {
    OrdersSpec spec = OrdersSpec.of(20_000);

    long first = checksum(DataGenerators.orders(spark, spec));
    long again = checksum(DataGenerators.orders(spark, spec));
    long other = checksum(DataGenerators.orders(spark, spec.withSeed(7)));

    assertThat(again).isEqualTo(first);
    assertThat(other).isNotEqualTo(first);
  }

  @Test
  void rowsDoNotDependOnPartitioning() {
    Dataset<Row> orders = DataGenerators.orders(spark, OrdersSpec.of(5_000));

    long asGenerated = checksum(orders);
    long repartitioned = checksum(orders.repartition(7));

    assertThat(repartitioned).isEqualTo(asGenerated);
  }

  @Test
  void hotKeySkewGivesTheAskedForShareToTheTopKey() {
    Skew skew = Skew.hotKey(0.3);
    OrdersSpec spec = OrdersSpec.of(100_000).withCustomers(1_000).withSkew(skew);

    double share = topKeyShare(DataGenerators.orders(spark, spec), "customer_id");

    assertThat(share).isCloseTo(skew.expectedTopShare(1_000), within(0.01));
    assertThat(share).isBetween(0.29, 0.32);
  }

  @Test
  void zipfSkewGivesTheTopKeyItsPowerLawShareAndUniformDoesNot() {
    Skew zipf = Skew.zipf(1.2);
    double zipfShare =
        topKeyShare(
            DataGenerators.orders(
                spark, OrdersSpec.of(100_000).withCustomers(1_000).withSkew(zipf)),
            "customer_id");
    double uniformShare =
        topKeyShare(
            DataGenerators.orders(spark, OrdersSpec.of(100_000).withCustomers(1_000)),
            "customer_id");

    assertThat(zipfShare).isCloseTo(zipf.expectedTopShare(1_000), within(0.01));
    assertThat(zipfShare).isGreaterThan(0.1);
    assertThat(uniformShare).isLessThan(0.003);
  }

  @Test
  void nullFractionMakesThatShareOfRowsDirty() {
    Dataset<Row> orders =
        DataGenerators.orders(spark, OrdersSpec.of(50_000).withNullFraction(0.05));

    Row r =
        orders
            .agg(
                count("*"),
                sum(col("customer_id").isNull().cast("int")),
                sum(col("amount").isNull().cast("int")))
            .first();

    assertThat(r.getLong(1) / (double) r.getLong(0)).isCloseTo(0.05, within(0.005));
    assertThat(r.getLong(2)).isEqualTo(r.getLong(1));
  }

  @Test
  void groupByTableHasTheDbBenchmarkShape() {
    Dataset<Row> g = DataGenerators.groupBy(spark, 100_000, 100, 1);

    Row r =
        g.agg(
                countDistinct(col("id1")),
                countDistinct(col("id4")),
                countDistinct(col("id6")),
                org.apache.spark.sql.functions.min("v1"),
                org.apache.spark.sql.functions.max("v2"),
                org.apache.spark.sql.functions.max("v3"))
            .first();

    assertThat(g.columns())
        .containsExactly("id1", "id2", "id3", "id4", "id5", "id6", "v1", "v2", "v3");
    assertThat(r.getLong(0)).isEqualTo(100);
    assertThat(r.getLong(1)).isEqualTo(100);
    assertThat(r.getLong(2)).isBetween(990L, 1000L);
    assertThat(r.getInt(3)).isEqualTo(1);
    assertThat(r.getInt(4)).isEqualTo(15);
    assertThat(r.getDouble(5)).isLessThan(100.0);
    assertThat(g.first().getString(2)).matches("id\\d{10}");
  }

  @Test
  void skewParsesFromTheCommandLineAndRejectsNonsense() {
    assertThat(Skew.parse("zipf:1.1")).isEqualTo(Skew.zipf(1.1));
    assertThat(Skew.parse("hot:0.5")).isEqualTo(Skew.hotKey(0.5));
    assertThat(Skew.parse("uniform")).isEqualTo(Skew.uniform());
    assertThatThrownBy(() -> Skew.parse("lumpy"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'uniform', 'hot:<fraction>' or 'zipf:<exponent>'");
  }

  private static double topKeyShare(Dataset<Row> df, String key) {
    long total = df.count();
    long top = df.groupBy(key).count().orderBy(col("count").desc()).first().getLong(1);
    return top / (double) total;
  }
}
