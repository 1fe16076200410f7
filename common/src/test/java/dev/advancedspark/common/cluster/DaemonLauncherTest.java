package dev.advancedspark.common.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DaemonLauncherTest {

  @Test
  void propertiesFilesThatCarryTheSecretAreReadableByTheirOwnerOnly() throws Exception {
    Path dir = Path.of("target", "daemon-launcher-test");
    ClusterSpec spec =
        new ClusterSpec(
            1,
            1,
            "512m",
            dir,
            0,
            0,
            Map.of("spark.authenticate", "true", "spark.authenticate.secret", "s3cret"),
            Map.of("spark.authenticate", "true", "spark.authenticate.secret", "s3cret"),
            Duration.ofSeconds(1),
            Duration.ofSeconds(1),
            "unused.jar",
            "64m",
            List.of());
    spec.prepareWorkDir();

    DaemonLauncher launcher = new DaemonLauncher(spec);

    for (Path file : launcher.propertiesFiles()) {
      assertThat(Files.readString(file)).contains("spark.authenticate.secret=s3cret");
      assertThat(Files.getPosixFilePermissions(file))
          .as(file.toString())
          .isEqualTo(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE));
    }
  }

  @Test
  void masterJavaOptionsReachTheMastersJvmBeforeItsMainClassAndNotTheWorkers() {
    // given a cluster asked for a JVM option on its master
    Path dir = Path.of("target", "daemon-launcher-test-java-options");
    String jmx = "-Dcom.sun.management.jmxremote.port=19999";
    ClusterSpec spec = spec(dir, List.of(jmx, "-Xss2m"));
    spec.prepareWorkDir();
    DaemonLauncher launcher = new DaemonLauncher(spec);

    // when the command lines are built
    List<String> master = launcher.masterCommand(17077, 18080);
    List<String> worker = launcher.workerCommand(0, "spark://127.0.0.1:17077");

    // then the master's JVM gets them as JVM options: before the class path and the main class
    // (after it, they would be arguments of the master, which refuses unknown ones)
    assertThat(master).contains(jmx, "-Xss2m");
    assertThat(master.indexOf(jmx)).isLessThan(master.indexOf("-cp"));
    assertThat(master.indexOf("-Xss2m")).isLessThan(master.indexOf(DaemonLauncher.MASTER_CLASS));
    // and the workers' JVMs do not
    assertThat(worker).contains(DaemonLauncher.WORKER_CLASS).doesNotContain(jmx, "-Xss2m");
  }

  @Test
  void aMasterJavaOptionThatIsNotAnOptionIsRefusedNamingIt() {
    assertThatThrownBy(() -> spec(Path.of("target", "unused"), List.of("jmxremote.port=1")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'jmxremote.port=1'");
  }

  private static ClusterSpec spec(Path dir, List<String> masterJavaOptions) {
    return new ClusterSpec(
        1,
        1,
        "512m",
        dir,
        0,
        0,
        Map.of(),
        Map.of(),
        Duration.ofSeconds(1),
        Duration.ofSeconds(1),
        "unused.jar",
        "64m",
        masterJavaOptions);
  }
}
