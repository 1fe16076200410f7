package dev.advancedspark.common.cluster;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * A server in a JVM of its own, on a class path that a build module wrote to a file (Maven's {@code
 * dependency:build-classpath}): for servers whose jars cannot share the caller's class path (Part
 * 4's Spark Connect server, Part 5's Kafka broker). Reads the file (a missing one names the command
 * that builds it), starts the JVM under {@link ParentWatchdog} with its output in a log, waits with
 * a deadline until it is ready (a port that accepts connections, or any check), and ends it on
 * {@link #close()} or when this JVM exits.
 *
 * <pre>{@code
 * String cp = ClassPathJvm.readClassPathFile("my.classpath.file", List.of(Path.of(
 *     "my-server/target/my-server.classpath")), "mvn -pl my-server package");
 * ProcessBuilder pb = new ProcessBuilder(ClassPathJvm.command(List.of("-Xmx512m"), cp,
 *     "com.example.Server", List.of("--port", "" + port)));
 * try (ClassPathJvm server = ClassPathJvm.start("The example server", pb, log)) {
 *   server.awaitPort(port, Duration.ofSeconds(90));
 * }
 * }</pre>
 */
public final class ClassPathJvm implements AutoCloseable {

  private static final Duration POLL = Duration.ofMillis(200);

  private final String name;
  private final Process process;
  private final Path log;
  private final Thread shutdownHook;

  private ClassPathJvm(String name, Process process, Path log) {
    this.name = name;
    this.process = process;
    this.log = log;
    this.shutdownHook = new Thread(() -> SparkDaemons.stop(process), "stop " + name);
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  /**
   * The class path in a file a build wrote: at the path in system property {@code property} when it
   * is set, else the first of {@code candidates} that exists (e.g. relative to the repository root,
   * as {@code bin/run-example} runs, and to the module folder, as Maven's tests run).
   *
   * @throws IllegalStateException naming the file and {@code buildCommand} when it is missing or
   *     empty
   */
  public static String readClassPathFile(
      String property, List<Path> candidates, String buildCommand) {
    String configured = System.getProperty(property);
    Path file =
        configured != null
            ? Path.of(configured)
            : candidates.stream()
                .filter(Files::isRegularFile)
                .findFirst()
                .orElse(candidates.get(0));
    if (!Files.isRegularFile(file)) {
      throw new IllegalStateException(
          "The class path file "
              + file.toAbsolutePath()
              + " is missing. Build it with: "
              + buildCommand);
    }
    try {
      String cp = Files.readString(file, StandardCharsets.UTF_8).trim();
      if (cp.isEmpty()) {
        throw new IllegalStateException(
            "The class path file "
                + file.toAbsolutePath()
                + " is empty. Build it with: "
                + buildCommand);
      }
      return cp;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + file, e);
    }
  }

  /**
   * The command that runs {@code mainClass} with {@code args} in a JVM of its own, on {@code
   * classPath} plus common's classes (for {@link ParentWatchdog}, which ends it with this JVM).
   *
   * @param jvmOptions heap, GC and {@code -D} settings, before the class path
   */
  public static List<String> command(
      List<String> jvmOptions, String classPath, String mainClass, List<String> args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(javaBin());
    cmd.addAll(jvmOptions);
    cmd.add("-cp");
    cmd.add(classPath + File.pathSeparator + codeSource(ParentWatchdog.class));
    cmd.add(ParentWatchdog.class.getName());
    cmd.add(Long.toString(ProcessHandle.current().pid()));
    cmd.add(mainClass);
    cmd.addAll(args);
    return cmd;
  }

  /**
   * Starts {@code pb} (its environment and folder set by the caller) with stdout and stderr in
   * {@code log}; the JVM is ended by {@link #close()} or, at the latest, when this JVM exits.
   *
   * @param name what the server is, for messages: "The Kafka broker"
   */
  public static ClassPathJvm start(String name, ProcessBuilder pb, Path log) {
    try {
      Files.createDirectories(log.toAbsolutePath().getParent());
      pb.redirectErrorStream(true).redirectOutput(log.toFile());
      return new ClassPathJvm(name, pb.start(), log);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot start " + name + ": " + e.getMessage(), e);
    }
  }

  /**
   * Waits until {@code port} on 127.0.0.1 accepts a connection.
   *
   * @throws IllegalStateException when the JVM exits first or {@code timeout} passes, quoting the
   *     end of its log; the JVM is ended then
   */
  public void awaitPort(int port, Duration timeout) {
    await("listen on " + Ports.LOOPBACK + ":" + port, timeout, () -> accepts(port));
  }

  /**
   * Waits until {@code ready} is true, checking every 200 ms; {@code what} says what it waits for
   * ("answer a metadata request").
   *
   * @throws IllegalStateException when the JVM exits first or {@code timeout} passes, quoting the
   *     end of its log; the JVM is ended then
   */
  public void await(String what, Duration timeout, BooleanSupplier ready) {
    long deadline = System.nanoTime() + timeout.toNanos();
    try {
      while (true) {
        if (!process.isAlive()) {
          throw new IllegalStateException(
              name
                  + " exited (code "
                  + process.exitValue()
                  + ") before it could "
                  + what
                  + "; its log "
                  + log
                  + " ends with:\n  "
                  + SparkDaemons.tail(log));
        }
        if (ready.getAsBoolean()) {
          return;
        }
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(
              name
                  + " did not "
                  + what
                  + " within "
                  + timeout.toSeconds()
                  + " s; its log "
                  + log
                  + " ends with:\n  "
                  + SparkDaemons.tail(log));
        }
        // waitFor doubles as the poll interval and returns early if the JVM dies
        process.waitFor(POLL.toMillis(), TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      close();
      throw new IllegalStateException("Interrupted while waiting for " + name, e);
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  /** The JVM's log (its stdout and stderr). */
  public Path log() {
    return log;
  }

  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** Ends the JVM ({@link SparkDaemons#stop}: SIGTERM, then SIGKILL after 10 s). */
  @Override
  public void close() {
    SparkDaemons.stop(process);
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException alreadyShuttingDown) {
      // the hook is running or has run
    }
  }

  /** The {@code java} launcher of this JVM's runtime. */
  public static String javaBin() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /** The jar or folder a class was loaded from, for a class path. */
  public static String codeSource(Class<?> c) {
    try {
      return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    } catch (URISyntaxException e) {
      throw new IllegalStateException("Cannot locate the classes of " + c.getName(), e);
    }
  }

  private static boolean accepts(int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(Ports.LOOPBACK, port), 500);
      return true;
    } catch (IOException notYet) {
      return false;
    }
  }
}
