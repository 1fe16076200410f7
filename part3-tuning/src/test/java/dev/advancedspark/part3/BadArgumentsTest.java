package dev.advancedspark.part3;

import static org.assertj.core.api.Assertions.assertThat;

import dev.advancedspark.common.testkit.BadArguments;
import org.junit.jupiter.api.Test;

/**
 * Every example of this module, run through the launcher with a wrong flag, a non-positive count
 * and a missing input path, exits with status 2 and one error line before Spark starts.
 */
class BadArgumentsTest {

  @Test
  void everyExampleAnswersBadArgumentsWithAUsageErrorBeforeSparkStarts() {
    assertThat(BadArguments.checkEveryExampleOf("part3-tuning")).isGreaterThan(10);
  }
}
