package dev.advancedspark.common.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
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
            "64m");
    spec.prepareWorkDir();

    DaemonLauncher launcher = new DaemonLauncher(spec);

    for (Path file : launcher.propertiesFiles()) {
      assertThat(Files.readString(file)).contains("spark.authenticate.secret=s3cret");
      assertThat(Files.getPosixFilePermissions(file))
          .as(file.toString())
          .isEqualTo(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE));
    }
  }
}
