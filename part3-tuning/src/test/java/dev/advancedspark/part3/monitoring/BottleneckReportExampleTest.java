package dev.advancedspark.part3.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.advancedspark.common.data.DataGenerators;
import dev.advancedspark.common.data.DataGenerators.OrdersSpec;
import dev.advancedspark.common.data.Skew;
import dev.advancedspark.common.testkit.SharedSpark;
import dev.advancedspark.part3.monitoring.BottleneckReport.Finding;
import dev.advancedspark.part3.monitoring.BottleneckReport.Kind;
import dev.advancedspark.part3.monitoring.BottleneckReport.Thresholds;
import dev.advancedspark.part3.monitoring.StageTaskTimes.Observed;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

class BottleneckReportExampleTest {

  private static final int PARTITIONS = 8;
  private final SparkSession spark = SharedSpark.session();

  /** Tiny test data: a 200 ms gap between the longest and the median task is already a lot. */
  private final Thresholds thresholds = Thresholds.defaults().withMinSkewGapMillis(200);

  @Test
  void theReportNamesAPlantedHotKeyAsTaskSkewAndNothingElse() {
    // given: customer 1 holds 90 % of the orders
    Dataset<Row> orders =
        DataGenerators.orders(spark, OrdersSpec.of(200_000).withSkew(Skew.hotKey(0.9)));

    // when
    Observed observed = BottleneckReportExample.run(spark, orders, PARTITIONS);
    List<Finding> findings =
        BottleneckReport.analyze(observed.metrics(), observed.stages(), thresholds);

    // then (printed for the README's figures)
    System.out.println(observed.metrics().summary());
    findings.forEach(System.out::println);
    assertThat(findings).extracting(Finding::kind).containsExactly(Kind.TASK_SKEW);
    // the hot stage is the one after the shuffle, with PARTITIONS tasks
    assertThat(findings.get(0).evidence()).contains("(" + PARTITIONS + " tasks)");
  }

  @Test
  void theSameJobOnEvenKeysHasNoFindings() {
    // given
    Dataset<Row> orders = DataGenerators.orders(spark, OrdersSpec.of(200_000));

    // when
    Observed observed = BottleneckReportExample.run(spark, orders, PARTITIONS);

    // then
    System.out.println(observed.metrics().summary());
    assertThat(BottleneckReport.analyze(observed.metrics(), observed.stages(), thresholds))
        .isEmpty();
  }
}
