package dev.advancedspark.part5.streaming;

import static org.assertj.core.api.Assertions.assertThat;

import dev.advancedspark.common.testkit.SharedSpark;
import dev.advancedspark.part5.streaming.StateGrowthExample.StateAfterBatch;
import dev.advancedspark.part5.testkit.KafkaBroker;
import dev.advancedspark.part5.testkit.SharedKafka;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

class StateGrowthExampleIT {

  private static final long EVENTS = 1200;

  private final SparkSession spark = SharedSpark.session();
  private final KafkaBroker kafka = SharedKafka.broker();

  @Test
  void stateGrowsWithoutAWatermarkAndStaysBoundedWithOneOnRocksDb() throws Exception {
    // given: 1,200 events, one per second: 120 windows of 10 s
    kafka.createTopic("state-growth", 2);
    kafka.send("state-growth", StreamEvents.records(0, EVENTS));
    Path dir = SharedSpark.scratch("state-growth");

    // when: the same count without and with a 30 s watermark (the second on RocksDB)
    List<StateAfterBatch> unbounded =
        StateGrowthExample.run(
            spark, kafka.bootstrapServers(), "state-growth", null, null, 200, dir.resolve("none"));
    List<StateAfterBatch> bounded =
        StateGrowthExample.run(
            spark,
            kafka.bootstrapServers(),
            "state-growth",
            "30 seconds",
            StateGrowthExample.ROCKSDB,
            200,
            dir.resolve("watermark"));

    // then: without a watermark every window stays in state
    System.out.println(
        "state rows, no watermark: " + unbounded.stream().map(StateAfterBatch::rowsTotal).toList());
    System.out.println(
        "state rows, watermark:    " + bounded.stream().map(StateAfterBatch::rowsTotal).toList());
    assertThat(unbounded.size()).isGreaterThanOrEqualTo(5);
    assertThat(unbounded.get(unbounded.size() - 1).rowsTotal()).isEqualTo(EVENTS / 10);
    assertThat(unbounded).allSatisfy(s -> assertThat(s.rowsRemoved()).isZero());
    // with one, closed windows are evicted: the state never holds more than a batch's span
    assertThat(bounded).allSatisfy(s -> assertThat(s.rowsTotal()).isLessThan(40));
    assertThat(bounded.stream().mapToLong(StateAfterBatch::rowsRemoved).sum()).isPositive();
    assertThat(bounded.get(0).custom().keySet()).anyMatch(k -> k.startsWith("rocksdb"));
    assertThat(unbounded.get(0).custom().keySet()).noneMatch(k -> k.startsWith("rocksdb"));
    // and the state data source reads what the last batch left
    assertThat(StateGrowthExample.readState(spark, dir.resolve("none")).count())
        .isEqualTo(EVENTS / 10);
    assertThat(StateGrowthExample.readState(spark, dir.resolve("watermark")).count())
        .isEqualTo(bounded.get(bounded.size() - 1).rowsTotal());
  }
}
