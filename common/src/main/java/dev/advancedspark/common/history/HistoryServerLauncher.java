package dev.advancedspark.common.history;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.advancedspark.common.BuildInfo;
import dev.advancedspark.common.Examples;
import dev.advancedspark.common.SparkSessions;
import dev.advancedspark.common.UsageException;
import dev.advancedspark.common.cluster.Ports;
import dev.advancedspark.common.cluster.SparkDaemons;
import dev.advancedspark.common.io.SparkFolders;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * Starts Spark's own History Server ({@code org.apache.spark.deploy.history.HistoryServer}) from
 * the Maven class path, over the event logs that examples write with {@code --event-log}: no Spark
 * distribution needed. Behind {@code bin/history-server}.
 *
 * <pre>{@code
 * bin/run-example EnvironmentCheckExample --event-log   # writes target/spark-events/local-...
 * bin/history-server                                      # http://127.0.0.1:18080, Ctrl-C stops it
 * }</pre>
 *
 * <p>The server runs in a JVM of its own (as {@code sbin/start-history-server.sh} would start it),
 * started the way the kit starts a standalone cluster's daemons ({@link SparkDaemons}): bound to
 * 127.0.0.1, on port 18080 or, when that is taken, a free port (it says so), ended with this JVM.
 * It refuses a missing or empty folder, or one without an event log, with a one-line message.
 */
public final class HistoryServerLauncher {

  /** Spark's class, started in its own JVM. */
  public static final String HISTORY_SERVER_CLASS = "org.apache.spark.deploy.history.HistoryServer";

  /** Spark's default History Server port ({@code spark.history.ui.port}). */
  public static final int DEFAULT_PORT = 18080;

  /** Where {@code --event-log} writes. */
  public static final Path DEFAULT_DIR = SparkSessions.TARGET.resolve("spark-events");

  /** How long the server may take to start and list the folder's applications. */
  public static final Duration START_TIMEOUT = Duration.ofSeconds(90);

  static final String USAGE =
      String.join(
          "\n",
          "Usage: bin/history-server [--dir FOLDER] [--port PORT]",
          "  --dir FOLDER   the event logs to show (default: target/spark-events,"
              + " where --event-log writes)",
          "  --port PORT    the port on 127.0.0.1 (default: 18080, or a free one if it is taken)",
          "  --help         print this text",
          "");

  /** Only INFO from the server itself ("Bound HistoryServer to ..."); the rest at WARN. */
  private static final String LOG4J =
      SparkDaemons.log4jConfig("org.apache.spark.deploy.history.HistoryServer");

  private HistoryServerLauncher() {}

  public static void main(String[] args) {
    Examples.exit(run(args, System.out, System.err));
  }

  /** The command: parse, check, start, print, then wait for Ctrl-C; returns the exit status. */
  static int run(String[] args, PrintStream out, PrintStream err) {
    Path dir = DEFAULT_DIR;
    Integer port = null;
    try {
      for (int i = 0; i < args.length; i++) {
        switch (args[i]) {
          case "--help", "-h" -> throw new UsageException(null, USAGE);
          case "--dir" -> dir = Path.of(valueOf(args, ++i, "--dir"));
          case "--port" -> port = parsePort(valueOf(args, ++i, "--port"));
          default -> throw new UsageException("Unknown argument '" + args[i] + "'.", USAGE);
        }
      }
      EventLogFolder folder = EventLogFolder.check(dir);
      int chosen = choosePort(port, DEFAULT_PORT, out);
      try (HistoryServerProcess server =
          start(folder, chosen, SparkSessions.TARGET.resolve("history-server"), START_TIMEOUT)) {
        printSummary(server, folder, out);
        Runtime.getRuntime()
            .addShutdownHook(new Thread(() -> out.println("Stopping the History Server.")));
        int status = server.waitFor();
        if (status == 130 || status == 143) {
          // Ctrl-C reached the server too (SIGINT, SIGTERM): it stopped, as asked
          return 0;
        }
        err.println("The History Server exited with code " + status + ". Its log: " + server.log());
        return 1;
      }
    } catch (UsageException e) {
      return Examples.report(e, out, err);
    } catch (HistoryServerException e) {
      err.println("error: " + e.getMessage());
      return 1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 1;
    }
  }

  private static String valueOf(String[] args, int i, String option) {
    if (i >= args.length || args[i].startsWith("--")) {
      throw new UsageException("Option '" + option + "' needs a value.", USAGE);
    }
    return args[i];
  }

