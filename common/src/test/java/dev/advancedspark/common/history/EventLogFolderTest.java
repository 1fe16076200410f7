package dev.advancedspark.common.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.advancedspark.common.BuildInfo;
import dev.advancedspark.common.UsageException;
import dev.advancedspark.common.io.SparkFolders;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.spark.SparkConf;
import org.apache.spark.io.CompressionCodec;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The checks that run before a History Server starts: no process is started here. */
class EventLogFolderTest {

  private final Path dir = Path.of("target", "event-log-folder-test").toAbsolutePath();

  @BeforeEach
  void clean() throws IOException {
    SparkFolders.deleteRecursively(dir);
    Files.createDirectories(dir);
  }

  private static String logStart(String version) {
    return "{\"Event\":\"SparkListenerLogStart\",\"Spark Version\":\"" + version + "\"}\n";
  }

  @Test
  void aMissingOrEmptyFolderIsRefusedWithItsPathAndTheCommandThatWritesALog() {
    assertThatThrownBy(() -> EventLogFolder.check(dir.resolve("nope")))
        .isInstanceOf(UsageException.class)
        .hasMessageStartingWith("Event log folder not found: " + dir.resolve("nope"))
        .hasMessageContaining("--event-log");
    assertThatThrownBy(() -> EventLogFolder.check(dir))
        .isInstanceOf(UsageException.class)
        .hasMessageStartingWith("Event log folder is empty: " + dir);
  }

  @Test
  void aFolderWithoutAnEventLogIsRefusedAndTheFileIsNamed() throws IOException {
    Files.writeString(dir.resolve("notes.txt"), "not an event log\n");

    assertThatThrownBy(() -> EventLogFolder.check(dir))
        .isInstanceOf(UsageException.class)
        .hasMessageStartingWith("No Spark event log in " + dir)
        .hasMessageContaining("skipped notes.txt: not a Spark event log");
  }

  @Test
  void eventLogsAreFoundOthersNamedAndAnotherSparkVersionSaid() throws IOException {
    Files.writeString(dir.resolve("local-1"), logStart(BuildInfo.sparkVersion()));
    Files.writeString(dir.resolve("local-2"), logStart("3.5.1"));
    // Spark 4's default: a rolling log folder whose files are zstd-compressed
    Path rolling = Files.createDirectories(dir.resolve("eventlog_v2_local-4"));
    try (OutputStream out =
        CompressionCodec.createCodec(new SparkConf(false), "zstd")
            .compressedOutputStream(
                Files.newOutputStream(rolling.resolve("events_1_local-4.zstd")))) {
      out.write(logStart("5.0.0").getBytes(StandardCharsets.UTF_8));
    }
    Files.write(dir.resolve("app-3.zstd"), new byte[] {40, -75, 47, -3});
    Files.write(dir.resolve("picture.png"), new byte[] {-119, 80, 78, 71, 0, -1});

    EventLogFolder folder = EventLogFolder.check(dir);

    assertThat(folder.logs()).containsExactly("eventlog_v2_local-4", "local-1", "local-2");
    assertThat(folder.warnings())
        .containsExactly(
            "skipped app-3.zstd: not a Spark event log (no SparkListenerLogStart)",
            "eventlog_v2_local-4 was written by Spark 5.0.0; this History Server is Spark "
                + BuildInfo.sparkVersion()
                + " and may not show all of it",
            "local-2 was written by Spark 3.5.1; this History Server is Spark "
                + BuildInfo.sparkVersion()
                + " and may not show all of it",
            "skipped picture.png: not a Spark event log (no SparkListenerLogStart)");
  }

  @Test
  void aTakenPortIsAnErrorWhenAskedForAndReplacedWhenItIsTheDefault() throws IOException {
    try (ServerSocket taken = new ServerSocket()) {
      taken.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
      int port = taken.getLocalPort();
      ByteArrayOutputStream said = new ByteArrayOutputStream();
      PrintStream out = new PrintStream(said, true, StandardCharsets.UTF_8);

      assertThatThrownBy(() -> HistoryServerLauncher.choosePort(port, 18080, out))
          .isInstanceOf(UsageException.class)
          .hasMessageStartingWith("Port " + port + " on 127.0.0.1 is in use");
      int other = HistoryServerLauncher.choosePort(null, port, out);

      assertThat(other).isNotEqualTo(port);
      assertThat(said.toString(StandardCharsets.UTF_8))
          .isEqualTo("Port " + port + " is in use; using port " + other + " instead.\n");
    }
  }

  @Test
  void badArgumentsExitWithStatusTwoAndTheUsage() {
    ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
    PrintStream err = new PrintStream(errBytes, true, StandardCharsets.UTF_8);
    PrintStream out = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);

    assertThat(HistoryServerLauncher.run(new String[] {"--port", "http"}, out, err)).isEqualTo(2);
    assertThat(HistoryServerLauncher.run(new String[] {"--dri", "x"}, out, err)).isEqualTo(2);
    assertThat(
            HistoryServerLauncher.run(
                new String[] {"--dir", dir.resolve("missing").toString()}, out, err))
        .isEqualTo(2);

    assertThat(errBytes.toString(StandardCharsets.UTF_8))
        .contains("error: Option '--port' must be a port in 1..65535, got 'http'.")
        .contains("error: Unknown argument '--dri'.")
        .contains("Usage: bin/history-server")
        .contains("error: Event log folder not found: " + dir.resolve("missing"));
  }
}
