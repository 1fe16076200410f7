package dev.advancedspark.part1.driver;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Runs the example in its own JVM: {@code spark.driver.maxResultSize} can only be set when a
 * SparkContext starts, and the test JVM already has one.
 */
class CollectSafelyExampleIT {

  @Test
  void collectAboveMaxResultSizeEndsWithAClearMessageNotAStackTrace() throws Exception {
    // given: 200k rows in 20 partitions: each ~130 KiB (streams fine), all ~2.6 MiB (> 1 MiB)
    Path work = Files.createDirectories(Path.of("target", "it-collect-safely"));
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
    cmd.addAll(
        List.of(
            "-cp",
            System.getProperty("java.class.path"),
            CollectSafelyExample.class.getName(),
            "--rows",
            "200k",
            "--partitions",
            "20",
            "--collect",
            "raw",
            "--conf",
            "spark.driver.maxResultSize=1m",
            "--conf",
            "spark.ui.enabled=false"));
    Path out = work.resolve("stdout.txt");
    Path err = work.resolve("stderr.txt");

    // when
    Process p =
        new ProcessBuilder(cmd)
            .directory(work.toFile())
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .start();
    boolean done = p.waitFor(5, TimeUnit.MINUTES);
    if (!done) {
      p.destroyForcibly();
    }

    // then: the safe ways worked, collect() failed with the reason and the advice
    assertThat(done).as("example finished within 5 minutes").isTrue();
    String stdout = read(out);
    String stderr = read(err);
    assertThat(p.exitValue()).as(stderr).isEqualTo(1);
    assertThat(stdout).contains("toLocalIterator:  200,000 rows in 20 jobs");
    assertThat(stderr)
        .contains("CollectSafelyExample failed: collect() was stopped by Spark")
        .contains("spark.driver.maxResultSize (1024.0 KiB)")
        .contains("toLocalIterator()")
        .doesNotContain("\tat dev.advancedspark");
  }

  private static String read(Path p) throws IOException {
    return Files.readString(p);
  }
}
