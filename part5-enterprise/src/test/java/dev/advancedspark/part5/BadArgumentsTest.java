package dev.advancedspark.part5;

import static org.assertj.core.api.Assertions.assertThat;

import dev.advancedspark.common.testkit.BadArguments;
import org.junit.jupiter.api.Test;

/**
 * Every example of this module, run through the launcher with a wrong flag, a non-positive count
 * and a missing input path, exits with status 2 and one error line before Spark, a cluster or
 * PostgreSQL starts (the streaming examples: part5-enterprise/streaming).
 */
class BadArgumentsTest {

  @Test
  void everyExampleAnswersBadArgumentsWithAUsageErrorBeforeAnythingStarts() {
    assertThat(BadArguments.checkEveryExampleOf("part5-enterprise")).isGreaterThan(20);
  }
}
