package dev.advancedspark.part4.connect;

import static org.assertj.core.api.Assertions.assertThat;

import dev.advancedspark.common.testkit.SharedSpark;
import dev.advancedspark.part4.connect.SparkConnectExample.ClientRun;
import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * One Spark Connect server JVM (Spark's {@code SparkConnectServer} from Maven jars, 127.0.0.1, a
 * pre-shared token) for the class; each test runs the thin client ({@link ConnectQuery}) in a JVM
 * of its own on the Connect client's class path.
 */
class SparkConnectIT {

  private static final long ROWS = 1000;
  private static final Path WORK = SharedSpark.workDir().resolve("spark-connect-it");

  private static String token;
  private static ConnectServer server;

  @BeforeAll
  static void startTheServer() {
    token = SparkConnectExample.newToken();
    server = ConnectServer.start(WORK.resolve("server"), token);
  }

  @AfterAll
  static void stopTheServer() {
    if (server != null) {
      server.close();
      assertThat(server.isAlive()).as("the server JVM has ended").isFalse();
    }
  }

  @Test
  void theClientClassPathHasTheConnectClientAndNoSparkCore() {
    // given the class path the client JVM runs with
    List<String> jars =
        Arrays.stream(
                ConnectServer.classPathFromFile(
                        SparkConnectExample.CLIENT_CLASSPATH_PROPERTY,
                        "connect-client.classpath",
                        "connect-client")
                    .split(File.pathSeparator))
            .map(p -> Path.of(p).getFileName().toString())
            .toList();

    // then it has the client and the shims that stand in for spark-core, and no Spark engine
    assertThat(jars).anyMatch(j -> j.startsWith("spark-connect-client-jvm_2.13-"));
    assertThat(jars).anyMatch(j -> j.startsWith("spark-connect-shims_2.13-"));
    assertThat(jars)
        .noneMatch(
            j ->
                j.startsWith("spark-core_")
                    || j.startsWith("spark-sql_")
                    || j.startsWith("spark-catalyst_"));
  }

  @Test
  void withTheServersTokenTheQueryRunsOnTheServerAndTheAnswerComesBack() {
    // when the client connects with the token the server was started with
    ClientRun run =
        SparkConnectExample.runClient(
            server.remote(token), ROWS, 60, WORK.resolve("client-right-token.log"));

    // then it talked to a Connect session of the server's Spark and got the exact totals
    assertThat(run.exitCode()).as(run.output()).isZero();
    assertThat(run.output())
        .contains(
            "session: org.apache.spark.sql.connect.SparkSession, server Spark "
                + org.apache.spark.package$.MODULE$.SPARK_VERSION());
    assertThat(run.output().lines().filter(l -> l.startsWith("bucket=")).toList())
        .containsExactlyElementsOf(expectedTotals(ROWS));
    // and the plan it printed is the server's physical plan: a two-phase aggregation with a shuffle
    assertThat(run.output())
        .contains(
            "== Physical Plan ==",
            "HashAggregate(keys=[bucket",
            "partial_count(1), partial_sum(id",
            "Exchange hashpartitioning(bucket",
            "Range (0, " + ROWS);
  }

  @Test
  void aWrongTokenIsRefusedWithOneClearLine() {
    // when the client connects with another token
    ClientRun run =
        SparkConnectExample.runClient(
            server.remote(SparkConnectExample.newToken()),
            ROWS,
            30,
            WORK.resolve("client-wrong-token.log"));

    // then the server refuses the first call: no rows, one message, no stack trace
    assertThat(run.exitCode()).as(run.output()).isEqualTo(1);
    assertThat(run.output())
        .contains("answered UNAUTHENTICATED: Invalid authentication token")
        .contains("token=***")
        .doesNotContain("bucket=", "\tat ");
  }

  @Test
  void aTokenSentTo127001MakesTheClientUseTlsWhichThisServerDoesNotSpeak() {
    // when the same right token goes to sc://127.0.0.1 instead of sc://localhost (a 60 s deadline:
    // the client is stopped once it has logged a retry, however loaded the machine)
    ClientRun run =
        SparkConnectExample.runClient(
            remote127(),
            ROWS,
            60,
            WORK.resolve("client-tls.log"),
            output -> output.contains("SslHandler") && output.contains("retrying"));

    // then the client opened a TLS channel (SslHandler in its channel pipeline), the plaintext
    // server never completed the handshake, and the client was retrying, with no answer, when it
    // was stopped
    assertThat(run.stopped()).as(run.output()).isTrue();
    assertThat(run.output())
        .contains("SslHandler", "UNAVAILABLE", "retrying")
        .doesNotContain("bucket=", "session: ");
  }

  @Test
  void aServerThatNeverAnswersIsGivenUpAtTheClientsDeadlineWithOneLine() {
    // when the client may wait 2 s for an answer that cannot come (TLS to this plaintext server)
    ClientRun run =
        SparkConnectExample.runClient(remote127(), ROWS, 2, WORK.resolve("client-deadline.log"));

    // then it gives up on its own at its deadline, with one line that hides the token
    assertThat(run.stopped()).isFalse();
    assertThat(run.exitCode()).as(run.output()).isEqualTo(1);
    assertThat(run.output())
        .contains("no answer from sc://127.0.0.1:" + server.port() + "/;token=*** within 2 s")
        .doesNotContain("bucket=", token);
  }

  /** The server's address as 127.0.0.1, with the right token. */
  private static String remote127() {
    return "sc://127.0.0.1:" + server.port() + "/;token=" + token;
  }

  /** The totals of rows 0..n-1 per id % 3, computed in plain Java. */
  static List<String> expectedTotals(long n) {
    List<String> lines = new ArrayList<>();
    for (long b = 0; b < 3; b++) {
      long bucket = b;
      long[] ids = LongStream.range(0, n).filter(i -> i % 3 == bucket).toArray();
      lines.add("bucket=" + bucket + " rows=" + ids.length + " total=" + LongStream.of(ids).sum());
    }
    return lines;
  }
}
