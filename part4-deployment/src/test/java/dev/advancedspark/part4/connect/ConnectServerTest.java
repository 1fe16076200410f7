package dev.advancedspark.part4.connect;

import static org.assertj.core.api.Assertions.assertThat;

import dev.advancedspark.part4.lint.SparkConfRegistry;
import dev.advancedspark.part4.lint.SparkConfRegistry.Status;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConnectServerTest {

  @Test
  void everyServerSettingIsASparkKeyAndConnectKeysAreNotCalledTyposWithoutSparkConnect() {
    // given the settings the server JVM is started with
    Map<String, String> conf = ConnectServer.serverConf(15002, Path.of("target"));
    SparkConfRegistry registry = SparkConfRegistry.get();

    // then Spark's own keys are defined, and the spark.connect.* keys, whose module is on the
    // server's class path but not on this one, are "not checked" rather than reported as typos
    conf.keySet()
        .forEach(
            key ->
                assertThat(registry.lookup(key).status())
                    .as(key)
                    .isEqualTo(
                        key.startsWith("spark.connect.") ? Status.UNCHECKED : Status.DEFINED));
    assertThat(registry.lookup("spark.connect.grpc.binding.port").detail())
        .contains("not checked: the Spark module that defines spark.connect.* keys");
  }
}
