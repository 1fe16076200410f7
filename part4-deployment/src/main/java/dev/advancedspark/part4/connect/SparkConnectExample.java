package dev.advancedspark.part4.connect;

import dev.advancedspark.common.ExampleArgs;
import dev.advancedspark.common.Examples;
import dev.advancedspark.common.RunnableExample;
import dev.advancedspark.common.cluster.ClassPathJvm;
import dev.advancedspark.common.cluster.SparkDaemons;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Spark Connect with token authentication, server and client in two JVMs with two class paths: the
 * server ({@link ConnectServer}) runs Spark; the client ({@link ConnectQuery}) has only {@code
 * spark-connect-client-jvm} and sends plans over gRPC. The client runs twice: with the server's
 * token (the answer and the server's plan come back) and with a wrong one (refused: {@code
 * UNAUTHENTICATED}).
 *
 * <pre>
 * bin/run-example SparkConnectExample
 * </pre>
 *
 * <p>Needs the client's class path file, {@code
 * part4-deployment/connect-client/target/connect-client.classpath}, which the {@code
 * part4-deployment/connect-client} module writes.
 */
@RunnableExample(
    "Spark Connect: a server JVM with a token, a thin client JVM; a wrong token refused")
public final class SparkConnectExample {

  /** System property with the path of the client's class-path file. */
  public static final String CLIENT_CLASSPATH_PROPERTY = "connect.client.classpath.file";

  static final ExampleArgs ARGS =
      ExampleArgs.forTool("SparkConnectExample")
          .option("work-dir", "target/part4/connect", "server and client logs go here")
          .count("rows", "1000", "rows the query aggregates on the server");

  private static final Duration KILL_AFTER = Duration.ofSeconds(30);

  private SparkConnectExample() {}

  /**
   * One run of the client JVM: its exit status, everything it printed, and whether it was stopped
   * (see {@link #runClient(String, long, int, Path, Predicate)}) instead of ending on its own.
   */
  public record ClientRun(int exitCode, String output, Path log, boolean stopped) {}

  /** A fresh random token (32 hex digits). */
  public static String newToken() {
    byte[] b = new byte[16];
    new SecureRandom().nextBytes(b);
    return HexFormat.of().formatHex(b);
  }

  /**
   * Runs {@link ConnectQuery} in a JVM of its own on the Connect client's class path, with {@code
   * SPARK_REMOTE=remote}; the client gives up after {@code timeoutSeconds} without an answer, and
   * is killed if it has not ended 30 s later.
   */
  public static ClientRun runClient(String remote, long rows, int timeoutSeconds, Path log) {
    return runClient(remote, rows, timeoutSeconds, log, output -> false);
  }

  /**
   * {@link #runClient(String, long, int, Path)}, but the client is stopped as soon as what it
   * printed so far satisfies {@code enough} (checked every 200 ms): for a test that needs to see
   * the client retry, not to wait for its deadline.
   */
  public static ClientRun runClient(
      String remote, long rows, int timeoutSeconds, Path log, Predicate<String> enough) {
    String classPath =
        String.join(
            File.pathSeparator,
            ConnectServer.classPathFromFile(
                CLIENT_CLASSPATH_PROPERTY, "connect-client.classpath", "connect-client"),
            // This module's classes (ConnectQuery) and common's (its argument parsing): neither
            // brings Spark classes of its own.
            ClassPathJvm.codeSource(ConnectQuery.class),
            ClassPathJvm.codeSource(Examples.class));
    List<String> cmd = new ArrayList<>();
    cmd.add(ClassPathJvm.javaBin());
    cmd.add("-Xmx512m");
    cmd.addAll(SparkDaemons.SMALL_JVM_OPTIONS);
    // Arrow, which carries the results, needs java.nio opened, like Spark itself.
    cmd.addAll(dev.advancedspark.part4.submit.SparkSubmitProcess.javaModuleOptions());
    cmd.add("-cp");
    cmd.add(classPath);
    cmd.add(ConnectQuery.class.getName());
    cmd.addAll(
        List.of(
            "--rows", String.valueOf(rows), "--timeout-seconds", String.valueOf(timeoutSeconds)));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().put(ConnectQuery.REMOTE_ENV, remote);
    pb.environment().remove("SPARK_HOME");
    pb.environment().remove(ConnectServer.TOKEN_ENV);
    pb.redirectErrorStream(true);
    try {
      Files.createDirectories(log.toAbsolutePath().getParent());
      pb.redirectOutput(log.toFile());
      Process p = pb.start();
      try {
        Duration limit = Duration.ofSeconds(timeoutSeconds).plus(KILL_AFTER);
        long deadline = System.nanoTime() + limit.toNanos();
        boolean stopped = false;
        // waitFor doubles as the poll interval and returns as soon as the client ends
        while (!p.waitFor(200, TimeUnit.MILLISECONDS)) {
          if (enough.test(Files.readString(log, StandardCharsets.UTF_8))) {
            p.destroyForcibly().waitFor(KILL_AFTER.toSeconds(), TimeUnit.SECONDS);
            stopped = true;
            break;
          }
          if (System.nanoTime() > deadline) {
            throw new IllegalStateException(
                "The Connect client did not end within "
                    + limit.toSeconds()
                    + " s; read "
                    + log.toAbsolutePath());
          }
        }
        return new ClientRun(
            p.isAlive() ? -1 : p.exitValue(),
            Files.readString(log, StandardCharsets.UTF_8),
            log,
            stopped);
      } finally {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot run the Connect client: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while the Connect client ran", e);
    }
  }

  public static void main(String[] args) {
    Examples.runTool(
        args,
        ARGS,
        opts -> {
          Path work = Path.of(opts.get("work-dir")).toAbsolutePath();
          long rows = opts.getPositiveLong("rows");
          String token = newToken();
          try (ConnectServer server = ConnectServer.start(work.resolve("server"), token)) {
            System.out.println(
                "server: SparkConnectServer pid "
                    + server.pid()
                    + " on 127.0.0.1:"
                    + server.port()
                    + ", token from "
                    + ConnectServer.TOKEN_ENV
                    + "; log "
                    + server.log());
            ClientRun ok =
                runClient(server.remote(token), rows, 60, work.resolve("client-right.log"));
            System.out.println("client with the server's token: exit " + ok.exitCode());
            System.out.print(ok.output().indent(2));
            ClientRun refused =
                runClient(server.remote(newToken()), rows, 60, work.resolve("client-wrong.log"));
            System.out.println("client with a wrong token: exit " + refused.exitCode());
            System.out.print(refused.output().indent(2));
          }
        });
  }
}
