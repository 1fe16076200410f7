package dev.advancedspark.part5.streaming;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.advancedspark.common.testkit.SharedSpark;
import dev.advancedspark.part5.observability.StreamingSloExample;
import dev.advancedspark.part5.observability.StreamingSloListener;
import dev.advancedspark.part5.observability.StreamingSloListener.Breach;
import dev.advancedspark.part5.observability.StreamingSloListener.Check;
import dev.advancedspark.part5.observability.StreamingSloListener.Slo;
import dev.advancedspark.part5.streaming.EventTimeWindowsExample.Job;
import dev.advancedspark.part5.testkit.KafkaBroker;
import dev.advancedspark.part5.testkit.SharedKafka;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.StreamingQueryProgress;
import org.apache.spark.sql.streaming.Trigger;
import org.junit.jupiter.api.Test;

class EventTimeWindowsExampleIT {

  private static final long GOOD = 600;

  private final SparkSession spark = SharedSpark.session();
  private final KafkaBroker kafka = SharedKafka.broker();

  @Test
  void badEventsAreQuarantinedAndCountedAndClosedWindowsReachDelta() throws Exception {
    // given: 600 good events (0..599 s) and 2 of each kind of bad event
    Job job = job("windows-available-now");
    kafka.send(job.topic(), EventTimeWindowsExample.sampleRecords(GOOD));

    // when: both queries with availableNow
    List<StreamingQuery> queries =
        EventTimeWindowsExample.start(spark, job, "2 minutes", "1 minute", Trigger.AvailableNow());
    for (StreamingQuery q : queries) {
      assertThat(q.awaitTermination(180_000)).isTrue();
    }

    // then: every bad event is in quarantine, with its reason
    assertThat(EventTimeWindowsExample.quarantineCounts(spark, job))
        .containsExactlyInAnyOrderEntriesOf(
            Map.of("malformed_json", 2L, "missing_timestamp", 2L, "unparsable_timestamp", 2L));
    long read =
        java.util.Arrays.stream(queries.get(1).recentProgress())
            .mapToLong(p -> p.numInputRows())
            .sum();
    assertThat(read).isEqualTo(GOOD + 6);
    // and the windows the watermark (599 s - 2 min = 479 s) has closed: [0, 60) .. [360, 420)
    List<Row> windows = windows(job);
    System.out.println("windows written (availableNow): " + windows.size());
    assertThat(windows).hasSize(7).allSatisfy(r -> assertThat(r.getLong(0)).isEqualTo(60));
  }

  @Test
  void aProcessingTimeTriggerRunsUntilStoppedAndProcessAllAvailableWaitsForTheBacklog()
      throws Exception {
    // given
    Job job = job("windows-processing-time");
    kafka.send(job.topic(), EventTimeWindowsExample.sampleRecords(GOOD));

    // when: a processing-time trigger; wait on the backlog, not on the clock
    List<StreamingQuery> queries =
        EventTimeWindowsExample.start(
            spark, job, "2 minutes", "1 minute", Trigger.ProcessingTime("200 milliseconds"));
    try {
      for (StreamingQuery q : queries) {
        q.processAllAvailable();
        assertThat(q.isActive()).isTrue();
      }
    } finally {
      for (StreamingQuery q : queries) {
        q.stop();
      }
    }

    // then
    assertThat(EventTimeWindowsExample.quarantineCounts(spark, job).values())
        .containsOnly(2L)
        .hasSize(3);
    assertThat(windows(job)).hasSize(7);
  }

