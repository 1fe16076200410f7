package dev.advancedspark.part3.sizing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.advancedspark.common.Examples;
import dev.advancedspark.part3.sizing.ExecutorSizing.Choices;
import dev.advancedspark.part3.sizing.ExecutorSizing.Node;
import dev.advancedspark.part3.sizing.ExecutorSizing.Plan;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ExecutorSizingTest {

  @Test
  void sixNodesOf16CoresAnd64GibGiveThreeExecutorsOfFiveCoresPerNode() {
    // when: the classic worked example, 1 core and 1 GiB per node left to the OS
    Plan plan = ExecutorSizing.plan(new Node(16, 64), 6, Choices.defaults());

    // then: 15 cores / 5 = 3 executors; 63 GiB / 3 = 21 GiB = 21504 MiB per container;
    // heap = 21504 / 1.1 = 19549 MiB, overhead = 10 % of it = 1954 MiB
    assertThat(plan.executorsPerNode()).isEqualTo(3);
    assertThat(plan.containerMiB()).isEqualTo(21_504);
    assertThat(plan.heapMiB()).isEqualTo(19_549);
    assertThat(plan.overheadMiB()).isEqualTo(1_954);
    assertThat(plan.heapMiB() + plan.overheadMiB()).isLessThanOrEqualTo(plan.containerMiB());
    assertThat(plan.totalExecutors()).isEqualTo(18);
    assertThat(plan.totalCores()).isEqualTo(90);
    assertThat(plan.idleCoresPerNode()).isZero();
    assertThat(plan.confLines())
        .containsExactly(
            "--conf spark.executor.instances=18",
            "--conf spark.executor.cores=5",
            "--conf spark.executor.memory=19549m",
            "--conf spark.executor.memoryOverhead=1954m");
  }

  @Test
  void smallContainersPayTheMinimumOverheadOf384Mib() {
    // when: 7 one-core executors on an 8-core, 8 GiB node
    Plan plan = ExecutorSizing.plan(new Node(8, 8), 1, Choices.defaults().withCoresPerExecutor(1));

    // then: 7 GiB / 7 = 1024 MiB per container; 10 % would be 93 MiB, so 384 MiB it is
    assertThat(plan.executorsPerNode()).isEqualTo(7);
    assertThat(plan.containerMiB()).isEqualTo(1_024);
    assertThat(plan.overheadMiB()).isEqualTo(384);
    assertThat(plan.heapMiB()).isEqualTo(640);
  }

  @Test
  void coresThatDoNotMakeAWholeExecutorStayIdle() {
    // when: 11 usable cores, 4 per executor
    Plan plan =
        ExecutorSizing.plan(new Node(12, 48), 1, Choices.defaults().withCoresPerExecutor(4));

    // then
    assertThat(plan.executorsPerNode()).isEqualTo(2);
    assertThat(plan.idleCoresPerNode()).isEqualTo(3);
  }

  @Test
  void theOverheadFollowsSparksFormula() {
    Choices c = Choices.defaults();
    assertThat(ExecutorSizing.overheadMiB(1_024, c)).isEqualTo(384);
    assertThat(ExecutorSizing.overheadMiB(8_192, c)).isEqualTo(819);
  }

  @Test
  void moreCoresPerExecutorThanTheNodeHasIsRefusedWithTheLimit() {
    assertThatThrownBy(
            () ->
                ExecutorSizing.plan(
                    new Node(16, 64), 1, Choices.defaults().withCoresPerExecutor(20)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("has 15 cores for executors")
        .hasMessageContaining("use 15 or fewer cores per executor");
  }

  @Test
  void aHeapBelowSparksMinimumIsRefusedWithTheFix() {
    // 15 one-core executors share 3 GiB: 204 MiB containers
    assertThatThrownBy(
            () ->
                ExecutorSizing.plan(new Node(16, 4), 1, Choices.defaults().withCoresPerExecutor(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("204 MiB container")
        .hasMessageContaining("at least 450 MiB")
        .hasMessageContaining("more cores per executor");
  }

  @Test
  void impossibleNodesAndChoicesAreRefused() {
    assertThatThrownBy(() -> ExecutorSizing.plan(new Node(0, 64), 1, Choices.defaults()))
        .hasMessageContaining("at least 1 core");
    assertThatThrownBy(() -> ExecutorSizing.plan(new Node(16, 64), 0, Choices.defaults()))
        .hasMessageContaining("at least 1 node");
    assertThatThrownBy(
            () -> ExecutorSizing.plan(new Node(16, 64), 1, new Choices(5, 16, 1, 0.1, 384)))
        .hasMessageContaining("reserved cores must be >= 0 and below the node's 16");
    assertThatThrownBy(
            () -> ExecutorSizing.plan(new Node(16, 64), 1, new Choices(5, 1, 1, 1.5, 384)))
        .hasMessageContaining("overhead factor must be in [0, 1)");
  }

  @Test
  void printsThePlanAndTheConfLines() {
    // when
    Output o = run("--node-cores", "16", "--node-memory-gib", "64", "--nodes", "6");

    // then
    assertThat(o.status).isZero();
    assertThat(o.out)
        .contains("executors per node: 3 of 5 cores (0 cores idle)")
        .contains("container per executor: 21504 MiB = heap 19549 MiB + overhead 1954 MiB")
        .contains("6 nodes: 18 executors, 90 cores")
        .contains("--conf spark.executor.memory=19549m");
  }

  @Test
  void aBadArgumentPrintsTheMessageAndTheUsageWithStatus2() {
    // when
    Output notANumber = run("--node-cores", "many");
    Output impossible = run("--node-cores", "4", "--cores-per-executor", "8");

    // then
    assertThat(notANumber.status).isEqualTo(2);
    assertThat(notANumber.err)
        .contains("error: Option '--node-cores' must be a whole number")
        .contains("Usage: bin/run-example ExecutorSizing");
    assertThat(impossible.status).isEqualTo(2);
    assertThat(impossible.err)
        .contains("error: a node with 4 cores, 1 reserved, has 3 cores for executors")
        .contains("Usage: bin/run-example ExecutorSizing");
  }

  private record Output(int status, String out, String err) {}

  /** Runs the real main with its exit captured (no Spark is started). */
  private static Output run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream stdout = System.out;
    PrintStream stderr = System.err;
    int status;
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      status = Examples.exitStatusOf(() -> ExecutorSizing.main(args), false);
    } finally {
      System.setOut(stdout);
      System.setErr(stderr);
    }
    return new Output(
        status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }
}
