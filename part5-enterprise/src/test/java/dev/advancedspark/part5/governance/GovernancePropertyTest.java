package dev.advancedspark.part5.governance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.advancedspark.common.testkit.SharedSpark;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Property-based tests (jqwik): invariants that must hold for every input, checked on generated
 * inputs. The gate's property runs Spark jobs per try, so it gets few tries over tiny inputs drawn
 * from small domains (ids 1-6, customers 9-13, amounts at and around the range's edges), where
 * duplicates, nulls and unknown customers are frequent; the tokeniser's properties are plain Java
 * and get a thousand tries for free. A failure prints the seed; {@code @Property(seed = "...")}
 * replays it.
 */
class GovernancePropertyTest {

  /** One generated order; nulls allowed where the data allows them. */
  record Order(int orderId, Integer customerId, Double amount) {}

  static final Set<Integer> CUSTOMERS = Set.of(10, 11, 12);

  // tag::property[]
  @Property(tries = 4)
  void theGateLosesNothingAndAgreesWithAPlainJavaOracle(
      @ForAll("orders") @Size(max = 8) List<Order> orders) {
    SparkSession spark = SharedSpark.session();
    try (QualityGate.Result r =
        QualityGate.ordersGate(QualityGate.sampleCustomers(spark))
            .apply(toDataFrame(spark, orders))) {
      long valid = r.valid().count();
      long quarantined = r.quarantined().count();
      assertThat(valid + quarantined).isEqualTo(orders.size()); // nothing lost, nothing doubled
      assertThat(r.failuresByRule()).isEqualTo(oracle(orders)); // each rule as Java counts it
      assertThat(valid)
          .isEqualTo(orders.stream().filter(o -> reasons(o, orders).isEmpty()).count());
    }
  }

  // end::property[]

  @Property(tries = 1000)
  void tokensAreDeterministicAndDistinctValuesGetDistinctTokens(
      @ForAll String a, @ForAll String b, @ForAll("keys") byte[] key) {
    assertThat(PiiProtection.hmacHex(key, a)).isEqualTo(PiiProtection.hmacHex(key.clone(), a));
    if (!a.equals(b)) {
      // HMAC-SHA256 collisions exist in theory; finding one by chance is out of reach
      assertThat(PiiProtection.hmacHex(key, a)).isNotEqualTo(PiiProtection.hmacHex(key, b));
    }
  }

  @Property(tries = 200)
  void anotherKeyGivesAnotherToken(
      @ForAll String value, @ForAll("keys") byte[] k1, @ForAll("keys") byte[] k2) {
    if (!java.util.Arrays.equals(k1, k2)) {
      assertThat(PiiProtection.hmacHex(k1, value)).isNotEqualTo(PiiProtection.hmacHex(k2, value));
    }
  }

  @Provide
  Arbitrary<List<Order>> orders() {
    Arbitrary<Integer> ids = Arbitraries.integers().between(1, 6);
    Arbitrary<Integer> customers = Arbitraries.integers().between(9, 13).injectNull(0.15);
    Arbitrary<Double> amounts =
        Arbitraries.of(-0.01, 0.0, 25.0, 10_000.0, 10_000.01, 20_000.0).injectNull(0.1);
    return Combinators.combine(ids, customers, amounts).as(Order::new).list();
  }

  @Provide
  Arbitrary<byte[]> keys() {
    return Arbitraries.bytes().array(byte[].class).ofMinSize(16).ofMaxSize(32);
  }

  /** The rules, in plain Java, for one order among {@code all}. */
  static List<String> reasons(Order o, List<Order> all) {
    List<String> out = new ArrayList<>();
    if (o.customerId() == null) {
      out.add("customer_id is not null");
    }
    if (o.amount() != null && (o.amount() < 0 || o.amount() > 10_000)) {
      out.add("amount in [0.0, 10000.0]");
    }
    if (all.stream().filter(x -> x.orderId() == o.orderId()).count() > 1) {
      out.add("order_id is unique");
    }
    if (o.customerId() != null && !CUSTOMERS.contains(o.customerId())) {
      out.add("customer_id exists in customers");
    }
    return out;
  }

  static Map<String, Long> oracle(List<Order> orders) {
    Map<String, Long> counts = new LinkedHashMap<>();
    for (String rule :
        List.of(
            "customer_id is not null",
            "amount in [0.0, 10000.0]",
            "order_id is unique",
            "customer_id exists in customers")) {
      counts.put(rule, 0L);
    }
    for (Order o : orders) {
      reasons(o, orders).forEach(r -> counts.merge(r, 1L, Long::sum));
    }
    return new HashMap<>(counts);
  }

  static Dataset<Row> toDataFrame(SparkSession spark, List<Order> orders) {
    StructType schema =
        new StructType()
            .add("order_id", DataTypes.IntegerType, false)
            .add("customer_id", DataTypes.IntegerType, true)
            .add("amount", DataTypes.DoubleType, true);
    List<Row> rows =
        orders.stream()
            .map(o -> RowFactory.create(o.orderId(), o.customerId(), o.amount()))
            .toList();
    return spark.createDataFrame(rows, schema);
  }
}
