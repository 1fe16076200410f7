package dev.advancedspark.runbooks;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** COMPATIBILITY.md against the sources it is generated from (bin/compat-matrix writes it). */
class CompatibilityTableTest {

  /** The repository root: Maven runs this test in the runbooks module folder. */
  private static final Path REPO = Path.of("..").toAbsolutePath().normalize();

  private final CompatibilityTable table = new CompatibilityTable(REPO);

  @Test
  void theTableAgreesWithTheTestsVersionSwitchesAndTheProfilesExclusions() throws IOException {
    assertThat(table.problems(compatibilityMd()))
        .as("rerun bin/compat-matrix (or --table-only after editing a README's 'Spark versions')")
        .isEmpty();
  }

  @Test
  void theLinesAreTheRootPomsProfilesThenTheDefault() {
    assertThat(table.lineNames()).containsExactly("3.5", "4.0", "4.1", "4.2");
    assertThat(table.lines().get(0).excluded()).containsKey("SessionExtensionsExampleTest");
    assertThat(table.switches())
        .extracting(CompatibilityTable.Switch::testClass)
        .contains("SparkMemoryRulesTest");
  }

  @Test
  void aTableThatHidesADifferenceOrAnExclusionFails() throws IOException {
    String md = compatibilityMd();

    // a version switch whose older lines say "holds"
    assertThat(table.problems(md.replace("| differs |", "| holds |")))
        .anyMatch(p -> p.contains("switches on the version"));
    // an excluded lesson shown as run
    assertThat(table.problems(md.replace("not available", "holds")))
        .anyMatch(p -> p.contains("excludes it"));
    // a line missing
    assertThat(table.problems(md.replace("| 3.5 |", "| 3.4 |"))).isNotEmpty();
  }

  @Test
  void aLineWithoutReportsHereKeepsItsRowAndCellsFromTheCommittedTable() {
    CompatibilityTable.Previous before =
        CompatibilityTable.readPrevious(REPO.resolve("COMPATIBILITY.md"));
    // every line has a row, and the lines that were run have cells
    assertThat(before.rows()).containsKeys("3.5", "4.0", "4.1", "4.2");
    assertThat(before.cells().get("3.5")).containsKey("part1-architecture/JobAnatomyExampleTest");
    assertThat(before.jdk()).isNotBlank();
    // rendering without reports reproduces the committed table's rows and cells
    String rendered = table.render("today");
    String committed;
    try {
      committed = compatibilityMd();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    assertThat(body(rendered)).isEqualTo(body(committed));
  }

  /** The table without its first three lines (title and the generation date). */
  private static String body(String md) {
    return md.lines().skip(3).collect(java.util.stream.Collectors.joining("\n"));
  }

  private static String compatibilityMd() throws IOException {
    return Files.readString(REPO.resolve("COMPATIBILITY.md"), StandardCharsets.UTF_8);
  }
}
