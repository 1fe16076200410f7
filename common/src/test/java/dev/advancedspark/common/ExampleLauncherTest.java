package dev.advancedspark.common;

import static org.assertj.core.api.Assertions.assertThat;

import dev.advancedspark.common.examples.EnvironmentCheckExample;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExampleLauncherTest {

  private final String classPath = System.getProperty("java.class.path");

  @Test
  void catalogFindsMarkedExamplesWithTheirSummary() {
    List<ExampleLauncher.Entry> catalog = ExampleLauncher.catalog(classPath);

    assertThat(catalog)
        .anySatisfy(
            e -> {
              assertThat(e.simpleName()).isEqualTo("EnvironmentCheckExample");
              assertThat(e.module()).isEqualTo("common");
              assertThat(e.summary()).contains("versions");
            });
    assertThat(ExampleLauncher.find(catalog, "environmentcheckexample")).isPresent();
  }

  @Test
  void aModuleInsideAnotherModulesFolderIsNamedWithItsPath(@TempDir Path repo) throws IOException {
    // given a build root, a module, a module inside that module's folder, each with a pom.xml
    for (String pom : List.of("pom.xml", "part5/pom.xml", "part5/streaming/pom.xml")) {
      Files.createDirectories(repo.resolve(pom).getParent());
      Files.writeString(repo.resolve(pom), "<project/>");
    }

    // then the listing names the inner one with its path from the root, the outer one alone
    assertThat(ExampleLauncher.moduleName(repo.resolve("part5/streaming/target/classes")))
        .isEqualTo("part5/streaming");
    assertThat(ExampleLauncher.moduleName(repo.resolve("part5/target/classes"))).isEqualTo("part5");
  }

  @Test
  void unknownNameExitsTwoWithAMessageAndTheListing() {
    PrintStream original = System.err;
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    int status;
    try {
      status = ExampleLauncher.launch(new String[] {"EnvironmentCheck", "--rows", "5"}, classPath);
    } finally {
      System.setErr(original);
    }

    String printed = err.toString(StandardCharsets.UTF_8);
    assertThat(status).isEqualTo(2);
    assertThat(printed)
        .contains("no example named 'EnvironmentCheck'")
        .contains("Did you mean: EnvironmentCheckExample?")
        .contains("Usage: bin/run-example")
        .doesNotContain("Exception");
  }

  @Test
  void aMarkedExampleIsRecognisedFromItsClassFileWithoutLoadingIt() throws Exception {
    // so that one that fails to load is listed with the reason instead of dropped silently
    java.nio.file.Path classes =
        java.nio.file.Path.of(
            EnvironmentCheckExample.class
                .getProtectionDomain()
                .getCodeSource()
                .getLocation()
                .toURI());
    java.nio.file.Path marked =
        classes.resolve("dev/advancedspark/common/examples/EnvironmentCheckExample.class");
    java.nio.file.Path unmarked = classes.resolve("dev/advancedspark/common/SqlConfs.class");

    assertThat(ExampleLauncher.isMarked(marked)).isTrue();
    assertThat(ExampleLauncher.isMarked(unmarked)).isFalse();
  }
}
