package dev.advancedspark.part5.observability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.advancedspark.part5.observability.StreamingSloListener.Breach;
import dev.advancedspark.part5.observability.StreamingSloListener.Check;
import dev.advancedspark.part5.observability.StreamingSloListener.Slo;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.spark.sql.streaming.SinkProgress;
import org.apache.spark.sql.streaming.SourceProgress;
import org.apache.spark.sql.streaming.StateOperatorProgress;
import org.apache.spark.sql.streaming.StreamingQueryProgress;
import org.junit.jupiter.api.Test;

/**
 * The lag objective on progress reports built as Spark builds them: a Kafka source reports {@code
 * minOffsetsBehindLatest}, {@code maxOffsetsBehindLatest} and {@code avgOffsetsBehindLatest} in its
 * source metrics (Spark's {@code KafkaMicroBatchStream.metrics}); other sources report none.
 */
class SourceLagCheckTest {

  static final Slo SLO = new Slo(Duration.ofSeconds(10), 0, 0, 1_000);

  static StreamingQueryProgress progress(SourceProgress... sources) {
    return new StreamingQueryProgress(
        UUID.randomUUID(),
        UUID.randomUUID(),
        "orders",
        "2026-11-30T00:00:00.000Z",
        7,
        100,
        Map.of("triggerExecution", 100L),
        Map.of(),
        new StateOperatorProgress[0],
        sources,
        new SinkProgress("DeltaSink"),
        Map.of());
  }

  static SourceProgress kafka(long maxBehind) {
    return new SourceProgress(
        "KafkaV2[Subscribe[orders]]",
        "{}",
        "{}",
        "{}",
        500,
        50.0,
        5_000.0,
        Map.of(
            "minOffsetsBehindLatest",
            "0",
            StreamingSloListener.OFFSETS_BEHIND,
            String.valueOf(maxBehind),
            "avgOffsetsBehindLatest",
            String.valueOf(maxBehind / 2.0)));
  }

  @Test
  void aKafkaSourceFurtherBehindThanAllowedIsABreachAndOneWithinItIsNot() {
    List<Breach> behind = StreamingSloListener.check(SLO, progress(kafka(25_000)), false);
    assertThat(behind)
        .singleElement()
        .hasToString(
            "SOURCE_LAG: query orders batch 7: KafkaV2[Subscribe[orders]] is 25000 offsets behind"
                + " the latest (at most 1000)");
    assertThat(StreamingSloListener.check(SLO, progress(kafka(1_000)), false)).isEmpty();
    // lag is judged in warm-up batches too: a backlog at start is a backlog
    assertThat(StreamingSloListener.check(SLO, progress(kafka(25_000)), true))
        .extracting(Breach::check)
        .containsExactly(Check.SOURCE_LAG);
  }

  @Test
  void aSourceWithoutTheMetricAndAnSloWithoutALagObjectiveAreNotJudged() {
    SourceProgress rate =
        new SourceProgress("RateStreamV2", "0", "500", "500", 500, 50.0, 5_000.0, Map.of());
    assertThat(StreamingSloListener.check(SLO, progress(rate), false)).isEmpty();
    Slo noLagObjective = new Slo(Duration.ofSeconds(10), 0, 0);
    assertThat(StreamingSloListener.check(noLagObjective, progress(kafka(25_000)), false))
        .isEmpty();
  }
}
