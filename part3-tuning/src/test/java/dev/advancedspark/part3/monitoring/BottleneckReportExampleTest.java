package dev.advancedspark.part3.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.advancedspark.common.data.DataGenerators;
import dev.advancedspark.common.data.DataGenerators.OrdersSpec;
import dev.advancedspark.common.data.Skew;
import dev.advancedspark.common.testkit.SharedSpark;
import dev.advancedspark.part3.monitoring.BottleneckReport.Thresholds;
import dev.advancedspark.part3.monitoring.StageTaskTimes.Observed;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

class BottleneckReportExampleTest {

  private static final int PARTITIONS = 8;
  private final SparkSession spark = SharedSpark.session();

  /** Tiny test data: a 200 ms gap between the longest and the median task is already a lot. */
  private final Thresholds thresholds = Thresholds.defaults().withMinSkewGapMillis(200);

  // Skew is judged here from the records each task read, which are deterministic, not from task
  // durations, which swing on a shared machine (a timed assertion). The report's own judgement
  // from task times is printed for the README's figures and unit-tested in BottleneckReportTest.

  @Test
  void aPlantedHotKeyGivesOneTaskOfTheShuffledStageMostOfTheRecords() {
    // given: customer 1 holds 90 % of the orders
    Dataset<Row> orders =
        DataGenerators.orders(spark, OrdersSpec.of(200_000).withSkew(Skew.hotKey(0.9)));

    // when
    RecordsPerTask records = new RecordsPerTask();
    Observed observed = observeWith(records, orders);

    // then: in the stage after the shuffle (PARTITIONS tasks), the hot task read at least 5 times
    // (the report's default skew factor) the median task's records
    print(observed);
    long[] shuffled = records.shuffleReadPerTask(PARTITIONS);
    assertThat(shuffled).hasSize(PARTITIONS);
    assertThat(Arrays.stream(shuffled).sum()).isEqualTo(200_000);
    assertThat(Arrays.stream(shuffled).max().orElseThrow())
        .isGreaterThanOrEqualTo(5 * median(shuffled))
        .isGreaterThanOrEqualTo(180_000);
  }

  @Test
  void theSameJobOnEvenKeysSpreadsTheRecordsEvenly() {
    // given
    Dataset<Row> orders = DataGenerators.orders(spark, OrdersSpec.of(200_000));

    // when
    RecordsPerTask records = new RecordsPerTask();
    Observed observed = observeWith(records, orders);

    // then: no task reads more than 1.5 times the median task's records
    print(observed);
    long[] shuffled = records.shuffleReadPerTask(PARTITIONS);
    assertThat(Arrays.stream(shuffled).sum()).isEqualTo(200_000);
    assertThat(Arrays.stream(shuffled).max().orElseThrow()).isLessThan(median(shuffled) * 3 / 2);
  }

  private Observed observeWith(RecordsPerTask records, Dataset<Row> orders) {
    spark.sparkContext().addSparkListener(records);
    try {
      // the example's run waits for the listener bus to deliver every event, to every listener
      return BottleneckReportExample.run(spark, orders, PARTITIONS);
    } finally {
      spark.sparkContext().removeSparkListener(records);
    }
  }

  private void print(Observed observed) {
    System.out.println(observed.metrics().summary());
    BottleneckReport.analyze(observed.metrics(), observed.stages(), thresholds)
        .forEach(System.out::println);
  }

  private static long median(long[] values) {
    long[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }

  /** Shuffle records read by each task, per stage. */
  private static final class RecordsPerTask extends SparkListener {
    private final Map<Integer, List<Long>> byStage = new ConcurrentHashMap<>();

    @Override
    public void onTaskEnd(SparkListenerTaskEnd taskEnd) {
      if (taskEnd.taskMetrics() != null) {
        byStage
            .computeIfAbsent(taskEnd.stageId(), id -> new CopyOnWriteArrayList<>())
            .add(taskEnd.taskMetrics().shuffleReadMetrics().recordsRead());
      }
    }

    /** The shuffle records per task of the one stage with {@code tasks} tasks that read any. */
    long[] shuffleReadPerTask(int tasks) {
      List<long[]> stages =
          byStage.values().stream()
              .map(l -> l.stream().mapToLong(Long::longValue).toArray())
              .filter(a -> a.length == tasks && Arrays.stream(a).sum() > 0)
              .toList();
      assertThat(stages).as("stages with %d tasks reading shuffle records", tasks).hasSize(1);
      return stages.get(0);
    }
  }
}
