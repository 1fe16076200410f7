package dev.advancedspark.common;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * A tool whose body ends with {@code Examples.exit(status)} keeps that status when it runs under
 * the launcher (which captures exits), instead of being reported as a failure with status 1.
 */
class ExamplesToolExitTest {

  private static final ExampleArgs ARGS = ExampleArgs.forTool("ExitingTool");

  private static void main(int status) {
    Examples.runTool(new String[0], ARGS, opts -> Examples.exit(status));
  }

  @Test
  void anExitStatusFromTheBodyIsTheToolsStatus() {
    assertThat(Examples.exitStatusOf(() -> main(2), false)).isEqualTo(2);
    assertThat(Examples.exitStatusOf(() -> main(1), false)).isEqualTo(1);
  }

  @Test
  void parseOnlyStopsBeforeTheBody() {
    assertThat(Examples.exitStatusOf(() -> main(2), true)).isZero();
  }
}
