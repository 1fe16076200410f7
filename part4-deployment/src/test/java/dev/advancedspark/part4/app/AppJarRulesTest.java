package dev.advancedspark.part4.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.advancedspark.common.testkit.SharedSpark;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarOutputStream;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.Test;

/** The rules against small jars built here, one mistake each. */
class AppJarRulesTest {

  private static final Path DIR = SharedSpark.scratch("app-jar-rules");

  @Test
  void aCleanJarPasses() {
    // given a jar with only the application's classes
    Path jar = jar("clean.jar", "com/acme/Job.class", "META-INF/MANIFEST.MF");

    // when / then no rule is broken
    assertThat(
            AppJarRules.check(
                jar, List.of(jar("cluster.jar", "org/apache/spark/SparkContext.class"))))
        .isEmpty();
  }

  @Test
  void aJarThatBundlesSparkOrScalaIsRejected() {
    // given a jar that bundles Spark and Scala classes (Spark not marked provided)
    Path jar =
        jar(
            "fat.jar",
            "com/acme/Job.class",
            "org/apache/spark/SparkContext.class",
            "scala/Option.class");

    // when it is checked
    List<AppJarRules.Violation> violations = AppJarRules.check(jar, List.of());

    // then the rule names both classes and the fix
    assertThat(violations).hasSize(1);
    assertThat(violations.get(0).rule()).contains("Spark or Scala").contains("provided");
    assertThat(violations.get(0).count()).isEqualTo(2);
  }

  @Test
  void aJarWithSignatureFilesIsRejected() {
    // given a merged jar that kept a dependency's signature
    Path jar = jar("signed.jar", "com/acme/Job.class", "META-INF/ACME.SF", "META-INF/ACME.RSA");

    // when / then the signature rule fires
    assertThat(AppJarRules.check(jar, List.of()))
        .singleElement()
        .satisfies(v -> assertThat(v.rule()).contains("signature"))
        .satisfies(
            v -> assertThat(v.examples()).containsExactly("META-INF/ACME.SF", "META-INF/ACME.RSA"));
  }

  @Test
  void anUnrelocatedLibraryThatTheClusterAlsoHasIsRejected() {
    // given the cluster has Guava and the jar bundles Guava unrelocated
    Path cluster = jar("guava-32.jar", "com/google/common/hash/Hashing.class");
    Path jar = jar("unrelocated.jar", "com/acme/Job.class", "com/google/common/hash/Hashing.class");
    Path relocated =
        jar(
            "relocated.jar",
            "com/acme/Job.class",
            "com/acme/shaded/com/google/common/hash/Hashing.class");

    // when both are checked against the cluster's class path
    // then only the unrelocated one clashes, naming the package
    assertThat(AppJarRules.check(jar, List.of(cluster)))
        .singleElement()
        .satisfies(v -> assertThat(v.examples()).containsExactly("com/google/common/hash/"));
    assertThat(AppJarRules.check(relocated, List.of(cluster))).isEmpty();
  }

  @Test
  void theCommandLineExitsOneOnAViolationAndTwoOnAMissingJar() {
    // given a jar that bundles Spark, and a path with no jar
    Path fat = jar("fat-cli.jar", "org/apache/spark/SparkContext.class");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();

    // when the tool runs on each
    int onFat =
        AppJarRules.run(
            new String[] {"--jar", fat.toString(), "--cluster-classpath", fat.toString()},
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    int onMissing =
        AppJarRules.run(
            new String[] {"--jar", DIR.resolve("nope.jar").toString()},
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));

    // then: 1 with the broken rule printed, 2 with the missing path named
    assertThat(onFat).isEqualTo(1);
    assertThat(out.toString(StandardCharsets.UTF_8))
        .contains("FAIL: bundles Spark or Scala classes");
    assertThat(onMissing).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("Jar " + DIR.resolve("nope.jar").toAbsolutePath() + " does not exist.");
  }

  private static Path jar(String name, String... entries) {
    Path file = DIR.resolve(name);
    try {
      Files.createDirectories(DIR);
      try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(file))) {
        for (String e : entries) {
          out.putNextEntry(new ZipEntry(e));
          out.write(new byte[] {(byte) 0xCA, (byte) 0xFE});
          out.closeEntry();
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return file;
  }
}
