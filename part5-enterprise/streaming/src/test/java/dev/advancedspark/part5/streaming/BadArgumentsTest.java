package dev.advancedspark.part5.streaming;

import static org.assertj.core.api.Assertions.assertThat;

import dev.advancedspark.common.testkit.BadArguments;
import org.junit.jupiter.api.Test;

/**
 * Every streaming example, run through the launcher with a wrong flag, a non-positive count and a
 * missing input path, exits with status 2 and one error line before Spark or a Kafka broker starts.
 */
class BadArgumentsTest {

  @Test
  void everyExampleAnswersBadArgumentsWithAUsageErrorBeforeAnythingStarts() {
    assertThat(BadArguments.checkEveryExampleOf("part5-enterprise/streaming")).isGreaterThan(10);
  }
}
