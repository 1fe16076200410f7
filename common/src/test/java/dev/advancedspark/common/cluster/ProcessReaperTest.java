package dev.advancedspark.common.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the cluster reads in a worker's log to end a wait early: a refused authentication. */
class ProcessReaperTest {

  /**
   * What a worker logged in StandaloneClusterIT when its secret was wrong: the handshake's failure,
   * then the failed connection it leads to (whose cause is not the reason).
   */
  private static final String WRONG_SECRET =
      String.join(
          "\n",
          "00:08:46.546 INFO Worker: Connecting to master 127.0.0.1:42307...",
          "00:08:46.883 ERROR TransportClientFactory: Exception while bootstrapping client after"
              + " 274 ms",
          "java.lang.RuntimeException: java.lang.RuntimeException: java.lang.RuntimeException:"
              + " javax.security.sasl.SaslException: DIGEST-MD5: digest response format"
              + " violation. Mismatched response.",
          "\tat org.apache.spark.network.sasl.SparkSaslServer.response(SparkSaslServer.java:121)",
          "Caused by: javax.security.sasl.SaslException: DIGEST-MD5: digest response format"
              + " violation. Mismatched response.",
          "\tat org.apache.spark.network.sasl.SparkSaslServer.response(SparkSaslServer.java:118)",
          "00:08:46.935 WARN Worker: Failed to connect to master 127.0.0.1:42307",
          "org.apache.spark.SparkException: Exception thrown in awaitResult: ",
          "Caused by: org.apache.spark.SparkException: Message is dropped because Outbox is stopped",
          "\t... 1 more",
          "");

  @TempDir Path dir;

  @Test
  void aRefusedHandshakeIsFoundWithItsCause() throws IOException {
    Path log = Files.writeString(dir.resolve("worker-0.log"), WRONG_SECRET);

    assertThat(ProcessReaper.authenticationFailure(log))
        .isEqualTo(
            "javax.security.sasl.SaslException: DIGEST-MD5: digest response format violation."
                + " Mismatched response.");
  }

  @Test
  void aHandshakeThatTimedOutOrAWorkerStillStartingIsNoAuthenticationFailure() throws IOException {
    Path timedOut =
        Files.writeString(
            dir.resolve("timed-out.log"),
            WRONG_SECRET.replace(
                "Caused by: javax.security.sasl.SaslException: DIGEST-MD5: digest response format"
                    + " violation. Mismatched response.",
                "Caused by: java.util.concurrent.TimeoutException: Timeout waiting for task."));
    Path starting =
        Files.writeString(
            dir.resolve("starting.log"),
            "00:08:46.546 INFO Worker: Connecting to master 127.0.0.1:42307...\n");

    assertThat(ProcessReaper.authenticationFailure(timedOut)).isNull();
    assertThat(ProcessReaper.authenticationFailure(starting)).isNull();
    assertThat(ProcessReaper.authenticationFailure(dir.resolve("not-written-yet.log"))).isNull();
  }
}
