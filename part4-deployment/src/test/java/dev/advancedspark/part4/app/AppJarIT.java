package dev.advancedspark.part4.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.advancedspark.part4.submit.SparkSubmitProcess;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The application jar that {@code mvn package} built, opened and checked entry by entry. */
class AppJarIT {

  private static final Path JAR =
      Path.of(System.getProperty("part4.app.jar", "target/missing-app.jar")).toAbsolutePath();

  @Test
  void theApplicationJarPassesEveryRuleAgainstSparksOwnClassPath() {
    // given Spark's class path (the Maven jars, without this build's classes)
    List<Path> spark =
        SparkSubmitProcess.clusterProvidedJars(System.getProperty("java.class.path"));
    assertThat(spark).anyMatch(p -> p.getFileName().toString().startsWith("spark-core_"));

    // when the jar is checked
    // then no rule is broken: no Spark, no Scala, no signatures, no clashing package
    assertThat(AppJarRules.check(JAR, spark)).isEmpty();
  }

  @Test
  void itHoldsTheJobCommonAndARelocatedGuavaButNoSparkOrScala() {
    // when the jar's entries are listed
    List<String> entries = AppJarRules.entries(JAR);

    // then the job and the examples kit are in it
    assertThat(entries)
        .contains("dev/advancedspark/part4/app/DailyRevenueJob.class")
        .contains("dev/advancedspark/common/Examples.class")
        .doesNotContain("log4j2.properties");
    // and Guava only under the relocated name
    assertThat(
            AppJarRules.classesUnder(JAR, "dev/advancedspark/part4/shaded/com/google/common/hash/"))
        .isNotEmpty();
    assertThat(AppJarRules.classesUnder(JAR, "com/google/")).isEmpty();
    // and nothing of Spark or Scala
    assertThat(AppJarRules.classesUnder(JAR, "org/apache/spark/")).isEmpty();
    assertThat(AppJarRules.classesUnder(JAR, "scala/")).isEmpty();
  }

  @Test
  void aJarWithSparksClassesInsideFailsTheFirstRule() {
    // given a jar full of Spark classes, as a fat jar without `provided` would be: spark-sql itself
    Path sparkSql =
        SparkSubmitProcess.clusterProvidedJars(System.getProperty("java.class.path")).stream()
            .filter(p -> p.getFileName().toString().startsWith("spark-sql_"))
            .findFirst()
            .orElseThrow();

    // when it is checked as an application jar
    List<AppJarRules.Violation> violations = AppJarRules.check(sparkSql, List.of());

    // then the Spark rule fires, for thousands of classes
    assertThat(violations)
        .singleElement()
        .satisfies(v -> assertThat(v.rule()).startsWith("bundles Spark or Scala classes"))
        .satisfies(v -> assertThat(v.count()).isGreaterThan(1_000));
  }
}
