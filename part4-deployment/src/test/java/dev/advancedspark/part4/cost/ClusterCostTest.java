package dev.advancedspark.part4.cost;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.advancedspark.common.memory.SparkMemoryRules;
import dev.advancedspark.part4.cost.ClusterCost.Plan;
import dev.advancedspark.part4.cost.ClusterCost.Workload;
import dev.advancedspark.part4.lint.NodeTypes;
import dev.advancedspark.part4.lint.NodeTypes.NodeType;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ClusterCostTest {

  static final NodeType M5_2XLARGE =
      NodeTypes.builtIn().all().stream()
          .filter(t -> t.name().equals("m5.2xlarge"))
          .findFirst()
          .orElseThrow();

  static Workload workload(double deadlineHours, double interruptionRate, double rework) {
    return new Workload(64, deadlineHours, 4, 0, 0.384, 0.15, interruptionRate, rework);
  }

  @Test
  void sizesExecutorsWithSparksOverheadRuleAndPricesTheRun() {
    Plan p = ClusterCost.plan(M5_2XLARGE, workload(1, 0.05, 0.25));
    // 8 vCPUs / 4 cores: 2 executors; 29022 MiB allocatable / 2 = 14511 MiB per container.
    assertThat(p.executorsPerNode()).isEqualTo(2);
    assertThat(p.containerMiB()).isEqualTo(14511);
    // The largest heap whose heap + max(10 %, 384 MiB) fits, and not one MiB more.
    assertThat(p.heapMiB() + p.overheadMiB()).isLessThanOrEqualTo(14511);
    assertThat(p.heapMiB() + 1 + SparkMemoryRules.overheadMiB(p.heapMiB() + 1))
        .isGreaterThan(14511);
    assertThat(p.overheadMiB()).isEqualTo(SparkMemoryRules.overheadMiB(p.heapMiB()));
    // 64 task-hours on 8 slots per node within 1 hour: 8 nodes for 1 hour.
    assertThat(p.nodes()).isEqualTo(8);
    assertThat(p.runHours()).isCloseTo(1.0, within(1e-9));
    assertThat(p.onDemandCost()).isCloseTo(8 * 0.384, within(1e-9));
    assertThat(p.spotCost()).isCloseTo(8 * (1 + 0.05 * 0.25) * 0.15, within(1e-9));
    assertThat(p.breakEvenInterruptionRate()).isCloseTo((0.384 / 0.15 - 1) / 0.25, within(1e-9));
  }

  @Test
  void aTighterDeadlineBuysMoreNodesNotMoreNodeHours() {
    Plan hour = ClusterCost.plan(M5_2XLARGE, workload(1, 0.05, 0.25));
    Plan halfHour = ClusterCost.plan(M5_2XLARGE, workload(0.5, 0.05, 0.25));
    assertThat(halfHour.nodes()).isEqualTo(2 * hour.nodes());
    assertThat(halfHour.onDemandCost()).isCloseTo(hour.onDemandCost(), within(1e-9));
  }

  @Test
  void spotStopsPayingWhenInterruptionsCostMoreRedoneWorkThanTheDiscount() {
    // Without decommissioning a reclaimed node's shuffle output is recomputed: more rework.
    Plan p = ClusterCost.plan(M5_2XLARGE, workload(1, 0.5, 4));
    assertThat(p.breakEvenInterruptionRate()).isLessThan(0.5);
    assertThat(p.spotCost()).isGreaterThan(p.onDemandCost());
  }

  @Test
  void refusesExecutorsThatDoNotFitTheNodeNamingTheNumbers() {
    assertThatThrownBy(
            () -> ClusterCost.plan(M5_2XLARGE, new Workload(64, 1, 16, 0, 0.384, 0.15, 0.05, 0.25)))
        .hasMessage(
            "a m5.2xlarge has 8 vCPUs, 8 left after 0 reserved: fewer than the 16 cores per"
                + " executor");
    NodeType tiny = new NodeType("tiny", "test", 8, 4.0, 3000);
    assertThatThrownBy(
            () -> ClusterCost.plan(tiny, new Workload(64, 1, 1, 0, 0.384, 0.15, 0.05, 0.25)))
        .hasMessageContaining("below Spark's minimum of 450.0 MiB");
  }

  @Test
  void theToolPrintsThePlanAndRefusesAnUnknownNodeType() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
    PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);
    assertThat(ClusterCost.run(new String[0], o, e)).isEqualTo(0);
    assertThat(out.toString(StandardCharsets.UTF_8))
        .contains("executors per node: 2 x 4 cores")
        .contains("64.0 task-hours within 1.00 h: 8 nodes, 1.00 h")
        .contains("cost per run: on demand 3.07, spot 1.21")
        .contains("--conf spark.executor.instances=16")
        .contains("serverless (EMR Serverless 4x16 GB workers): 16 workers, 1.00 h, cost per run");
    assertThat(ClusterCost.run(new String[] {"--node-type", "m9.huge"}, o, e)).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("unknown node type 'm9.huge'");
    assertThat(ClusterCost.run(new String[] {"--serverless-worker", "4x32"}, o, e)).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("EMR Serverless 4-vCPU workers take 8 to 30 GB in steps of 1 GB, not 32 GB");
  }
}
