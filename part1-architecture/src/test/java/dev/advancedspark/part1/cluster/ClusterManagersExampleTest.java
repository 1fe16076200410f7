package dev.advancedspark.part1.cluster;

import static dev.advancedspark.part1.cluster.ClusterManagersExample.collectSorted;
import static dev.advancedspark.part1.cluster.ClusterManagersExample.orders;
import static dev.advancedspark.part1.cluster.ClusterManagersExample.revenueByStatus;
import static dev.advancedspark.part1.cluster.ClusterManagersExample.slowedDown;
import static dev.advancedspark.part1.cluster.ClusterManagersExample.taskPids;
import static org.assertj.core.api.Assertions.assertThat;

import dev.advancedspark.common.metrics.MetricsCollector;
import dev.advancedspark.common.metrics.RunMetrics;
import dev.advancedspark.common.testkit.SharedSpark;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/** The local half of the lesson; the cluster half is {@link ClusterManagersIT}. */
class ClusterManagersExampleTest {

  private final SparkSession spark = SharedSpark.session();

  @Test
  void decimalRevenueIsTheSameWhateverThePartitioning() {
    // given the same orders split into 1 and into 7 partitions
    Dataset<Row> orders = orders(spark, 2_000);

    // when the job runs over each
    List<Row> onePartition = collectSorted(revenueByStatus(orders.repartition(1)));
    List<Row> sevenPartitions = collectSorted(revenueByStatus(orders.repartition(7)));

    // then the rows are equal to the last digit: what lets a laptop and a cluster agree
    assertThat(sevenPartitions).isEqualTo(onePartition);
    assertThat(onePartition).extracting(r -> r.getString(0)).doesNotHaveDuplicates().hasSize(5);
    assertThat(onePartition.stream().mapToLong(r -> r.getLong(1)).sum()).isEqualTo(2_000);
    assertThat(onePartition.get(0).schema().apply("revenue").dataType().typeName())
        .startsWith("decimal");
  }

  @Test
  void slowingRowsDownKeepsEveryRowAndRunsInsideTheTasks() {
    // given orders slowed down by 1 ms per row
    Dataset<Row> orders = orders(spark, 200);

    // when the job runs over them
    MetricsCollector.Measured<List<Row>> slow =
        MetricsCollector.measure(
            spark, () -> collectSorted(revenueByStatus(slowedDown(orders, 1))));

    // then the rows are those of the plain job, and every row went through the tasks (no run-time
    // bound: a timed assertion would be a flaky one)
    assertThat(slow.result()).isEqualTo(collectSorted(revenueByStatus(orders)));
    RunMetrics m = slow.metrics();
    assertThat(m.tasks()).isPositive();
    assertThat(m.failedTasks()).isZero();
  }

  @Test
  void onLocalEveryTaskRunsInTheDriverProcess() {
    // when four tasks report their process id on local[2]
    Map<Long, Long> pids = taskPids(spark, 4);

    // then there is one process, this one, which ran all four
    assertThat(pids).containsExactly(Map.entry(ProcessHandle.current().pid(), 4L));
  }
}
