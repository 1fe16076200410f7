package dev.advancedspark.common;

import static org.assertj.core.api.Assertions.assertThat;

import dev.advancedspark.common.testkit.BadArguments;
import org.junit.jupiter.api.Test;

class BadArgumentsTest {

  @Test
  void everyExampleAnswersBadArgumentsWithAUsageErrorBeforeSparkStarts() {
    assertThat(BadArguments.checkEveryExampleOf("common")).isGreaterThan(2);
  }

  @Test
  void aBadCountIsCaughtAtParseTimeWithTheValueAndTheUsage() {
    BadArguments.Outcome o = BadArguments.run("EnvironmentCheckExample", "--rows", "0");

    assertThat(o.status()).isEqualTo(2);
    assertThat(o.err())
        .startsWith("error: Option '--rows' must be at least 1, got 0.")
        .contains("Usage: bin/run-example EnvironmentCheckExample");
  }
}
