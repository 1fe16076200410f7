package dev.advancedspark.part5.governance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.advancedspark.common.testkit.SharedSpark;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.junit.jupiter.api.Test;

class QualityGateTest {

  private final SparkSession spark = SharedSpark.session();

  @Test
  void rowsBreakingAnExpectationAreQuarantinedWithTheirReasonsAndCounted() {
    // given nine orders, five of which break a rule
    QualityGate gate = QualityGate.ordersGate(QualityGate.sampleCustomers(spark));

    // when they pass the gate
    try (QualityGate.Result r = gate.apply(QualityGate.sampleOrders(spark))) {
      assertGated(r);
    }
  }

  private static void assertGated(QualityGate.Result r) {
    // then four flow on, five are held back, none is lost
    assertThat(r.valid().orderBy("order_id").select("order_id").collectAsList())
        .extracting(row -> row.getInt(0))
        .containsExactly(1, 2, 3, 4);
    assertThat(r.valid().columns()).containsExactly("order_id", "customer_id", "amount");
    assertThat(r.quarantined().count()).isEqualTo(5);
    // and each quarantined row names every rule it broke
    List<Row> held = r.quarantined().orderBy("order_id", "amount").collectAsList();
    assertThat(held.get(0).getList(3)).containsExactly("customer_id is not null");
    assertThat(held.get(1).getList(3)).containsExactly("amount in [0.0, 10000.0]");
    assertThat(held.get(2).getList(3)).containsExactly("customer_id exists in customers");
    assertThat(held.get(3).getList(3)).containsExactly("order_id is unique");
    assertThat(held.get(4).getList(3))
        .containsExactly("amount in [0.0, 10000.0]", "order_id is unique");
    // and the counts per rule are what an alert reads
    assertThat(r.failuresByRule())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "customer_id is not null", 1L,
                "amount in [0.0, 10000.0]", 2L,
                "order_id is unique", 2L,
                "customer_id exists in customers", 1L));
  }

  @Test
  void aCleanBatchPassesWholeAndClosingTheResultReleasesItsCache() {
    QualityGate.Result r =
        QualityGate.ordersGate(QualityGate.sampleCustomers(spark))
            .apply(QualityGate.sampleOrders(spark).where("order_id <= 4"));
    try (r) {
      assertThat(r.valid().count()).isEqualTo(4);
      assertThat(r.quarantined().count()).isZero();
      assertThat(r.failuresByRule().values()).containsOnly(0L);
      assertThat(r.checked().storageLevel().useMemory()).isTrue();
    }
    assertThat(r.checked().storageLevel()).isEqualTo(StorageLevel.NONE());
  }
}
