package dev.advancedspark.common;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.spark.launcher.JavaModuleOptions;
import org.junit.jupiter.api.Test;

class JvmFlagsTest {

  @Test
  void theFlagsInThePomAreSparksOwnJava17List() {
    // given the root pom's spark.jvm.flags (Surefire passes it in; bin/run-example reads the pom)
    String fromPom = System.getProperty("spark.jvm.flags");

    // then they are exactly Spark's list, so an upgrade of Spark that changes it fails here
    assertThat(fromPom).as("run the tests through Maven: it passes spark.jvm.flags").isNotBlank();
    assertThat(List.of(fromPom.trim().split("\\s+")))
        .containsExactlyElementsOf(
            List.of(JavaModuleOptions.defaultModuleOptions().trim().split("\\s+")));
  }

  @Test
  void binRunExampleRunsSparkWithTheSameFlags() throws IOException, InterruptedException {
    // given the launcher readers use (it reads the flags from the root pom, without building)
    Path script = Path.of("..", "bin", "run-example").toAbsolutePath().normalize();

    // when it is asked which flags it passes to java
    // (output to a file, so that waitFor's deadline applies: reading a pipe first would block
    // for as long as the script runs)
    Path output = Files.createTempFile(Path.of("target"), "print-java-flags", ".txt");
    Process p =
        new ProcessBuilder("bash", script.toString(), "--print-java-flags")
            .redirectErrorStream(true)
            .redirectOutput(output.toFile())
            .start();
    boolean ended = p.waitFor(30, TimeUnit.SECONDS);
    if (!ended) {
      p.destroyForcibly();
    }
    String out = Files.readString(output, StandardCharsets.UTF_8).trim();
    assertThat(ended).as("bin/run-example --print-java-flags ended within 30 s: " + out).isTrue();

    // then they are Spark's list, not an unresolved ${...} from a plugin's configuration
    assertThat(p.exitValue()).as(out).isZero();
    assertThat(List.of(out.split("\\s+")))
        .containsExactlyElementsOf(
            List.of(JavaModuleOptions.defaultModuleOptions().trim().split("\\s+")));
  }
}
