package dev.advancedspark.common.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

/**
 * The processes of one {@link StandaloneCluster} (master, workers, and every executor a worker ever
 * started), whether they still run, and their end: on {@link #close()}, or from a shutdown hook
 * when the JVM exits first. {@link ParentWatchdog} covers the case no hook runs (kill -9).
 */
final class ProcessReaper implements AutoCloseable {

  static final Duration POLL = Duration.ofMillis(150);
  private static final Duration STOP_GRACE = Duration.ofSeconds(10);

  private final Map<Long, ProcessHandle> seen = new ConcurrentHashMap<>();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final List<Process> workers = new ArrayList<>();
  private final List<Path> workerLogs = new ArrayList<>();
  private Process master;
  private Path masterLog;
  private Thread monitor;
  private Thread shutdownHook;

  /** Tracks the master; from now on the JVM's exit ends the cluster. */
  void master(Process process, Path log) {
    master = process;
    masterLog = log;
    shutdownHook = new Thread(this::close, "standalone-cluster-shutdown");
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  void worker(Process process, Path log) {
    workers.add(process);
    workerLogs.add(log);
  }

  Process master() {
    return master;
  }

  Path masterLog() {
    return masterLog;
  }

  List<Process> workers() {
    return List.copyOf(workers);
  }

  List<Path> workerLogs() {
    return List.copyOf(workerLogs);
  }

  boolean isClosed() {
    return closed.get();
  }

  /** The executor JVMs the workers are running now, for every application. */
  List<ExecutorProcess> executorProcesses() {
    List<ExecutorProcess> result = new ArrayList<>();
    for (Process w : workers) {
      w.toHandle()
          .descendants()
          .filter(ProcessHandle::isAlive)
          .map(ExecutorProcess::of)
          .filter(e -> e != null)
          .forEach(result::add);
    }
    return result;
  }

  /**
   * Throws when the master or a worker has exited.
   *
   * @param masterPorts how to name the master's ports when it could not bind them
   * @throws StandaloneClusterException naming the dead process, its exit code and its log file
   */
  void requireAlive(String masterPorts) {
    if (!master.isAlive()) {
      if (masterBindFailed()) {
        throw new StandaloneClusterException(
            "The master could not bind to "
                + masterPorts
                + ": port already in use. Master log: "
                + masterLog);
      }
      throw new StandaloneClusterException(
          "The Spark master (pid "
              + master.pid()
              + ") exited with code "
              + master.exitValue()
              + ". Master log: "
              + masterLog
              + "\n"
              + tail(masterLog));
    }
    for (int i = 0; i < workers.size(); i++) {
      Process w = workers.get(i);
      if (!w.isAlive()) {
        throw new StandaloneClusterException(
            "Spark worker "
                + i
                + " (pid "
                + w.pid()
                + ") exited with code "
                + w.exitValue()
                + ". Worker log: "
                + workerLogs.get(i)
                + "\n"
                + tail(workerLogs.get(i)));
      }
    }
  }

  /**
   * Throws when a worker's log shows that its connection to the master failed the authentication
   * handshake ({@code spark.authenticate} with a different secret): such a worker retries for
   * minutes and never registers, so a wait for it can end at once.
   *
   * @throws StandaloneClusterException naming the worker, the handshake's error and its log file
   */
  void requireWorkersAuthenticated(String masterUrl) {
    for (int i = 0; i < workerLogs.size(); i++) {
      String cause = authenticationFailure(workerLogs.get(i));
      if (cause != null) {
        throw new StandaloneClusterException(
            "Spark worker "
                + i
                + " could not authenticate with the master "
                + masterUrl
                + ": "
                + cause
                + ". The master and every worker need the same spark.authenticate settings and"
                + " secret. Worker log: "
                + workerLogs.get(i));
      }
    }
  }

  /**
   * The error of a failed authentication handshake in a daemon's log ("Exception while
   * bootstrapping client", caused by a SASL or Spark auth-protocol failure), else null.
   */
  static String authenticationFailure(Path log) {
    String text;
    try {
      text = Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
    } catch (IOException | UncheckedIOException e) {
      return null; // not readable yet: the next poll looks again
    }
    if (!text.contains("Exception while bootstrapping client")) {
      return null;
    }
    // The deepest authentication cause names the mechanism, e.g.
    // "javax.security.sasl.SaslException:
    // DIGEST-MD5: digest response format violation. Mismatched response."; later causes (the
    // worker's "Failed to connect to master", its retries) only follow from it.
    String cause = null;
    for (String line : text.split("\\R")) {
      String l = line.strip();
      if (l.startsWith("Caused by: ")
          && (l.contains("SaslException") || l.contains("Authentication failed"))) {
        cause = l.substring("Caused by: ".length());
      }
    }
    if (cause == null) {
      return null; // a handshake that timed out, say: not a wrong secret
    }
    return cause;
  }

  /** True when the master died because one of its ports was taken. */
  boolean masterBindFailed() {
    if (master == null || master.isAlive()) {
      return false;
    }
    String log = tail(masterLog);
    return log.contains("Address already in use") || log.contains("BindException");
  }

  /** The log files to read, for an error message. */
  String logSummary() {
    return "master " + masterLog + (workerLogs.isEmpty() ? "" : ", workers " + workerLogs);
  }

  /**
   * Remembers every executor the workers start, so that close() still finds one whose worker was
   * killed (an orphan is no longer the worker's descendant).
   */
  void startMonitor() {
    monitor =
        new Thread(
            () -> {
              while (!Thread.currentThread().isInterrupted() && !closed.get()) {
                recordDescendants();
                try {
                  Thread.sleep(POLL.toMillis());
                } catch (InterruptedException e) {
                  return;
                }
              }
            },
            "standalone-cluster-monitor");
    monitor.setDaemon(true);
    monitor.start();
  }

  /**
   * Ends every process: workers and master get SIGTERM (a worker then stops its executors), and
   * whatever still runs after 10 s, executors included, is killed.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    if (monitor != null) {
      monitor.interrupt();
    }
    recordDescendants();
    List<ProcessHandle> all = new ArrayList<>(seen.values());
    for (Process w : workers) {
      all.add(w.toHandle());
    }
    if (master != null) {
      master.toHandle().descendants().forEach(all::add);
      all.add(master.toHandle());
    }
    workers.forEach(Process::destroy);
    if (master != null) {
      master.destroy();
    }
    if (!awaitExit(all, STOP_GRACE)) {
      all.forEach(ProcessHandle::destroyForcibly);
      if (!awaitExit(all, STOP_GRACE)) {
        System.err.println(
            "StandaloneCluster: still running after kill -9: "
                + all.stream()
                    .filter(ProcessHandle::isAlive)
                    .map(p -> String.valueOf(p.pid()))
                    .collect(Collectors.joining(", ")));
      }
    }
    removeShutdownHook();
  }

  private void recordDescendants() {
    for (Process w : workers) {
      w.toHandle().descendants().forEach(p -> seen.putIfAbsent(p.pid(), p));
    }
  }

  private static boolean awaitExit(List<ProcessHandle> processes, Duration timeout) {
    CompletableFuture<?>[] exits =
        processes.stream().map(ProcessHandle::onExit).toArray(CompletableFuture[]::new);
    try {
      CompletableFuture.allOf(exits).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      return true;
    } catch (TimeoutException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } catch (ExecutionException e) {
      return processes.stream().noneMatch(ProcessHandle::isAlive);
    }
  }

  private void removeShutdownHook() {
    if (shutdownHook == null || Thread.currentThread() == shutdownHook) {
      return;
    }
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException e) {
      // The JVM is already shutting down: the hook runs (and returns at once) anyway.
    }
  }

  /** The last lines of a log, for an error message. */
  static String tail(Path log) {
    if (log == null || !Files.exists(log)) {
      return "";
    }
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
    } catch (IOException | UncheckedIOException e) {
      return "(cannot read " + log + ": " + e.getMessage() + ")";
    }
  }
}
