package dev.advancedspark.runbooks;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DocSnippetsTest {

  /** The repository root: Maven runs this test in the runbooks module folder. */
  private static final Path REPO = Path.of("..").toAbsolutePath().normalize();

  private static final String SOURCE =
      """
      package demo;

      class Demo {
        void run() {
          // tag::greet[]
          String greeting = "hello";
          System.out.println(greeting);
          // end::greet[]
        }
      }
      """;

  private static final String DOC =
      """
      # Demo

      <!-- snippet: src/Demo.java#greet -->
      ```java
      String greeting = "hello";
      System.out.println(greeting);
      ```
      """;

  @Test
  void everySnippetInTheRepositoryMatchesItsSource() {
    List<DocSnippets.Problem> problems = new DocSnippets(REPO).check();

    assertThat(problems)
        .as("run: java runbooks/src/main/java/dev/advancedspark/runbooks/DocSnippets.java --fix")
        .isEmpty();
    assertThat(REPO.resolve("README.md")).exists();
  }

  @Test
  void aBlockThatMatchesItsRegionPasses(@TempDir Path dir) throws IOException {
    write(dir, SOURCE, DOC);

    assertThat(new DocSnippets(dir).check()).isEmpty();
  }

  @Test
  void aChangedSnippetFailsAndNamesTheLine(@TempDir Path dir) throws IOException {
    write(dir, SOURCE, DOC.replace("\"hello\"", "\"hi\""));

    List<DocSnippets.Problem> problems = new DocSnippets(dir).check();

    assertThat(problems).hasSize(1);
    assertThat(problems.get(0).toString())
        .startsWith("README.md:5:")
        .contains("block differs from src/Demo.java#greet")
        .contains("doc has 'String greeting = \"hi\";'");
  }

  @Test
  void fixRewritesTheBlockFromTheSource(@TempDir Path dir) throws IOException {
    write(dir, SOURCE, DOC.replace("\"hello\"", "\"hi\""));

    int changed = new DocSnippets(dir).fix();

    assertThat(changed).isEqualTo(1);
    assertThat(Files.readString(dir.resolve("README.md"))).isEqualTo(DOC);
    assertThat(new DocSnippets(dir).check()).isEmpty();
  }

  @Test
  void unbalancedAndDuplicatedMarkersFail(@TempDir Path dir) throws IOException {
    String broken =
        SOURCE.replace("// end::greet[]", "// end::greeting[]")
            + "// tag::twice[]\n// end::twice[]\n// tag::twice[]\n// end::twice[]\n";
    write(dir, broken, "# nothing referenced\n");

    List<String> problems = new DocSnippets(dir).check().stream().map(Object::toString).toList();

    assertThat(problems)
        .anyMatch(p -> p.contains("'end::greeting[]' has no matching 'tag::greeting[]'"))
        .anyMatch(p -> p.contains("'tag::greet[]' is never closed"))
        .anyMatch(p -> p.contains("'tag::twice[]' is used twice"));
  }

  @Test
  void aMissingFileOrRegionFails(@TempDir Path dir) throws IOException {
    write(
        dir,
        SOURCE,
        DOC.replace("#greet", "#farewell") + DOC.replace("src/Demo.java", "src/Gone.java"));

    List<String> problems = new DocSnippets(dir).check().stream().map(Object::toString).toList();

    assertThat(problems)
        .anyMatch(p -> p.contains("no region 'farewell' in src/Demo.java"))
        .anyMatch(p -> p.contains("snippet source file not found: src/Gone.java"));
  }

  @Test
  void blankLinesAFormatterPutsAroundTheMarkersAreNotPartOfTheSnippet(@TempDir Path dir)
      throws IOException {
    String spaced =
        SOURCE
            .replace("// tag::greet[]\n", "// tag::greet[]\n\n")
            .replace("    // end::greet[]", "\n    // end::greet[]");
    write(dir, spaced, DOC);

    assertThat(new DocSnippets(dir).check()).isEmpty();
  }

  @Test
  void markerSyntaxShownInsideAnOrdinaryCodeBlockIsNotAReference(@TempDir Path dir)
      throws IOException {
    write(dir, SOURCE, "```markdown\n<!-- snippet: src/Nowhere.java#x -->\n```\n");

    assertThat(new DocSnippets(dir).check()).isEmpty();
  }

  private static void write(Path dir, String source, String doc) throws IOException {
    Files.createDirectories(dir.resolve("src"));
    Files.writeString(dir.resolve("src/Demo.java"), source);
    Files.writeString(dir.resolve("README.md"), doc);
  }
}
