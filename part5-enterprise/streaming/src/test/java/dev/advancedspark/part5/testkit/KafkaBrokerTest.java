package dev.advancedspark.part5.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Base64;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class KafkaBrokerTest {

  @Test
  void aClusterIdIsSixteenBytesAndNeverLooksLikeAnOptionToKafkaStorageFormat() {
    // given many ids: a random one starts with '-' once in 64, so 10,000 find it if it can happen
    IntStream.range(0, 10_000)
        .mapToObj(i -> KafkaBroker.clusterId())
        .forEach(
            id -> {
              // then kafka-storage format -t <id> reads it as the id, not as an option
              assertThat(id).doesNotStartWith("-").hasSize(22);
              assertThat(Base64.getUrlDecoder().decode(id)).hasSize(16);
            });
  }
}
