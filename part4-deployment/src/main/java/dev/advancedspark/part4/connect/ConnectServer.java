package dev.advancedspark.part4.connect;

import dev.advancedspark.common.cluster.ParentWatchdog;
import dev.advancedspark.common.cluster.Ports;
import dev.advancedspark.common.cluster.SparkDaemons;
import dev.advancedspark.part4.submit.SparkSubmitProcess;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A Spark Connect server in a JVM of its own, started from Maven jars ({@code spark-connect_2.13}'s
 * {@code SparkConnectServer}, the class {@code sbin/start-connect-server.sh} submits), bound to
 * 127.0.0.1 on a free port, requiring a pre-shared token.
 *
 * <pre>{@code
 * try (ConnectServer server = ConnectServer.start(Path.of("target/connect"), token)) {
 *   // clients connect to server.remote(token): sc://localhost:PORT/;token=...
 * } // the server JVM is ended here, pass or fail
 * }</pre>
 *
 * <p>The token reaches the server through the environment variable {@value #TOKEN_ENV}, which Spark
 * reads when {@code spark.connect.authenticate.token} is not set ({@code
 * Connect.getAuthenticateToken}): a secret on the command line would be visible to every user of
 * the machine in {@code ps}. The server then checks each call's {@code Authorization: Bearer
 * <token>} header ({@code PreSharedKeyAuthenticationInterceptor}).
 *
 * <p>Its class path is Spark's own plus {@code spark-connect} and {@code spark-mllib}, written by
 * the {@code part4-deployment/connect-server} module to {@code
 * part4-deployment/connect-server/target/connect-server.classpath} (system property {@value
 * #CLASSPATH_PROPERTY} overrides the location). The server runs under {@link ParentWatchdog}: it
 * exits when the JVM that started it dies without running its shutdown hooks.
 */
public final class ConnectServer implements AutoCloseable {

  /** System property with the path of the server's class-path file. */
  public static final String CLASSPATH_PROPERTY = "connect.server.classpath.file";

  /** The environment variable Spark's Connect server reads its token from. */
  public static final String TOKEN_ENV = "SPARK_CONNECT_AUTHENTICATE_TOKEN";

  static final String SERVER_CLASS = "org.apache.spark.sql.connect.service.SparkConnectServer";

  private static final Duration READY_TIMEOUT = Duration.ofSeconds(90);
  private static final Duration POLL = Duration.ofMillis(200);

  private static final String LOG4J =
      SparkDaemons.log4jConfig("org.apache.spark.sql.connect.service");

  private final Process process;
  private final int port;
  private final Path log;
  private final Thread shutdownHook;

  private ConnectServer(Process process, int port, Path log) {
    this.process = process;
    this.port = port;
    this.log = log;
    this.shutdownHook = new Thread(() -> SparkDaemons.stop(process), "stop-connect-server");
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  // tag::server-conf[]
  /** The server's settings: loopback only, a small local Spark behind it. */
  static Map<String, String> serverConf(int port, Path workDir) {
    Map<String, String> conf = new LinkedHashMap<>();
    conf.put("spark.master", "local[2]");
    // gRPC listens on this address and port only (default: all interfaces, port 15002).
    conf.put("spark.connect.grpc.binding.address", Ports.LOOPBACK);
    conf.put("spark.connect.grpc.binding.port", String.valueOf(port));
    conf.put("spark.driver.host", Ports.LOOPBACK);
    conf.put("spark.driver.bindAddress", Ports.LOOPBACK);
    conf.put("spark.ui.enabled", "false");
    conf.put("spark.sql.shuffle.partitions", "2");
    conf.put("spark.sql.warehouse.dir", workDir.resolve("warehouse").toString());
    // No spark.connect.authenticate.token here: the token comes from
    // SPARK_CONNECT_AUTHENTICATE_TOKEN.
    return conf;
  }

  // end::server-conf[]

  /**
   * Starts a server requiring {@code token}, in a fresh {@code workDir}; returns once its port
   * accepts connections, or fails within 90 s naming its log.
   */
  public static ConnectServer start(Path workDir, String token) {
    if (token == null || token.isBlank()) {
      throw new IllegalArgumentException("a Connect server here always requires a token");
    }
    String classPath =
        classPathFromFile(CLASSPATH_PROPERTY, "connect-server.classpath", "connect-server");
    try {
      Files.createDirectories(workDir);
      Path log4j = workDir.resolve("log4j2-connect-server.properties");
      Files.writeString(log4j, LOG4J);
      Path log = workDir.resolve("connect-server.log");
      int port = Ports.freePort();
      List<String> cmd = new ArrayList<>();
      cmd.add(javaBin());
      cmd.addAll(List.of("-Xmx1g", "-XX:+UseSerialGC"));
      cmd.addAll(SparkSubmitProcess.javaModuleOptions());
      cmd.add("-Dlog4j2.configurationFile=" + log4j.toUri());
      // SparkConf reads spark.* system properties: the same settings --conf would give.
      serverConf(port, workDir.toAbsolutePath()).forEach((k, v) -> cmd.add("-D" + k + "=" + v));
      cmd.add("-cp");
      cmd.add(classPath + java.io.File.pathSeparator + codeSource(ParentWatchdog.class));
      cmd.add(ParentWatchdog.class.getName());
      cmd.add(Long.toString(ProcessHandle.current().pid()));
      cmd.add(SERVER_CLASS);
      ProcessBuilder pb = new ProcessBuilder(cmd);
      pb.environment().put(TOKEN_ENV, token);
      pb.environment().put("SPARK_LOCAL_IP", Ports.LOOPBACK);
      // Scratch space under workDir (spark.local.dir would do the same, with a warning).
      pb.environment()
          .put("SPARK_LOCAL_DIRS", workDir.resolve("local").toAbsolutePath().toString());
      pb.environment().remove("SPARK_HOME");
      pb.environment().remove("SPARK_CONF_DIR");
      pb.environment().remove("SPARK_REMOTE");
      pb.directory(workDir.toFile());
      pb.redirectErrorStream(true).redirectOutput(log.toFile());
      ConnectServer server = new ConnectServer(pb.start(), port, log);
      try {
        server.awaitReady();
      } catch (RuntimeException e) {
        server.close();
        throw e;
      }
      return server;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot start the Spark Connect server in " + workDir, e);
    }
  }

  /** The port the server listens on, on 127.0.0.1. */
  public int port() {
    return port;
  }

  /**
   * The connection string a client needs: {@code sc://localhost:PORT/;token=TOKEN}. The host must
   * be spelled {@code localhost}: Spark's client sends a token without TLS only to a host named
   * exactly that ({@code SparkConnectClient.Configuration}); to any other host, {@code 127.0.0.1}
   * included, it opens a TLS channel, which this plaintext server does not speak.
   */
  public String remote(String token) {
    return "sc://localhost:" + port + "/;token=" + token;
  }

  /** The server's log (its stdout and stderr). */
  public Path log() {
    return log;
  }

  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  @Override
  public void close() {
    SparkDaemons.stop(process);
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException alreadyShuttingDown) {
      // the hook is running or has run
    }
  }

  private void awaitReady() {
    long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
    while (true) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            "The Spark Connect server exited (code "
                + process.exitValue()
                + "); its log "
                + log
                + " ends with:\n  "
                + SparkDaemons.tail(log));
      }
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress(Ports.LOOPBACK, port), 500);
        return;
      } catch (IOException notYet) {
        // the gRPC server binds once the SparkContext is up
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "The Spark Connect server did not listen on "
                + Ports.LOOPBACK
                + ":"
                + port
                + " within "
                + READY_TIMEOUT.toSeconds()
                + " s; its log "
                + log
                + " ends with:\n  "
                + SparkDaemons.tail(log));
      }
      try {
        // waitFor doubles as the poll interval and returns early if the server dies
        process.waitFor(POLL.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("Interrupted while starting the Connect server", e);
      }
    }
  }

  static String javaBin() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /**
   * The class path in a file the build wrote: at the path in system property {@code property}, or
   * under part4-deployment (from the repository root, as bin/run-example runs) or the module folder
   * (as Maven's tests run).
   */
  static String classPathFromFile(String property, String fileName, String subModule) {
    String configured = System.getProperty(property);
    String rel = (subModule.isEmpty() ? "" : subModule + "/") + "target/" + fileName;
    Path file =
        configured != null
            ? Path.of(configured)
            : Stream.of(Path.of("part4-deployment", rel), Path.of(rel))
                .filter(Files::isRegularFile)
                .findFirst()
                .orElse(Path.of("part4-deployment", rel));
    if (!Files.isRegularFile(file)) {
      String module = "part4-deployment" + (subModule.isEmpty() ? "" : "/" + subModule);
      throw new IllegalStateException(
          "The class path file "
              + file.toAbsolutePath()
              + " is missing. Build it with: mvn -pl "
              + module
              + " -am package -DskipTests");
    }
    try {
      String cp = Files.readString(file, StandardCharsets.UTF_8).trim();
      if (cp.isEmpty()) {
        throw new IllegalStateException("The class path file is empty: " + file);
      }
      return cp;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The jar or folder a class was loaded from. */
  static String codeSource(Class<?> c) {
    try {
      return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }
}
