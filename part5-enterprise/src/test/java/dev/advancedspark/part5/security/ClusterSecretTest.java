package dev.advancedspark.part5.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.advancedspark.common.testkit.SharedSpark;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.apache.spark.SecurityManager;
import org.apache.spark.SparkConf;
import org.apache.spark.internal.config.package$;
import org.junit.jupiter.api.Test;

class ClusterSecretTest {

  @Test
  void theSecretFileIsReadableByItsOwnerOnly() throws Exception {
    Path file = SharedSpark.scratch("cluster-secret").resolve("secret");

    String secret = ClusterSecret.generate(file);

    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
    assertThat(ClusterSecret.read(file)).isEqualTo(secret).hasSizeGreaterThanOrEqualTo(40);
  }

  @Test
  void aMissingOrWorldReadableSecretFileIsAClearError() throws Exception {
    Path dir = SharedSpark.scratch("cluster-secret-bad");
    Path open = dir.resolve("open");
    Files.writeString(open, "s3cr3t");
    Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rw-r--r--"));

    assertThatThrownBy(() -> ClusterSecret.read(dir.resolve("missing")))
        .hasMessage("No secret file at " + dir.resolve("missing"));
    assertThatThrownBy(() -> ClusterSecret.read(open))
        .hasMessageContaining("readable by others (rw-r--r--): chmod 600 it");
  }

  @Test
  void sparkAcceptsASecretFileOnKubernetesOnlyNotOnAStandaloneMaster() throws Exception {
    // given a driver conf for a standalone master with the secret in spark.authenticate.secret.file
    Path file = SharedSpark.scratch("cluster-secret-file").resolve("secret");
    ClusterSecret.generate(file);
    SparkConf conf =
        new SparkConf(false)
            .set("spark.master", "spark://127.0.0.1:7077")
            .set("spark.authenticate", "true")
            .set("spark.authenticate.secret.file", file.toString());
    SecurityManager security =
        new SecurityManager(conf, scala.Option.empty(), package$.MODULE$.AUTH_SECRET_FILE());

    // then what SparkEnv does at driver start fails, and so does asking for the secret
    assertThatThrownBy(security::initializeAuth)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("A secret key must be specified via the spark.authenticate.secret");
    assertThatThrownBy(security::getSecretKey)
        .hasMessageContaining("Secret keys provided via files is only allowed in Kubernetes mode");
  }

  @Test
  void theRawByteSearchFindsAMarkerAnywhere() {
    assertThat(ShuffleFiles.contains("xxPLAINTEXT-MARKER-1", "PLAINTEXT-MARKER-")).isTrue();
    assertThat(ShuffleFiles.contains("PLAINTEXT-MARKE", "PLAINTEXT-MARKER-")).isFalse();
  }
}
