package dev.advancedspark.benchmarks.baselines;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The fingerprint comparison on its own: what it forgives (summation order) and what it does not.
 */
class AnswerTest {

  static Answer q10Like(long keySum, double keySquares, double valueSum) {
    return new Answer(
        10_000_000,
        new long[] {keySum},
        new double[] {keySquares},
        new double[] {valueSum},
        new double[] {2.253370705263813E14},
        new long[] {0});
  }

  @Test
  void sumsOfSquaresAddedInAnotherOrderAgreeWithinTheTolerance() {
    // ten million keys of up to 1e6, squared and summed as doubles in another order: a relative
    // difference of a few 1e-12 (q10 failed the old 1e-12 check for Comet and the Java hash map)
    Answer reference = q10Like(500009634903L, 3.3338670052718755E18, 5.0012831131045866E8);
    Answer engine = q10Like(500009634903L, 3.33386700528E18, 5.001283113104492E8);
    assertThat(engine.firstDifference(reference, Answer.TOLERANCE)).isNull();
  }

  @Test
  void aDifferentKeySumOrSquareSumIsStillADifference() {
    Answer reference = q10Like(500009634903L, 3.3338670052718755E18, 5.0012831131045866E8);
    assertThat(
            q10Like(500009634904L, 3.3338670052718755E18, 5.0012831131045866E8)
                .firstDifference(reference, Answer.TOLERANCE))
        .isEqualTo("key column 1 sums 500009634904 vs 500009634903");
    assertThat(
            q10Like(500009634903L, 3.3338671E18, 5.0012831131045866E8)
                .firstDifference(reference, Answer.TOLERANCE))
        .startsWith("key column 1 sum of squares");
  }
}
