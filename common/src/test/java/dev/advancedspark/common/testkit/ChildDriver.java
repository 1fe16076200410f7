package dev.advancedspark.common.testkit;

import dev.advancedspark.common.cluster.ParentWatchdog;
import dev.advancedspark.common.cluster.SparkDaemons;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * A Spark driver in its own JVM (an example's {@code main}), so that a test can kill it with
 * SIGKILL ({@link Process#destroyForcibly()}): no shutdown hook, no {@code finally}, no clean stop.
 * It runs under {@link ParentWatchdog}, so it also dies if the test JVM dies. Its output goes to a
 * log file, each line prefixed with the seconds since the start; each line is also handed to a
 * callback.
 */
public final class ChildDriver implements AutoCloseable {

  private final Process process;
  private final Path log;
  private final List<Predicate<String>> waiting = new ArrayList<>();
  private final List<CompletableFuture<String>> futures = new ArrayList<>();

  /** Every line so far, and where the next {@link #awaitLine} starts looking in it. */
  private final List<String> lines = new ArrayList<>();

  private int next;

  private ChildDriver(Process process, Path log) {
    this.process = process;
    this.log = log;
  }

  public static ChildDriver start(
      Class<?> mainClass, List<String> args, Path log, Consumer<String> onLine) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    // A short-lived driver on tiny data: the C1 compiler only (no C2 compile threads competing for
    // the 2 cores during start-up), one GC thread, a small heap.
    cmd.add("-Xmx768m");
    cmd.addAll(SparkDaemons.SMALL_JVM_OPTIONS);
    // Spark's Java 17+ flags, from Spark's own list (as for the daemons the kit starts).
    cmd.addAll(SparkDaemons.javaModuleOptions());
    // The test JVM's expression-codegen setting, if its module sets one (Part 5's poms do, see
    // part5.test.codegen), so that the child runs Spark as the test JVM does.
    String codegen = System.getProperty("spark.sql.codegen.factoryMode");
    if (codegen != null) {
      cmd.add("-Dspark.sql.codegen.factoryMode=" + codegen);
    }
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(ParentWatchdog.class.getName());
    cmd.add(Long.toString(ProcessHandle.current().pid()));
    cmd.add(mainClass.getName());
    cmd.addAll(args);
    try {
      Files.createDirectories(log.getParent());
      Process p =
          new ProcessBuilder(cmd)
              .redirectErrorStream(true)
              .redirectInput(ProcessBuilder.Redirect.PIPE)
              .start();
      ChildDriver child = new ChildDriver(p, log);
      Thread reader = new Thread(() -> child.pump(onLine), "child-driver-output");
      reader.setDaemon(true);
      reader.start();
      return child;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot start " + mainClass.getSimpleName(), e);
    }
  }

  private void pump(Consumer<String> onLine) {
    try (BufferedReader in =
            new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        PrintWriter out = new PrintWriter(Files.newBufferedWriter(log), true)) {
      String line;
      long start = System.nanoTime();
      while ((line = in.readLine()) != null) {
        // seconds since the start, so the log shows where a driver's time goes
        out.printf("%7.1f s  %s%n", (System.nanoTime() - start) / 1e9, line);
        onLine.accept(line);
        synchronized (this) {
          lines.add(line);
          for (int i = 0; i < waiting.size(); i++) {
            if (waiting.get(i).test(line) && futures.get(i).complete(line)) {
              next = lines.size();
            }
          }
        }
      }
    } catch (IOException e) {
      // the process was killed while we read: its output ends here
    }
  }

  /**
   * Waits for a stdout line that matches, printed since the line the previous call returned (also
   * one printed before this call: two children may print in either order), failing after {@code
   * timeout} or if the JVM exits.
   */
  public String awaitLine(Predicate<String> match, Duration timeout) throws InterruptedException {
    CompletableFuture<String> f = new CompletableFuture<>();
    synchronized (this) {
      for (int i = next; i < lines.size(); i++) {
        if (match.test(lines.get(i))) {
          next = i + 1;
          return lines.get(i);
        }
      }
      waiting.add(match);
      futures.add(f);
    }
    process.onExit().thenRun(() -> f.completeExceptionally(new IllegalStateException("exited")));
    try {
      return f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      throw new AssertionError(
          "The child driver did not print the expected line within "
              + timeout.toSeconds()
              + " s ("
              + (process.isAlive() ? "still running" : "exited " + process.exitValue())
              + "); see "
              + log,
          e);
    }
  }

  /** Writes one line to the child's standard input. */
  public void send(String line) {
    try {
      process.getOutputStream().write((line + "\n").getBytes(StandardCharsets.UTF_8));
      process.getOutputStream().flush();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write to the child driver; see " + log, e);
    }
  }

  /** SIGKILL, then wait until the process is gone. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      throw new AssertionError("The child driver survived SIGKILL for 60 s: pid " + process.pid());
    }
  }

  /** Waits for a normal exit and returns its status. */
  public int awaitExit(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError(
          "The child driver did not finish within " + timeout.toSeconds() + " s; see " + log);
    }
    return process.exitValue();
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      kill();
    }
  }
}
