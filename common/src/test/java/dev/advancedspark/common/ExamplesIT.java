package dev.advancedspark.common;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.apache.spark.SparkException;
import org.junit.jupiter.api.Test;

/**
 * Runs {@link Examples#runAndReport} end to end, which starts and stops its own session: an IT so
 * it never stops the unit tests' shared session.
 */
class ExamplesIT {

  @Test
  void aCheckedSparkExceptionThrownFromScalaCodeIsAOneLineMessageNotAStackTrace() {
    ExampleArgs spec = ExampleArgs.forExample("DemoExample");
    PrintStream original = System.err;
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    int status;
    try {
      status =
          Examples.runAndReport(
              new String[] {"--master", "local[1]"},
              spec,
              "DemoExample",
              (spark, opts) -> sneakyThrow(new SparkException("[FAILED_READ_FILE] bad.csv")));
    } finally {
      System.setErr(original);
    }

    String printed = err.toString(StandardCharsets.UTF_8);
    assertThat(status).isEqualTo(1);
    assertThat(printed)
        .contains("DemoExample failed: [FAILED_READ_FILE] bad.csv")
        .doesNotContain("\tat ");
  }

  /** What Scala code does: a checked exception that javac cannot see. */
  @SuppressWarnings("unchecked")
  private static <E extends Throwable> void sneakyThrow(Throwable e) throws E {
    throw (E) e;
  }
}
