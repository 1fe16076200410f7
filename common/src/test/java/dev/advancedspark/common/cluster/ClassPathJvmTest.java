package dev.advancedspark.common.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClassPathJvmTest {

  private static final Path DIR = Path.of("target", "class-path-jvm-test");

  @Test
  void theFirstCandidateThatExistsIsReadAndASystemPropertyOverridesThem() throws Exception {
    // given two class-path files, the second one present
    Files.createDirectories(DIR);
    Path absent = DIR.resolve("absent.classpath");
    Path present = Files.writeString(DIR.resolve("present.classpath"), "a.jar:b.jar\n");
    Path other = Files.writeString(DIR.resolve("other.classpath"), "c.jar");

    // then the one that exists is read, trimmed
    assertThat(
            ClassPathJvm.readClassPathFile("no.such.property", List.of(absent, present), "mvn x"))
        .isEqualTo("a.jar:b.jar");
    // and a system property naming a file wins over the candidates
    System.setProperty("class.path.jvm.test.file", other.toString());
    try {
      assertThat(
              ClassPathJvm.readClassPathFile("class.path.jvm.test.file", List.of(present), "mvn x"))
          .isEqualTo("c.jar");
    } finally {
      System.clearProperty("class.path.jvm.test.file");
    }
  }

  @Test
  void aMissingOrEmptyClassPathFileIsNamedWithTheCommandThatBuildsIt() throws Exception {
    Files.createDirectories(DIR);
    Path missing = DIR.resolve("missing.classpath");
    Path empty = Files.writeString(DIR.resolve("empty.classpath"), " \n");

    assertThatThrownBy(
            () ->
                ClassPathJvm.readClassPathFile(
                    "no.such.property", List.of(missing), "mvn -pl some/module package"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(missing.toAbsolutePath().toString())
        .hasMessageContaining("is missing. Build it with: mvn -pl some/module package");
    assertThatThrownBy(
            () -> ClassPathJvm.readClassPathFile("no.such.property", List.of(empty), "mvn y"))
        .hasMessageContaining("is empty. Build it with: mvn y");
  }

  @Test
  void theCommandRunsTheMainClassUnderTheWatchdogWithCommonsClassesAdded() {
    // when
    List<String> cmd =
        ClassPathJvm.command(List.of("-Xmx64m"), "server.jar", "com.example.Server", List.of("a"));

    // then: java, the options, the class path plus common's classes, the watchdog with this pid
    assertThat(cmd.get(0)).isEqualTo(ClassPathJvm.javaBin()).endsWith("java");
    assertThat(cmd.subList(1, 3)).containsExactly("-Xmx64m", "-cp");
    assertThat(cmd.get(3))
        .isEqualTo(
            "server.jar" + File.pathSeparator + ClassPathJvm.codeSource(ParentWatchdog.class));
    assertThat(cmd.subList(4, cmd.size()))
        .containsExactly(
            ParentWatchdog.class.getName(),
            Long.toString(ProcessHandle.current().pid()),
            "com.example.Server",
            "a");
  }
}
