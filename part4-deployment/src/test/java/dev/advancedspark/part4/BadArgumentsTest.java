package dev.advancedspark.part4;

import static org.assertj.core.api.Assertions.assertThat;

import dev.advancedspark.common.testkit.BadArguments;
import org.junit.jupiter.api.Test;

/**
 * Every example and tool of this module, run through the launcher with a wrong flag and a
 * non-positive count, exits with status 2 and one error line before Spark (or a server, or a
 * cluster) starts; its defaults are accepted.
 */
class BadArgumentsTest {

  @Test
  void everyExampleAnswersBadArgumentsWithAUsageErrorBeforeAnythingStarts() {
    assertThat(BadArguments.examplesOf("part4-deployment"))
        .extracting(e -> e.simpleName())
        .containsExactlyInAnyOrder(
            "DailyRevenueJob",
            "AppJarRules",
            "SparkConfLint",
            "ClusterCost",
            "SparkConnectExample");
    assertThat(BadArguments.checkEveryExampleOf("part4-deployment")).isGreaterThan(5);
  }
}
