package dev.advancedspark.part4.lint;

import static org.assertj.core.api.Assertions.assertThat;

import dev.advancedspark.part4.lint.SparkConfLint.Finding;
import dev.advancedspark.part4.lint.SparkConfLint.Options;
import dev.advancedspark.part4.lint.SparkConfLint.Report;
import dev.advancedspark.part4.lint.SparkConfLint.Severity;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every deployment file this module ships ({@code platforms/}: Kubernetes, EMR, Dataproc,
 * Databricks, Terraform, CI) passes the lint, and a typo put into any of them is caught.
 */
class PlatformFilesLintTest {

  static final Path PLATFORMS = Path.of("platforms");

  static Stream<Path> platformFiles() {
    return SparkConfLint.expand(List.of(PLATFORMS)).stream();
  }

  /** The files that set Spark keys as text (pod templates, for one, set none). */
  static Stream<Path> filesWithSparkKeys() {
    return platformFiles().filter(f -> !textKeys(read(f)).isEmpty());
  }

  private static List<String> textKeys(String text) {
    return SparkConfLint.settings(text).stream()
        .filter(s -> s.where().startsWith("line "))
        .map(SparkConfLint.Setting::key)
        .filter(k -> SparkConfRegistry.get().entry(k).isPresent())
        .toList();
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void everyPlatformFolderHasAFileWithSparkKeys() {
    assertThat(filesWithSparkKeys().map(f -> PLATFORMS.relativize(f).getName(0).toString()))
        .contains("kubernetes");
  }

  @Test
  void everyShippedPlatformFileIsClean() {
    Report report = SparkConfLint.lintPaths(List.of(PLATFORMS), Options.defaults());
    assertThat(report.findings()).isEmpty();
    assertThat(report.files()).isGreaterThanOrEqualTo(5);
    assertThat(report.settings()).isGreaterThan(50);
  }

  @ParameterizedTest
  @MethodSource("filesWithSparkKeys")
  void aTypoInThePlatformFileIsCaughtWithTheRightKey(Path file) {
    String text = read(file);
    List<String> keys = textKeys(text);
    String key = keys.get(keys.size() - 1);
    // Swap two letters in the last segment: the kind of typo Spark ignores without a word.
    int i = key.lastIndexOf('.') + 2;
    String typo = key.substring(0, i) + key.charAt(i + 1) + key.charAt(i) + key.substring(i + 2);
    List<Finding> findings = SparkConfLint.lint(file, text.replace(key, typo), Options.defaults());
    assertThat(findings)
        .filteredOn(f -> f.severity() == Severity.ERROR)
        .extracting(Finding::message)
        .contains(
            typo + " is not a Spark 4.2 setting (Spark ignores it); did you mean " + key + "?");
  }

  /** The files that name a node type and set the executor memory as a spark.* key. */
  static Stream<Path> filesSizingExecutors() {
    return platformFiles()
        .filter(f -> !NodeTypes.builtIn().namedIn(read(f)).isEmpty())
        .filter(f -> textKeys(read(f)).contains("spark.executor.memory"));
  }

  @ParameterizedTest
  @MethodSource("filesSizingExecutors")
  void anExecutorTooBigForTheNamedNodeIsCaught(Path file) {
    String text = read(file);
    String big =
        text.replaceAll("(spark\\.executor\\.memory[\"']?\\s*[=:]\\s*[\"']?)\\d+g", "$1200g");
    assertThat(SparkConfLint.lint(file, big, Options.defaults()))
        .extracting(Finding::message)
        .anySatisfy(m -> assertThat(m).startsWith("the executor container needs 225280 MiB"));
  }
}
