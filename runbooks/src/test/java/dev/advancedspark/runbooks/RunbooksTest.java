package dev.advancedspark.runbooks;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunbooksTest {

  /** The repository root: Maven runs this test in the runbooks module folder. */
  private static final Path REPO = Path.of("..").toAbsolutePath().normalize();

  @Test
  void everyRunbookAndDecisionMapOfTheRepositoryPassesTheCheck() {
    Runbooks runbooks = new Runbooks(REPO);

    assertThat(runbooks.check()).isEmpty();
    assertThat(runbooks.runbooks()).hasSizeGreaterThanOrEqualTo(12);
    assertThat(runbooks.decisionMaps()).isNotEmpty();
  }

  private static final String GOOD =
      """
      # Demo

      Reproduced by: [`DemoTest#fails`](../src/DemoTest.java)

      ## Symptom
      s
      ## Where to look
      w
      ## How to confirm
      c
      ## Cause
      c
      ## Fix
      <!-- snippet: src/Demo.java#fix -->
      ## How to verify
      v
      """;

  private static Runbooks repo(Path dir, String runbook) throws IOException {
    Files.createDirectories(dir.resolve("runbooks"));
    Files.createDirectories(dir.resolve("src"));
    Files.writeString(dir.resolve("src/DemoTest.java"), "class DemoTest { void fails() {} }");
    Files.writeString(dir.resolve("runbooks/demo.md"), runbook);
    Files.writeString(dir.resolve("runbooks/README.md"), "- [demo](demo.md)\n");
    return new Runbooks(dir);
  }

  @Test
  void aRunbookWithTheOutlineAndAnExistingTestPasses(@TempDir Path dir) throws IOException {
    assertThat(repo(dir, GOOD).check()).isEmpty();
  }

  @Test
  void aMissingSectionFails(@TempDir Path dir) throws IOException {
    List<String> problems = repo(dir, GOOD.replace("## Cause\n", "")).check();

    assertThat(problems).containsExactly("runbooks/demo.md: lacks the section '## Cause'");
  }

  @Test
  void aTestThatDoesNotExistFails(@TempDir Path dir) throws IOException {
    List<String> problems =
        repo(
                dir,
                GOOD.replace("../src/DemoTest.java", "../src/GoneTest.java")
                    .replace("DemoTest#", "GoneTest#"))
            .check();

    assertThat(problems)
        .contains("runbooks/demo.md: names a test that does not exist: ../src/GoneTest.java");
  }

  @Test
  void aTestMethodThatDoesNotExistFails(@TempDir Path dir) throws IOException {
    List<String> problems = repo(dir, GOOD.replace("DemoTest#fails", "DemoTest#passes")).check();

    assertThat(problems).containsExactly("runbooks/demo.md: DemoTest has no test method passes");
  }

  @Test
  void aFixThatIsNotCutFromSourceFails(@TempDir Path dir) throws IOException {
    List<String> problems =
        repo(dir, GOOD.replace("<!-- snippet: src/Demo.java#fix -->", "```\npasted\n```")).check();

    assertThat(problems)
        .containsExactly("runbooks/demo.md: the Fix section has no snippet cut from tested source");
  }

  @Test
  void aRunbookTheReadmeDoesNotListFails(@TempDir Path dir) throws IOException {
    Runbooks runbooks = repo(dir, GOOD);
    Files.writeString(dir.resolve("runbooks/README.md"), "nothing\n");

    assertThat(runbooks.check()).containsExactly("runbooks/README.md: does not list demo.md");
  }
}
