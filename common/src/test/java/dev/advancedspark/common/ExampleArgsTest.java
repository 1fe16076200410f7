package dev.advancedspark.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ExampleArgsTest {

  private final ExampleArgs spec =
      ExampleArgs.forExample("DemoExample")
          .option("rows", "1000", "rows to generate")
          .option("skew", "uniform", "key skew");

  @Test
  void usesDefaultsAndReadsOptionsMasterAndConf() {
    ExampleArgs.Parsed p =
        spec.parse(
            "--rows",
            "10M",
            "--master",
            "local[2]",
            "--conf",
            "spark.sql.shuffle.partitions=3",
            "--event-log");

    assertThat(p.getLong("rows")).isEqualTo(10_000_000L);
    assertThat(p.get("skew")).isEqualTo("uniform");
    assertThat(p.master()).isEqualTo("local[2]");
    assertThat(p.conf()).isEqualTo(Map.of("spark.sql.shuffle.partitions", "3"));
    assertThat(p.eventLog()).isTrue();
    assertThat(spec.parse("--rows=5k").getLong("rows")).isEqualTo(5_000L);
  }

  @Test
  void unknownOptionNamesItAndCarriesTheUsage() {
    assertThatThrownBy(() -> spec.parse("--rowz", "5"))
        .isInstanceOf(UsageException.class)
        .hasMessage("Unknown option '--rowz'.")
        .satisfies(
            e ->
                assertThat(((UsageException) e).usage())
                    .contains("--rows", "rows to generate", "(default: 1000)"));
  }

  @Test
  void aToolWithoutASessionNeitherListsNorAcceptsSparkOptions() {
    // given an example that starts no Spark session
    ExampleArgs tool = ExampleArgs.forTool("Calculator").option("cores", "16", "cores per node");

    // then its usage shows only its own options, and a Spark option is refused, not ignored
    assertThat(tool.usage())
        .contains("--cores")
        .doesNotContain("--master", "--conf", "--event-log");
    assertThat(tool.parse("--cores", "8").getInt("cores")).isEqualTo(8);
    assertThatThrownBy(() -> tool.parse("--conf", "spark.executor.cores=4"))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("Unknown option '--conf'");
  }

  @Test
  void countsThatMustBePositiveRefuseZeroAndNegativeValues() {
    ExampleArgs counts = ExampleArgs.forExample("Demo").option("partitions", "2", "partitions");

    assertThat(counts.parse().getPositiveInt("partitions")).isEqualTo(2);
    assertThatThrownBy(() -> counts.parse("--partitions", "0").getPositiveInt("partitions"))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("'--partitions' must be at least 1, got 0");
    assertThatThrownBy(() -> counts.parse("--partitions", "-5").getPositiveLong("partitions"))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("got -5");
  }

  @Test
  void sizesAreBinaryLikeSparksButCountsAreDecimal() {
    ExampleArgs sizes = ExampleArgs.forExample("Demo").option("memory", "8g", "executor memory");

    // a size: 1m = 1 MiB, as spark.* sizes are read; a count: 1m = one million
    assertThat(sizes.parse("--memory", "1m").getBytes("memory")).isEqualTo(1_048_576L);
    assertThat(sizes.parse().getBytes("memory")).isEqualTo(8L << 30);
    assertThat(sizes.parse("--memory", "1m").getLong("memory")).isEqualTo(1_000_000L);
    assertThatThrownBy(() -> sizes.parse("--memory", "lots").getBytes("memory"))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("'--memory' must be a size")
        .hasMessageContaining("'lots'");
  }

  @Test
  void malformedValuesGetAClearMessage() {
    assertThatThrownBy(() -> spec.parse("--rows", "lots").getLong("rows"))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("'--rows' must be a whole number")
        .hasMessageContaining("'lots'");
    assertThatThrownBy(() -> spec.parse("--rows"))
        .isInstanceOf(UsageException.class)
        .hasMessage("Option '--rows' needs a value.");
    assertThatThrownBy(() -> spec.parse("--conf", "novalue"))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("not of the form KEY=VALUE");
    assertThatThrownBy(() -> spec.parse("stray"))
        .isInstanceOf(UsageException.class)
        .hasMessage("Unexpected argument 'stray'.");
  }

  @Test
  void badArgumentsExitWithStatusTwoBeforeAnySessionStarts() {
    int status =
        Examples.runAndReport(
            new String[] {"--rows", "x"},
            spec,
            "DemoExample",
            (spark, opts) -> opts.getLong("rows"));

    assertThat(status).isEqualTo(2);
  }

  @Test
  void theUiIsOffUnlessAskedForAndUiWaitTakesWholeSecondsFromZero() {
    assertThat(spec.parse().ui()).isFalse();
    assertThat(spec.parse("--ui").ui()).isTrue();
    assertThat(spec.parse("--ui").uiWaitSeconds()).isEqualTo(ExampleArgs.UI_WAIT_FOR_ENTER);
    // --ui-wait implies --ui
    assertThat(spec.parse("--ui-wait", "0").ui()).isTrue();
    assertThat(spec.parse("--ui-wait=30").uiWaitSeconds()).isEqualTo(30);
    assertThat(spec.parse("--ui").sessionSettings("DemoExample").ui()).isTrue();
    assertThat(spec.usage()).contains("[--ui] [--ui-wait SECONDS]", "--ui-wait SECONDS");
    assertThat(ExampleArgs.forTool("Calculator").usage()).doesNotContain("--ui");

    for (String bad : new String[] {"-1", "ten", "1.5", ""}) {
      assertThatThrownBy(() -> spec.parse("--ui-wait=" + bad))
          .isInstanceOf(UsageException.class)
          .hasMessage(
              "Option '--ui-wait' must be a whole number of seconds, 0 or more, got '"
                  + bad
                  + "'.");
    }
    assertThatThrownBy(() -> spec.parse("--ui-wait"))
        .isInstanceOf(UsageException.class)
        .hasMessage("Option '--ui-wait' needs a value.");
  }

  @Test
  void aBadUiWaitExitsWithStatusTwoAndTheUsageBeforeAnySessionStarts() {
    PrintStream original = System.err;
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    int status;
    try {
      status =
          Examples.runAndReport(
              new String[] {"--ui-wait", "-5"}, spec, (spark, opts) -> opts.getLong("rows"));
    } finally {
      System.setErr(original);
    }

    assertThat(status).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .startsWith("error: Option '--ui-wait' must be a whole number of seconds")
        .contains("Usage: bin/run-example DemoExample");
  }

  @Test
  void theExampleNameIsSaidOnceAndServesAsAppName() {
    // when an example is run without repeating its name
    int status =
        Examples.runAndReport(
            new String[] {"--rows", "x"}, spec, (spark, opts) -> opts.getLong("rows"));

    // then the usage error is reported before any session, and the name comes from the spec
    assertThat(status).isEqualTo(2);
    assertThat(spec.exampleName()).isEqualTo("DemoExample");
    assertThat(spec.usage()).startsWith("Usage: bin/run-example DemoExample");
  }

  private final ExampleArgs typed =
      ExampleArgs.forExample("TypedExample")
          .count("rows", "1000", "rows")
          .count("cores", "0", "cores (0: the default)", 0)
          .size("split", "4m", "split size")
          .choice("mode", "permissive", "mode", "permissive", "failfast")
          .fraction("hot", "0.5", "hot share")
          .inputPath("input", "generated", "input file");

  @Test
  void sizesAreSparkByteStringsInBinaryUnits() {
    assertThat(typed.parse().getBytes("split")).isEqualTo(4L << 20);
    assertThat(typed.parse("--split", "1m").getBytes("split")).isEqualTo(1_048_576L);
    assertThat(typed.parse("--split", "100k").getBytes("split")).isEqualTo(102_400L);
    assertThat(typed.parse("--split", "512").getBytes("split")).isEqualTo(512L);
    assertThatThrownBy(() -> typed.parse("--split", "1.5g"))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("binary units: 1m = 1 MiB");
  }

  @Test
  void typedOptionsAreCheckedWhenParsedWithTheAllowedValuesListed() {
    assertThatThrownBy(() -> typed.parse("--rows", "0"))
        .hasMessage("Option '--rows' must be at least 1, got 0.");
    assertThatThrownBy(() -> typed.parse("--cores", "-3"))
        .hasMessage("Option '--cores' must be at least 0, got -3.");
    assertThat(typed.parse("--cores", "0").getInt("cores")).isZero();
    assertThatThrownBy(() -> typed.parse("--mode", "strict"))
        .hasMessage("Option '--mode' must be one of permissive, failfast, got 'strict'.");
    assertThat(typed.parse("--mode", "FAILFAST").get("mode")).isEqualTo("failfast");
    assertThatThrownBy(() -> typed.parse("--hot", "2"))
        .hasMessage("Option '--hot' must be a share between 0 and 1, got 2.");
    assertThat(typed.usage()).contains("[permissive|failfast]");
  }

  @Test
  void aMissingInputPathIsNamedAndTheDefaultIsNotChecked() {
    assertThat(typed.parse().get("input")).isEqualTo("generated");
    assertThatThrownBy(() -> typed.parse("--input", "target/nope.csv"))
        .isInstanceOf(UsageException.class)
        .hasMessageStartingWith("Input not found: ")
        .hasMessageContaining("nope.csv");
  }
}
