package dev.advancedspark.common;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BuildInfoTest {

  @Test
  void versionsAreThoseOfTheLibrariesOnTheClassPath() {
    // the Scala library Spark runs on, e.g. "2.13.16" for binary version "2.13"
    assertThat(scala.util.Properties.versionNumberString())
        .startsWith(BuildInfo.scalaBinaryVersion() + ".");
    assertThat(BuildInfo.scalaBinaryVersion()).matches("\\d+\\.\\d+");
    assertThat(BuildInfo.sparkVersion())
        .isEqualTo(org.apache.spark.package$.MODULE$.SPARK_VERSION());
  }
}
