package dev.advancedspark.common.history;

import dev.advancedspark.common.cluster.SparkDaemons;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A running History Server JVM: its URL, a REST client for {@code /api/v1}, and its end, on {@link
 * #close()} or when this JVM exits (a shutdown hook; the server's {@code ParentWatchdog} covers a
 * {@code kill -9} of this JVM).
 */
public final class HistoryServerProcess implements AutoCloseable {

  private static final Duration STOP_GRACE = Duration.ofSeconds(10);

  private final Process process;
  private final int port;
  private final Path log;
  private final HttpClient http;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final Thread shutdownHook;

  HistoryServerProcess(Process process, int port, Path log) {
    this.process = process;
    this.port = port;
    this.log = log;
    // HTTP/1.1: Spark's Jetty does not answer the HTTP/2 upgrade the JDK client tries first.
    this.http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    this.shutdownHook = new Thread(this::close, "history-server-shutdown");
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  /** {@code http://127.0.0.1:PORT}. */
  public String url() {
    return "http://127.0.0.1:" + port;
  }

  public int port() {
    return port;
  }

  /** The server's own log (stdout and stderr). */
  public Path log() {
    return log;
  }

  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /**
   * GETs {@code /api/v1/<path>} and returns the JSON body.
   *
   * @throws IOException when the server does not answer 200 within 30 s (its first REST call starts
   *     Jersey)
   */
  public String api(String path) throws IOException {
    String url = url() + "/api/v1/" + path;
    try {
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).build(),
              HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        throw new IOException("GET " + url + " answered " + response.statusCode());
      }
      return response.body();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("Interrupted while reading " + url, e);
    }
  }

  /**
   * Waits until the server answers and lists at least one application (its first scan of the folder
   * is done).
   *
   * @throws HistoryServerException when the server died (a taken port, named as such) or did not
   *     list an application within {@code timeout}
   */
  void awaitApplications(Duration timeout) {
    Instant deadline = Instant.now().plus(timeout);
    String last = "no answer";
    while (Instant.now().isBefore(deadline)) {
      if (!process.isAlive()) {
        String tail = SparkDaemons.tail(log);
        if (tail.contains("Address already in use") || tail.contains("BindException")) {
          throw new HistoryServerException(
              "Port " + port + " on 127.0.0.1 is in use: the History Server could not bind it.");
        }
        throw new HistoryServerException(
            "The History Server exited with code "
                + process.exitValue()
                + ". Its log: "
                + log
                + "\n"
                + tail);
      }
      if (!SparkDaemons.tail(log).contains("Bound HistoryServer")) {
        // not bound yet: whatever answers on the port now is not this server
        last = "the server has not bound its port yet";
        pause();
        continue;
      }
      try {
        String apps = api("applications");
        if (apps.contains("\"id\"")) {
          return;
        }
        last = "no application listed yet";
      } catch (IOException e) {
        last = e.getMessage();
      }
      pause();
    }
    close();
    throw new HistoryServerException(
        "The History Server did not list an application within "
            + timeout.toSeconds()
            + " s ("
            + last
            + "). Its log: "
            + log
            + "\n"
            + SparkDaemons.tail(log));
  }

  private static void pause() {
    try {
      TimeUnit.MILLISECONDS.sleep(200);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new HistoryServerException("Interrupted while waiting for the History Server");
    }
  }

  /** Blocks until the server exits (Ctrl-C). */
  public int waitFor() throws InterruptedException {
    return process.waitFor();
  }

  /** Stops the server: SIGTERM (its shutdown hook stops the UI), then kill after 10 s. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    ProcessHandle handle = process.toHandle();
    var children = handle.descendants().toList();
    process.destroy();
    try {
      if (!process.waitFor(STOP_GRACE.toSeconds(), TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(STOP_GRACE.toSeconds(), TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    children.forEach(ProcessHandle::destroyForcibly);
    if (Thread.currentThread() != shutdownHook) {
      try {
        Runtime.getRuntime().removeShutdownHook(shutdownHook);
      } catch (IllegalStateException e) {
        // the JVM is shutting down: the hook runs (and returns at once) anyway
      }
    }
  }
}
