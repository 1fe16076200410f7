package dev.advancedspark.common.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Real JVMs (a few hundred milliseconds each): started, awaited on a port, ended. */
class ClassPathJvmIT {

  private static final Path DIR = Path.of("target", "class-path-jvm-it");
  private static final String TEST_CLASSES = ClassPathJvm.codeSource(ClassPathJvmIT.class);

  /** The "server": binds 127.0.0.1:args[0] and accepts until it is killed. */
  public static void main(String[] args) throws IOException {
    try (ServerSocket s = new ServerSocket()) {
      s.bind(
          new InetSocketAddress(InetAddress.getByName(Ports.LOOPBACK), Integer.parseInt(args[0])));
      System.out.println("listening on " + s.getLocalPort());
      while (true) {
        s.accept().close();
      }
    }
  }

  private static ClassPathJvm start(String mainClass, List<String> args, String logName) {
    ProcessBuilder pb =
        new ProcessBuilder(ClassPathJvm.command(List.of("-Xmx32m"), TEST_CLASSES, mainClass, args));
    return ClassPathJvm.start("The test server", pb, DIR.resolve(logName));
  }

  @Test
  void awaitPortReturnsOnceTheServerListensAndCloseEndsIt() throws Exception {
    // given a JVM that will listen on a free port
    int port = Ports.freePort();
    ClassPathJvm server =
        start(ClassPathJvmIT.class.getName(), List.of(String.valueOf(port)), "listen.log");
    ProcessHandle handle = ProcessHandle.of(server.pid()).orElseThrow();
    try {
      // when
      server.awaitPort(port, Duration.ofSeconds(60));

      // then it is up, and listening
      assertThat(server.isAlive()).isTrue();
      assertThat(Ports.isFree(port)).isFalse();
    } finally {
      server.close();
    }
    // and close ended it
    handle.onExit().get(30, TimeUnit.SECONDS);
    assertThat(handle.isAlive()).isFalse();
  }

  @Test
  void aJvmThatExitsBeforeItListensFailsAtOnceQuotingItsLog() {
    // given a JVM whose main class does not exist: the watchdog fails to load it and exits
    ClassPathJvm server = start("com.example.NoSuchServer", List.of(), "exits.log");

    // then the wait fails without waiting for the deadline, naming the log and quoting it
    assertThatThrownBy(() -> server.awaitPort(Ports.freePort(), Duration.ofMinutes(5)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("The test server exited (code ")
        .hasMessageContaining("exits.log")
        .hasMessageContaining("com.example.NoSuchServer");
    assertThat(server.isAlive()).isFalse();
  }

  @Test
  void aServerThatNeverBecomesReadyIsEndedAtTheDeadline() {
    // given a JVM that listens on another port than the one awaited
    int port = Ports.freePort();
    ClassPathJvm server =
        start(ClassPathJvmIT.class.getName(), List.of(String.valueOf(port)), "never.log");

    // then the wait gives up at its deadline, says what it waited for, and ends the JVM
    assertThatThrownBy(() -> server.await("say it is ready", Duration.ofSeconds(2), () -> false))
        .hasMessageContaining("The test server did not say it is ready within 2 s")
        .hasMessageContaining("never.log");
    assertThat(server.isAlive()).isFalse();
  }
}