  private static int parsePort(String value) {
    try {
      int port = Integer.parseInt(value);
      if (port >= 1 && port <= 65535) {
        return port;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new UsageException(
        "Option '--port' must be a port in 1..65535, got '" + value + "'.", USAGE);
  }

  /**
   * The port to use: {@code requested} when it is free (a taken one is an error: the reader asked
   * for it); else {@code preferred} when free; else a free port, said on {@code out}.
   */
  static int choosePort(Integer requested, int preferred, PrintStream out) {
    if (requested != null) {
      if (!bindable(requested)) {
        throw UsageException.problem(
            "Port "
                + requested
                + " on 127.0.0.1 is in use (another History Server?); leave out --port to get"
                + " a free one.");
      }
      return requested;
    }
    if (bindable(preferred)) {
      return preferred;
    }
    int port = Ports.freePort();
    out.println("Port " + preferred + " is in use; using port " + port + " instead.");
    return port;
  }

  /**
   * True when a server could bind {@code port} on 127.0.0.1 now, binding as Jetty does (with {@code
   * SO_REUSEADDR}): a port whose last connections linger in TIME_WAIT, after a previous server, is
   * free again.
   */
  static boolean bindable(int port) {
    try (ServerSocket s = new ServerSocket()) {
      s.setReuseAddress(true);
      s.bind(new InetSocketAddress(InetAddress.getByName(Ports.LOOPBACK), port));
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * Starts a History Server over {@code folder} on 127.0.0.1:{@code port} and waits until it lists
   * the folder's applications.
   *
   * @param workDir where its settings, log and empty {@code SPARK_HOME} go (wiped first)
   * @throws HistoryServerException when it could not bind the port, died, or was not ready within
   *     {@code timeout}; the process is ended then
   */
  public static HistoryServerProcess start(
      EventLogFolder folder, int port, Path workDir, Duration timeout) {
    if (!bindable(port)) {
      throw new HistoryServerException(
          "Port " + port + " on 127.0.0.1 is in use: the History Server could not bind it.");
    }
    Path work = workDir.toAbsolutePath();
    SparkFolders.deleteRecursively(work);
    Path log4j = work.resolve("log4j2.properties");
    Path props = work.resolve("history-server.properties");
    Path log = work.resolve("history-server.log");
    Map<String, String> conf = new LinkedHashMap<>();
    conf.put("spark.history.fs.logDirectory", folder.folder().toUri().toString());
    conf.put("spark.history.ui.port", String.valueOf(port));
    // a taken port must fail, not move silently to the next one (the URL printed would be wrong)
    conf.put("spark.port.maxRetries", "0");
    // pick up the logs of examples run while the server is up within seconds (default: 10 s)
    conf.put("spark.history.fs.update.interval", "2s");
    try {
      Files.createDirectories(work.resolve("spark-home").resolve("jars"));
      Files.writeString(log4j, LOG4J);
      Properties p = new Properties();
      conf.forEach(p::setProperty);
      try (var w = Files.newBufferedWriter(props, StandardCharsets.UTF_8)) {
        p.store(w, "Written by HistoryServerLauncher");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot prepare " + work, e);
    }
    ProcessBuilder pb =
        new ProcessBuilder(
            SparkDaemons.command(
                "512m",
                log4j,
                System.getProperty("java.class.path"),
                HISTORY_SERVER_CLASS,
                List.of("--properties-file", props.toString())));
    SparkDaemons.environment(pb.environment(), work.resolve("spark-home"));
    // the host name in the links the server writes
    pb.environment().put("SPARK_PUBLIC_DNS", Ports.LOOPBACK);
    pb.directory(work.toFile());
    pb.redirectErrorStream(true);
    pb.redirectOutput(log.toFile());
    Process process;
    try {
      process = pb.start();
    } catch (IOException e) {
      throw new HistoryServerException("Cannot start the History Server: " + e.getMessage());
    }
    HistoryServerProcess server = new HistoryServerProcess(process, port, log);
    try {
      server.awaitApplications(timeout);
      return server;
    } catch (RuntimeException e) {
      server.close();
      throw e;
    }
  }

  private static void printSummary(
      HistoryServerProcess server, EventLogFolder folder, PrintStream out) {
    out.println("History Server (Spark " + BuildInfo.sparkVersion() + "): " + server.url());
    out.println(
        "  reading "
            + shown(folder.folder())
            + ": "
            + folder.logs().size()
            + (folder.logs().size() == 1 ? " event log" : " event logs"));
    folder.warnings().forEach(w -> out.println("  note: " + w));
    try {
      JsonNode apps = new ObjectMapper().readTree(server.api("applications"));
      out.println("Applications:");
      for (JsonNode app : apps) {
        String id = app.path("id").asText();
        out.printf(
            "  %-28s %-32s %s/history/%s/jobs/%n", id, app.path("name").asText(), server.url(), id);
      }
    } catch (IOException e) {
      out.println("  (cannot list the applications: " + e.getMessage() + ")");
    }
    out.println("Ctrl-C stops it. Its log: " + shown(server.log()));
    out.flush();
  }

  /** A path under the working folder as a relative one (what the reader typed), else absolute. */
  static Path shown(Path path) {
    Path here = Path.of("").toAbsolutePath();
    Path p = path.toAbsolutePath().normalize();
    return p.startsWith(here) ? here.relativize(p) : p;
  }
}
