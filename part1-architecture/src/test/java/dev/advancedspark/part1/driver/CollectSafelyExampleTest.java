package dev.advancedspark.part1.driver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.advancedspark.common.metrics.MetricsCollector;
import dev.advancedspark.common.metrics.RunMetrics;
import dev.advancedspark.common.testkit.SharedSpark;
import dev.advancedspark.part1.driver.CollectSafelyExample.Fetch;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

class CollectSafelyExampleTest {

  private static final long ROWS = 8_000;
  private static final int PARTITIONS = 8;

  private final SparkSession spark = SharedSpark.session();
  private final Dataset<Row> result = CollectSafelyExample.result(spark, ROWS, PARTITIONS);

  @Test
  void collectPullsEveryPartitionIntoTheDriverInOneJob() {
    // when
    Fetch fetch = CollectSafelyExample.viaCollect(spark, result);

    // then
    assertThat(fetch.rows()).isEqualTo(ROWS);
    assertThat(fetch.jobs()).hasSize(1);
    assertThat(fetch.maxTasksPerJob()).isEqualTo(PARTITIONS);
    assertThat(fetch.maxResultBytesPerJob()).isEqualTo(fetch.totalResultBytes());
  }

  @Test
  void toLocalIteratorFetchesOnePartitionPerJobSoTheDriverNeverHoldsTheWholeResult() {
    // given: a consumer that notes how many jobs had run when it received each row
    String group = "to-local-iterator-test";
    List<Integer> jobsSeenAtRow = new ArrayList<>();

    // when
    Fetch collected = CollectSafelyExample.viaCollect(spark, result);
    Fetch streamed;
    spark.sparkContext().setJobGroup(group, "toLocalIterator test", false);
    try {
      streamed =
          CollectSafelyExample.viaLocalIterator(
              spark,
              result,
              row ->
                  jobsSeenAtRow.add(
                      spark.sparkContext().statusTracker().getJobIdsForGroup(group).length));
    } finally {
      spark.sparkContext().clearJobGroup();
    }

    // then: one job per partition, each of one task, run on demand: the first rows arrive after
    // one job, the last after all of them; each fetch is one partition (1/8 of the rows), far
    // below what collect() received at once
    assertThat(streamed.rows()).isEqualTo(ROWS);
    assertThat(streamed.jobs()).hasSize(PARTITIONS);
    assertThat(streamed.maxTasksPerJob()).isEqualTo(1);
    assertThat(jobsSeenAtRow.get(0)).isEqualTo(1);
    assertThat(jobsSeenAtRow.get(jobsSeenAtRow.size() - 1)).isEqualTo(PARTITIONS);
    assertThat(streamed.maxResultBytesPerJob())
        .isPositive()
        .isLessThan(collected.totalResultBytes() / (PARTITIONS / 2));
  }

  @Test
  void aggregatingFirstSendsOneRowAndWritingOutSendsNone() {
    // when
    Row agg = CollectSafelyExample.aggregateFirst(result);
    RunMetrics written =
        CollectSafelyExample.writeOut(spark, result, SharedSpark.scratch("collect-out"));

    // then
    assertThat(agg.getLong(0)).isEqualTo(ROWS);
    assertThat(written.outputBytes()).isPositive();
    assertThat(written.tasks()).isEqualTo(PARTITIONS);
  }

  @Test
  void maxResultSizeCannotBeChangedInARunningSession() {
    // spark.driver.maxResultSize is read from the SparkConf when tasks are scheduled: a session
    // refuses to change it at run time, so it has to be set at start (--conf).
    assertThatThrownBy(() -> spark.conf().set(CollectSafelyExample.MAX_RESULT_SIZE, "1k"))
        .isInstanceOf(AnalysisException.class)
        .hasMessageContaining("CANNOT_MODIFY_CONFIG");
    assertThat(CollectSafelyExample.maxResultSize(spark)).isEqualTo(1024L * 1024 * 1024);
  }

  @Test
  void checkedCollectRefusesAnOversizedResultBeforeRunningAnyJob() {
    // given: a limit below Spark's own estimate of the result
    long estimate = CollectSafelyExample.estimatedBytes(result);
    long limit = estimate / 2;

    // when/then
    RunMetrics m =
        MetricsCollector.metricsOf(
            spark,
            () ->
                assertThatThrownBy(() -> CollectSafelyExample.collectChecked(result, limit))
                    .isInstanceOf(DriverResultTooLargeException.class)
                    .hasMessageContaining("refusing to collect()")
                    .hasMessageContaining("toLocalIterator"));
    assertThat(m.jobs()).isZero();
    assertThat(CollectSafelyExample.collectChecked(result, estimate * 2)).hasSize((int) ROWS);
  }
}
