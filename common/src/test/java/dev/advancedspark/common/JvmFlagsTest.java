package dev.advancedspark.common;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
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
}
