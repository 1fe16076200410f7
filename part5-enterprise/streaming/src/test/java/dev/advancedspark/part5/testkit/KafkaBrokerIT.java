package dev.advancedspark.part5.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.advancedspark.common.testkit.SharedSpark;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

class KafkaBrokerIT {

  @Test
  void sparksKafkaClientsTalkToTheBrokerInItsOwnJvm() {
    // given: the broker in its own JVM, Spark's kafka-clients 3.9.2 in this one
    KafkaBroker kafka = SharedKafka.broker();
    kafka.createTopic("smoke", 2);
    kafka.send("smoke", List.of(Map.entry("a", "1"), Map.entry("b", "2"), Map.entry("c", "3")));

    // when: a batch read of the topic
    SparkSession spark = SharedSpark.session();
    List<Row> rows =
        spark
            .read()
            .format("kafka")
            .option("kafka.bootstrap.servers", kafka.bootstrapServers())
            .option("subscribe", "smoke")
            .load()
            .selectExpr("CAST(key AS STRING) k", "CAST(value AS STRING) v")
            .orderBy("k")
            .collectAsList();

    // then
    assertThat(rows)
        .extracting(r -> r.getString(0) + "=" + r.getString(1))
        .containsExactly("a=1", "b=2", "c=3");
  }

  @Test
  void closeEndsTheBrokerProcess() throws Exception {
    // given: a second, private broker
    KafkaBroker kafka = KafkaBroker.start(SharedSpark.workDir().resolve("kafka-broker-close"));
    ProcessHandle handle = ProcessHandle.of(kafka.pid()).orElseThrow();

    // when
    kafka.close();

    // then
    handle.onExit().get(30, TimeUnit.SECONDS);
    assertThat(handle.isAlive()).isFalse();
  }

  @Test
  void aMissingClassPathFileIsNamed() {
    String old = System.getProperty(KafkaBroker.CLASSPATH_PROPERTY);
    System.setProperty(KafkaBroker.CLASSPATH_PROPERTY, "no/such/file.classpath");
    try {
      assertThatThrownBy(() -> KafkaBroker.start(Path.of("target/never")))
          .hasMessageContaining("no/such/file.classpath")
          .hasMessageContaining("mvn -pl part5-enterprise/kafka-broker package");
    } finally {
      if (old == null) {
        System.clearProperty(KafkaBroker.CLASSPATH_PROPERTY);
      } else {
        System.setProperty(KafkaBroker.CLASSPATH_PROPERTY, old);
      }
    }
  }
}
