package dev.advancedspark.part3.memory;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The example's small-memory default; the spill itself is checked by {@link SpillExampleIT}. */
class SpillExampleTest {

  @Test
  void theExampleShrinksTheMemoryPoolByDefault() {
    // when
    String[] args = SpillExample.withSmallMemoryUnlessSet(new String[] {"--rows", "1M"});

    // then
    assertThat(args).containsExactly("--rows", "1M", "--conf", "spark.memory.fraction=0.005");
  }

  @Test
  void aFractionGivenByTheReaderWins() {
    // given
    String[] given = {"--conf", "spark.memory.fraction=0.6"};

    // when
    String[] args = SpillExample.withSmallMemoryUnlessSet(given);

    // then
    assertThat(args).containsExactly("--conf", "spark.memory.fraction=0.6");
  }
}
