package dev.advancedspark.part4.connect;

import static org.assertj.core.api.Assertions.assertThat;

import dev.advancedspark.part4.lint.SparkConfRegistry;
import dev.advancedspark.part4.lint.SparkConfRegistry.Status;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConnectServerTest {

  @Test
  void everyServerSettingIsAKeySpark42DefinesConnectsOwnIncluded() {
    // given the settings the server JVM is started with
    Map<String, String> conf = ConnectServer.serverConf(15002, Path.of("target"));

    // then the lint's registry (now with spark-connect's config object) knows every key
    SparkConfRegistry registry = SparkConfRegistry.get();
    conf.keySet()
        .forEach(
            key ->
                assertThat(registry.lookup(key).status())
                    .as(key)
                    .isIn(Status.DEFINED, Status.PREFIX));
    assertThat(registry.lookup("spark.connect.authenticate.token").status())
        .isEqualTo(Status.DEFINED);
    // and a typo of a Connect key is caught, with the real key suggested
    SparkConfRegistry.Lookup typo = registry.lookup("spark.connect.grpc.binding.adress");
    assertThat(typo.status()).isEqualTo(Status.UNKNOWN);
    assertThat(typo.suggestion()).isEqualTo("spark.connect.grpc.binding.address");
  }
}
