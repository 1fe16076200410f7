package dev.advancedspark.part5.streaming;

import static org.assertj.core.api.Assertions.assertThat;

import dev.advancedspark.common.testkit.SharedSpark;
import dev.advancedspark.part5.streaming.EventTimeWindowsExample.Job;
import dev.advancedspark.part5.testkit.KafkaBroker;
import dev.advancedspark.part5.testkit.SharedKafka;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

class LateEventsExampleIT {

  private final SparkSession spark = SharedSpark.session();
  private final KafkaBroker kafka = SharedKafka.broker();

  @Test
  void eventsPastTheWatermarkAreDroppedAndCountedAndOnesWithinItUpdateTheirWindow()
      throws Exception {
    // given: events at 0..299 s processed (watermark 299 s - 2 min = 179 s)
    kafka.createTopic("late-events", 1);
    Job job = new Job(kafka.bootstrapServers(), "late-events", SharedSpark.scratch("late-events"));
    kafka.send(job.topic(), LateEventsExample.onTime());
    long droppedOnTime =
        LateEventsExample.droppedByWatermark(LateEventsExample.runOnce(spark, job));

    // when: late events at 200 s (window [180, 240) still open), 30 s and 90 s (windows closed)
    kafka.send(job.topic(), LateEventsExample.late());
    long droppedLate = LateEventsExample.droppedByWatermark(LateEventsExample.runOnce(spark, job));
    // and an event at 600 s moves the watermark past every window above
    kafka.send(job.topic(), LateEventsExample.closing());
    LateEventsExample.runOnce(spark, job);

    // then: two dropped, counted only in the progress; the accepted one is in its window
    Map<Long, Long> windows = LateEventsExample.windows(spark, job);
    System.out.printf(
        "late events: dropped %d then %d; windows %s%n", droppedOnTime, droppedLate, windows);
    assertThat(droppedOnTime).isZero();
    assertThat(droppedLate).isEqualTo(2);
    assertThat(windows).containsEntry(180L, 61L).containsEntry(0L, 60L).containsEntry(60L, 60L);
    assertThat(windows).hasSize(5);
  }
}
