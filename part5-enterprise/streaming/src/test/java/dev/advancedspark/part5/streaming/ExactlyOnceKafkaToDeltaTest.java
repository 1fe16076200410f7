package dev.advancedspark.part5.streaming;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.advancedspark.common.UsageException;
import dev.advancedspark.part5.streaming.ExactlyOnceKafkaToDelta.Mode;
import org.junit.jupiter.api.Test;

/** The example's arguments: bad values are usage errors (exit 2), not stack traces. */
class ExactlyOnceKafkaToDeltaTest {

  @Test
  void modeAndTriggerAreCheckedWithAReadableMessage() {
    assertThat(ExactlyOnceKafkaToDelta.parseMode("naive")).isEqualTo(Mode.NAIVE);
    assertThatThrownBy(() -> ExactlyOnceKafkaToDelta.parseMode("sometimes"))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("'--mode' must be idempotent or naive, got 'sometimes'");
    assertThatThrownBy(() -> ExactlyOnceKafkaToDelta.parseTrigger("often"))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("'--trigger' must be available-now or processing-time");
  }

  @Test
  void aMalformedNumberIsAUsageError() {
    assertThatThrownBy(
            () ->
                ExactlyOnceKafkaToDelta.ARGS
                    .parse("--max-offsets", "lots")
                    .getPositiveLong("max-offsets"))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("--max-offsets");
  }
}
