package dev.advancedspark.part4.connect;

import dev.advancedspark.common.cluster.ClassPathJvm;
import dev.advancedspark.common.cluster.ParentWatchdog;
import dev.advancedspark.common.cluster.Ports;
import dev.advancedspark.common.cluster.SparkDaemons;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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

  private static final String LOG4J =
      SparkDaemons.log4jConfig("org.apache.spark.sql.connect.service");

  private final ClassPathJvm jvm;
  private final int port;

  private ConnectServer(ClassPathJvm jvm, int port) {
    this.jvm = jvm;
    this.port = port;
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
    Path log4j = workDir.resolve("log4j2-connect-server.properties");
    try {
      Files.createDirectories(workDir);
      Files.writeString(log4j, LOG4J);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot prepare the Spark Connect server in " + workDir, e);
    }
    int port = Ports.freePort();
    List<String> options = new ArrayList<>(List.of("-Xmx1g"));
    // A small server for tiny queries: the serial GC and the C1 compiler spare the 2 cores.
    options.addAll(SparkDaemons.SMALL_JVM_OPTIONS);
    options.addAll(SparkDaemons.javaModuleOptions());
    options.add("-Dlog4j2.configurationFile=" + log4j.toUri());
    // SparkConf reads spark.* system properties: the same settings --conf would give.
    serverConf(port, workDir.toAbsolutePath()).forEach((k, v) -> options.add("-D" + k + "=" + v));
    ProcessBuilder pb =
        new ProcessBuilder(ClassPathJvm.command(options, classPath, SERVER_CLASS, List.of()));
    pb.environment().put(TOKEN_ENV, token);
    pb.environment().put("SPARK_LOCAL_IP", Ports.LOOPBACK);
    // Scratch space under workDir (spark.local.dir would do the same, with a warning).
    pb.environment().put("SPARK_LOCAL_DIRS", workDir.resolve("local").toAbsolutePath().toString());
    pb.environment().remove("SPARK_HOME");
    pb.environment().remove("SPARK_CONF_DIR");
    pb.environment().remove("SPARK_REMOTE");
    pb.directory(workDir.toFile());
    ClassPathJvm jvm =
        ClassPathJvm.start("The Spark Connect server", pb, workDir.resolve("connect-server.log"));
    // the gRPC server binds once the SparkContext is up
    jvm.awaitPort(port, READY_TIMEOUT);
    return new ConnectServer(jvm, port);
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
    return jvm.log();
  }

  public long pid() {
    return jvm.pid();
  }

  public boolean isAlive() {
    return jvm.isAlive();
  }

  @Override
  public void close() {
    jvm.close();
  }

  /**
   * The class path in a file the build wrote: at the path in system property {@code property}, or
   * under part4-deployment (from the repository root, as bin/run-example runs) or the module folder
   * (as Maven's tests run).
   */
  static String classPathFromFile(String property, String fileName, String subModule) {
    String rel = subModule + "/target/" + fileName;
    return ClassPathJvm.readClassPathFile(
        property,
        List.of(Path.of("part4-deployment", rel), Path.of(rel)),
        "mvn -pl part4-deployment/" + subModule + " -am package -DskipTests");
  }
}