  @Test
  void appendModeOnAnAggregationNeedsAWatermarkAndDeltaRefusesUpdateMode() throws Exception {
    // given
    Job job = job("windows-modes");
    var events = EventTimeWindowsExample.events(spark, job);
    var noWatermark =
        events
            .filter("problem IS NULL")
            .groupBy(org.apache.spark.sql.functions.window(events.col("event_time"), "1 minute"))
            .count();

    // then: append without a watermark is refused when the query starts
    assertThatThrownBy(
            () ->
                noWatermark
                    .writeStream()
                    .format("delta")
                    .outputMode("append")
                    .option("checkpointLocation", job.checkpoint("append").toString())
                    .start(job.outDir().resolve("append").toString()))
        .hasMessageContaining("STREAMING_OUTPUT_MODE.UNSUPPORTED_OPERATION")
        .hasMessageContaining("aggregations without watermark");
    // and the Delta sink takes append and complete, not update
    assertThatThrownBy(
            () ->
                EventTimeWindowsExample.windowedTotals(events, "2 minutes", "1 minute")
                    .writeStream()
                    .format("delta")
                    .outputMode("update")
                    .option("checkpointLocation", job.checkpoint("update").toString())
                    .start(job.outDir().resolve("update").toString()))
        .satisfies(e -> System.out.println("update mode into Delta: " + e.getMessage()))
        .hasMessageContaining("Update");
  }

  @Test
  void aRateLimitedQueryIsFlaggedForSourceLagWhileItReadsABacklogAndNoLongerOnceCaughtUp()
      throws Exception {
    // given a backlog of 606 events in one partition, and an objective of at most 100 offsets
    // behind; every batch counts as warm-up, so only the lag (and dropped rows) is judged
    String topic = "windows-backlog";
    kafka.createTopic(topic, 1);
    kafka.send(topic, EventTimeWindowsExample.sampleRecords(GOOD));
    long backlog = GOOD + 6;
    long perBatch = 200;
    Slo slo = new Slo(Duration.ofMinutes(10), 0, Integer.MAX_VALUE, 100);

    // when a query reads it at most 200 offsets per batch, under the listener, until caught up
    StreamingSloExample.Result r =
        StreamingSloExample.catchUp(
            spark,
            kafka.bootstrapServers(),
            topic,
            perBatch,
            SharedSpark.scratch(topic).resolve("checkpoint"),
            slo,
            Duration.ofMinutes(3));

    // then it took four batches, and each left the query as far behind as the backlog says:
    // 606 - 200, 606 - 400, 606 - 600, 0 (the broker's latest offset minus the batch's end)
    List<StreamingQueryProgress> reads =
        r.progress().stream().filter(p -> p.numInputRows() > 0).toList();
    reads.forEach(
        p ->
            System.out.printf(
                "batch %d: %d rows, %s offsets behind the latest%n",
                p.batchId(),
                p.numInputRows(),
                p.sources()[0].metrics().get(StreamingSloListener.OFFSETS_BEHIND)));
    assertThat(reads)
        .extracting(p -> p.sources()[0].metrics().get(StreamingSloListener.OFFSETS_BEHIND))
        .containsExactly(
            String.valueOf(backlog - perBatch),
            String.valueOf(backlog - 2 * perBatch),
            String.valueOf(backlog - 3 * perBatch),
            "0");
    assertThat(reads).extracting(p -> p.numInputRows()).containsExactly(200L, 200L, 200L, 6L);
    // and SOURCE_LAG was reported for exactly the two batches over 100 behind, with the real
    // figure, and not for the batch 6 behind nor once caught up
    assertThat(r.breaches())
        .extracting(Breach::batchId, Breach::check, Breach::observed)
        .containsExactly(
            tuple(
                reads.get(0).batchId(),
                Check.SOURCE_LAG,
                "KafkaV2[Subscribe[" + topic + "]] is 406 offsets behind the latest"),
            tuple(
                reads.get(1).batchId(),
                Check.SOURCE_LAG,
                "KafkaV2[Subscribe[" + topic + "]] is 206 offsets behind the latest"));
  }

  private List<Row> windows(Job job) {
    return spark
        .read()
        .format("delta")
        .load(job.windowsPath().toString())
        .select("events")
        .collectAsList();
  }

  private Job job(String name) {
    kafka.createTopic(name, 2);
    return new Job(kafka.bootstrapServers(), name, SharedSpark.scratch(name));
  }
}
