package dev.advancedspark.part3.monitoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.advancedspark.common.metrics.RunMetrics;
import dev.advancedspark.part3.monitoring.BottleneckReport.Finding;
import dev.advancedspark.part3.monitoring.BottleneckReport.Kind;
import dev.advancedspark.part3.monitoring.BottleneckReport.Thresholds;
import dev.advancedspark.part3.monitoring.StageTaskTimes.StageTasks;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every rule on constructed metrics: fires above its threshold, stays quiet below it. */
class BottleneckReportTest {

  private static final long MIB = 1L << 20;

  /**
   * A healthy run: 100 tasks, 1 GiB read, 100 MiB shuffled, 100 s of task time with 2 s of GC,
   * tasks between 1.0 and 1.5 s.
   */
  private static RunMetrics healthy() {
    return new Metrics().build();
  }

  /** A mutable copy of {@link #healthy()} for one test to change. */
  private static final class Metrics {
    int tasks = 100;
    int failedTasks = 0;
    long inputBytes = 1024 * MIB;
    long shuffleWriteBytes = 100 * MIB;
    long memorySpill = 0;
    long diskSpill = 0;
    long gcMillis = 2_000;
    long runMillis = 100_000;
    long maxTaskMillis = 1_500;
    long medianTaskMillis = 1_000;
    int executorsRemoved = 0;

    RunMetrics build() {
      return new RunMetrics(
          1,
          2,
          tasks,
          failedTasks,
          inputBytes,
          10_000_000,
          0,
          shuffleWriteBytes,
          1_000_000,
          shuffleWriteBytes,
          1_000_000,
          memorySpill,
          diskSpill,
          gcMillis,
          runMillis,
          maxTaskMillis,
          medianTaskMillis,
          executorsRemoved);
    }
  }

  private static List<Kind> kinds(List<Finding> findings) {
    return findings.stream().map(Finding::kind).toList();
  }

  @Test
  void aHealthyRunHasNoFindings() {
    assertThat(BottleneckReport.analyze(healthy())).isEmpty();
  }

  @Test
  void namesTaskSkewWithTheLongestAndMedianTask() {
    // given
    Metrics m = new Metrics();
    m.maxTaskMillis = 60_000;

    // when
    List<Finding> findings = BottleneckReport.analyze(m.build());

    // then
    assertThat(kinds(findings)).containsExactly(Kind.TASK_SKEW);
    assertThat(findings.get(0).evidence())
        .contains("60,000 ms")
        .contains("1,000 ms")
        .contains("60.0x");
  }

  @Test
  void ignoresSkewBetweenShortTasks() {
    // given: 8x, but only 35 ms apart
    Metrics m = new Metrics();
    m.maxTaskMillis = 40;
    m.medianTaskMillis = 5;

    // then
    assertThat(BottleneckReport.analyze(m.build())).isEmpty();
  }

  @Test
  void judgesSkewPerStageWhenStageTimesAreGiven() {
    // given: the whole run looks even, but stage 3 has one long task among short ones
    List<StageTasks> stages =
        List.of(
            new StageTasks(2, "map", new long[] {1_000, 1_100, 1_050, 1_020}),
            new StageTasks(3, "reduce", new long[] {200, 180, 9_000, 210}));

    // when
    List<Finding> findings = BottleneckReport.analyze(healthy(), stages, Thresholds.defaults());

    // then
    assertThat(kinds(findings)).containsExactly(Kind.TASK_SKEW);
    assertThat(findings.get(0).evidence()).startsWith("stage 3 (4 tasks)").contains("9,000 ms");
  }

  @Test
  void namesSpillWithTheBytesSpilled() {
    // given
    Metrics m = new Metrics();
    m.memorySpill = 2048 * MIB;
    m.diskSpill = 300 * MIB;

    // when
    List<Finding> findings = BottleneckReport.analyze(m.build());

    // then
    assertThat(kinds(findings)).containsExactly(Kind.SPILL);
    assertThat(findings.get(0).evidence()).contains("2.0 GiB").contains("300.0 MiB");
  }

  @Test
  void namesGcPressureAboveTenPercentOfTaskTime() {
    // given
    Metrics m = new Metrics();
    m.gcMillis = 25_000;

    // when
    List<Finding> findings = BottleneckReport.analyze(m.build());

    // then
    assertThat(kinds(findings)).containsExactly(Kind.GC_PRESSURE);
    assertThat(findings.get(0).evidence()).contains("25%").contains("25,000 of 100,000 ms");
  }

  @Test
  void ignoresAHighGcShareOfAShortRun() {
    // given: 50 % of 400 ms
    Metrics m = new Metrics();
    m.gcMillis = 200;
    m.runMillis = 400;

    // then
    assertThat(BottleneckReport.analyze(m.build())).isEmpty();
  }

  @Test
  void namesAShuffleLargerThanTheInput() {
    // given
    Metrics m = new Metrics();
    m.shuffleWriteBytes = 3 * 1024 * MIB;

    // when
    List<Finding> findings = BottleneckReport.analyze(m.build());

    // then
    assertThat(kinds(findings)).containsExactly(Kind.SHUFFLE_HEAVY);
    assertThat(findings.get(0).evidence()).isEqualTo("shuffle wrote 3.0 GiB for 1.0 GiB of input");
  }

  @Test
  void ignoresASmallShuffleOfGeneratedData() {
    // given: no file input at all, 10 MiB shuffled (below the 64 MiB floor)
    Metrics m = new Metrics();
    m.inputBytes = 0;
    m.shuffleWriteBytes = 10 * MIB;

    // then
    assertThat(BottleneckReport.analyze(m.build())).isEmpty();
  }

  @Test
  void namesFailedTasksAndLostExecutors() {
    // given
    Metrics m = new Metrics();
    m.failedTasks = 3;
    m.executorsRemoved = 1;

    // when
    List<Finding> findings = BottleneckReport.analyze(m.build());

    // then
    assertThat(kinds(findings)).containsExactly(Kind.FAILED_TASKS);
    assertThat(findings.get(0).evidence())
        .isEqualTo("3 of 100 tasks failed and were retried, 1 executors lost");
  }

  @Test
  void reportsEveryBottleneckOfARunThatHasSeveral() {
    // given
    Metrics m = new Metrics();
    m.diskSpill = 10 * MIB;
    m.failedTasks = 1;

    // then
    assertThat(kinds(BottleneckReport.analyze(m.build())))
        .containsExactly(Kind.SPILL, Kind.FAILED_TASKS);
  }

  @Test
  void rejectsThresholdsThatCannotFire() {
    assertThatThrownBy(() -> new Thresholds(0.5, 0, 0.1, 0, 1, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxSkew must be >= 1");
  }
}
