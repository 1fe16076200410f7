package dev.advancedspark.common.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Talks to a running master: its status ({@code /json/} of the web UI, on loopback) and the waits
 * on it. Every wait has a deadline, checks between polls that the cluster is still whole, and ends
 * at once when the master dies.
 */
final class MasterClient {

  private final String webUiUrl;
  private final Process master;
  private final Runnable requireRunning;
  private final Supplier<String> logs;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  /**
   * @param requireRunning throws when a daemon has died (called before each poll)
   * @param logs the log files to name when a wait times out
   */
  MasterClient(String webUiUrl, Process master, Runnable requireRunning, Supplier<String> logs) {
    this.webUiUrl = webUiUrl;
    this.master = master;
    this.requireRunning = requireRunning;
    this.logs = logs;
  }

  /**
   * The master's view.
   *
   * @throws StandaloneClusterException when the master is down or does not answer
   */
  MasterStatus status() {
    requireRunning.run();
    try {
      return MasterStatus.parse(fetch());
    } catch (IOException e) {
      requireRunning.run();
      throw new StandaloneClusterException(
          "The master at " + webUiUrl + " does not answer: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StandaloneClusterException("Interrupted while reading the master status", e);
    }
  }

  /** The master's view, or null while it does not answer (starting up). */
  MasterStatus tryStatus() {
    try {
      return MasterStatus.parse(fetch());
    } catch (IOException | UncheckedIOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StandaloneClusterException("Interrupted while reading the master status", e);
    }
  }

  /** Waits until the master reports itself ALIVE. */
  void awaitAlive(Duration timeout, String masterUrl) {
    await(
        timeout,
        () -> {
          MasterStatus s = tryStatus();
          return s != null && "ALIVE".equals(s.status());
        },
        () -> "the master to come up at " + masterUrl + " (web UI " + webUiUrl + ")");
  }

  /**
   * Waits until at least {@code n} workers are alive in the master's view; returns that view.
   *
   * @param workersCheck throws when a worker can never register (called while they have not)
   */
  MasterStatus awaitAliveWorkers(int n, Duration timeout, String masterUrl, Runnable workersCheck) {
    MasterStatus[] last = new MasterStatus[1];
    await(
        timeout,
        () -> {
          last[0] = tryStatus();
          if (last[0] != null && last[0].hasAliveWorkers(n)) {
            return true;
          }
          workersCheck.run();
          return false;
        },
        () ->
            n
                + " worker(s) to register with the master "
                + masterUrl
                + " ("
                + (last[0] == null ? "none" : last[0].aliveWorkers())
                + " registered)");
    return last[0];
  }

  /**
   * Polls {@code done} until it holds.
   *
   * @throws StandaloneClusterException naming {@code what} and the logs when {@code timeout}
   *     passes, or the dead daemon when one dies
   */
  void await(Duration timeout, BooleanSupplier done, Supplier<String> what) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      requireRunning.run();
      if (done.getAsBoolean()) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new StandaloneClusterException(
            "Timed out after "
                + timeout.toMillis()
                + " ms waiting for "
                + what.get()
                + ". Read the logs: "
                + logs.get());
      }
      // Pause by waiting for the master to exit: a dying master ends the pause at once.
      try {
        master.onExit().get(ProcessReaper.POLL.toMillis(), TimeUnit.MILLISECONDS);
      } catch (TimeoutException e) {
        // The usual case: the master is still running; poll again.
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new StandaloneClusterException("Interrupted while waiting for " + what.get(), e);
      } catch (ExecutionException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  private String fetch() throws IOException, InterruptedException {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(webUiUrl + "/json/"))
            .timeout(Duration.ofSeconds(3))
            .GET()
            .build();
    HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IOException("HTTP " + response.statusCode() + " from " + request.uri());
    }
    return response.body();
  }
}
