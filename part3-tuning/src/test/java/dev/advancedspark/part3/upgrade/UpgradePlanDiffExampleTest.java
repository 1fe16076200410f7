package dev.advancedspark.part3.upgrade;

import static org.assertj.core.api.Assertions.assertThat;

import dev.advancedspark.common.testkit.SharedSpark;
import dev.advancedspark.part3.upgrade.UpgradePlanDiffExample.Version;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

class UpgradePlanDiffExampleTest {

  private static final long ROWS = 20_000;
  private static final int PARTITIONS = 8;
  private final SparkSession spark = SharedSpark.session();

  @Test
  void aDefaultThatChangedInAnUpgradeChangesThePlanAndTheDiffNamesTheOperator() {
    // given the job under the old default and under the new one
    Version before =
        UpgradePlanDiffExample.runWith(spark, UpgradePlanDiffExample.BEFORE, ROWS, PARTITIONS);
    Version after =
        UpgradePlanDiffExample.runWith(spark, UpgradePlanDiffExample.AFTER, ROWS, PARTITIONS);

    // when
    PlanDiff diff = UpgradePlanDiffExample.diff(before, after);

    // then the diff names AQE's coalescing read, and only the operators AQE added
    assertThat(diff.isEmpty()).as(diff.describe()).isFalse();
    assertThat(diff.removed()).isEmpty();
    assertThat(diff.added()).containsOnlyKeys("AQEShuffleRead coalesced");
    assertThat(diff.lines()).contains("+   AQEShuffleRead coalesced");
    // and the task counts confirm it: the post-shuffle stages ran as fewer tasks
    assertThat(before.metrics().tasks()).isEqualTo(2 * PARTITIONS);
    assertThat(after.metrics().tasks()).isLessThan(before.metrics().tasks());
    assertThat(after.metrics().shuffleWriteRecords())
        .isEqualTo(before.metrics().shuffleWriteRecords());
  }

  @Test
  void pinningTheOldBehaviourGivesTheOldPlanBack() {
    // given
    Version before =
        UpgradePlanDiffExample.runWith(spark, UpgradePlanDiffExample.BEFORE, ROWS, PARTITIONS);

    // when the new version runs with the setting pinned for this job
    Version pinned =
        UpgradePlanDiffExample.runWith(
            spark, UpgradePlanDiffExample.afterPinned(), ROWS, PARTITIONS);

    // then the operators are the same and so is the number of tasks
    PlanDiff diff = UpgradePlanDiffExample.diff(before, pinned);
    assertThat(diff.isEmpty()).as(diff.describe()).isTrue();
    assertThat(diff.changedOperators()).isEmpty();
    assertThat(pinned.metrics().tasks()).isEqualTo(before.metrics().tasks());
  }

  @Test
  void theSameQueryTwiceIsNoDifferenceAndAChangedJoinIsNamed() {
    // given two runs of one plan, and a join planned two ways
    var one = dev.advancedspark.common.plan.Plans.finalPlan(spark.range(10).groupBy("id").count());
    var two = dev.advancedspark.common.plan.Plans.finalPlan(spark.range(10).groupBy("id").count());
    var left = spark.range(1_000).toDF("k");
    var right = spark.range(1_000).toDF("k");
    var broadcast =
        dev.advancedspark.common.plan.Plans.plannedPlan(
            left.join(org.apache.spark.sql.functions.broadcast(right), "k"));
    var merge =
        dev.advancedspark.common.plan.Plans.plannedPlan(left.hint("merge").join(right, "k"));

    // then
    assertThat(PlanDiff.between(one, two).isEmpty()).isTrue();
    PlanDiff join = PlanDiff.between(broadcast, merge);
    assertThat(join.removed()).containsKey("BroadcastHashJoin");
    assertThat(join.added()).containsKey("SortMergeJoin");
    assertThat(join.changedOperators()).contains("BroadcastHashJoin", "SortMergeJoin");
  }

  @Test
  void theLineDiffKeepsCommonLinesAndMarksTheRest() {
    assertThat(PlanDiff.lineDiff(List.of("a", "b", "c"), List.of("a", "x", "c")))
        .containsExactly("  a", "- b", "+ x", "  c");
  }
}
