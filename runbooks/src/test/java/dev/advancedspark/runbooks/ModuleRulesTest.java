package dev.advancedspark.runbooks;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.core.importer.Location;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;
import java.util.Enumeration;
import java.util.LinkedHashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The module rule of ARCHITECTURE.md, checked on the compiled classes: each part depends on {@code
 * common} only, never on another part; {@code common} depends on no part; nothing depends on {@code
 * benchmarks} or {@code runbooks}; the data generators do not reach for the command-line runner.
 *
 * <p>Maven already refuses a dependency cycle, but not a part that copies a sibling onto its class
 * path, or a class that reaches a sibling's code some other way: these rules read the imports
 * themselves. This module sees every module's classes through test-scoped dependencies (nothing
 * depends on runbooks, so that adds no edge to the module graph).
 */
class ModuleRulesTest {

  private static final JavaClasses CLASSES =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importLocations(projectLocations());

  /**
   * The folders and jars on the class path that hold {@code dev.advancedspark} classes: the modules
   * of this build, without opening the hundreds of Spark jars around them.
   */
  private static Set<Location> projectLocations() {
    try {
      Set<Location> out = new LinkedHashSet<>();
      Enumeration<URL> roots =
          ModuleRulesTest.class.getClassLoader().getResources("dev/advancedspark/");
      while (roots.hasMoreElements()) {
        out.add(Location.of(roots.nextElement()));
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void everyModuleIsSeen() {
    // A rule over no classes would pass whatever the code does.
    for (String pkg :
        new String[] {
          "dev.advancedspark.common",
          "dev.advancedspark.part1",
          "dev.advancedspark.part2",
          "dev.advancedspark.part3"
        }) {
      assertThat(CLASSES.stream().anyMatch(c -> c.getPackageName().startsWith(pkg)))
          .as("classes of %s on the class path", pkg)
          .isTrue();
    }
  }

  @Test
  void noPartImportsAnotherPart() {
    assertHolds(
        slices()
            .matching("dev.advancedspark.(part*)..")
            .should()
            .notDependOnEachOther()
            .because("each part depends on common only, so a reader can take one part alone"));
  }

  @Test
  void commonImportsNoPart() {
    assertHolds(
        noClasses()
            .that()
            .resideInAPackage("dev.advancedspark.common..")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage(
                "dev.advancedspark.part1..",
                "dev.advancedspark.part2..",
                "dev.advancedspark.part3..",
                "dev.advancedspark.part4..",
                "dev.advancedspark.part5..")
            .because("common is the kit every part uses: it cannot know them"));
  }

  @Test
  void nothingImportsBenchmarksOrRunbooks() {
    assertHolds(
        noClasses()
            .that()
            .resideOutsideOfPackages(
                "dev.advancedspark.benchmarks..", "dev.advancedspark.runbooks..")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage("dev.advancedspark.benchmarks..", "dev.advancedspark.runbooks..")
            .because("benchmarks and runbooks are leaves of the module graph"));
  }

  @Test
  void theDataGeneratorsAreALeafOfTheKit() {
    assertHolds(
        noClasses()
            .that()
            .resideInAPackage("dev.advancedspark.common.data..")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage(
                "dev.advancedspark.common.examples..", "dev.advancedspark.common.cluster..")
            .orShould()
            .dependOnClassesThat()
            .haveFullyQualifiedName("dev.advancedspark.common.Examples")
            .because("generators are used by examples, tests and benchmarks alike"));
  }

  /** Asserts that no class breaks {@code rule}; the message lists every violation. */
  private static void assertHolds(ArchRule rule) {
    EvaluationResult result = rule.evaluate(CLASSES);
    assertThat(result.hasViolation()).as(result.getFailureReport().toString()).isFalse();
  }
}
