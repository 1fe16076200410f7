package dev.advancedspark.part5.security;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.lit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.luben.zstd.ZstdInputStream;
import dev.advancedspark.common.ExampleArgs;
import dev.advancedspark.common.Examples;
import dev.advancedspark.common.RunnableExample;
import dev.advancedspark.common.cluster.StandaloneCluster;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * A standalone cluster locked down the way an auditor asks for, on 127.0.0.1: every RPC
 * authenticated with a shared secret and encrypted with AES/GCM, shuffle and spill files encrypted
 * on the executors' disks, the REST submission server off, secrets redacted from the UI and event
 * logs.
 *
 * <pre>
 * bin/run-example SecuredClusterExample
 * </pre>
 *
 * Expected output: the job's row count from two executor JVMs; a probe with a wrong secret refused
 * in milliseconds; the REST port closed; shuffle files that do not contain the marker string the
 * job wrote; the secret nowhere in the event log. {@code SecuredClusterIT} proves each line,
 * including the driver without a secret that is refused after about a minute.
 */
@RunnableExample("Security: authenticated, AES/GCM-encrypted cluster; REST off; redaction")
public final class SecuredClusterExample {

  /** Spark's replacement text for a redacted value ({@code Utils.REDACTION_REPLACEMENT_TEXT}). */
  public static final String REDACTED = "*********(redacted)";

  /** The default {@code spark.redaction.regex}, plus {@code credential}. */
  public static final String REDACTION_REGEX = "(?i)secret|password|token|access[.]?key|credential";

  /** Card-number-shaped strings in query plans ({@code spark.sql.redaction.string.regex}). */
  public static final String SQL_REDACTION_REGEX = "\\d{4}-\\d{4}-\\d{4}-\\d{4}";

  static final ExampleArgs ARGS =
      ExampleArgs.forTool("SecuredClusterExample")
          .count("rows", "20000", "rows the job shuffles")
          .option("dir", "target/part5/secured-cluster", "folder for the cluster and its files");

  private SecuredClusterExample() {}

  // tag::cluster-conf[]
  /** For the master and the workers: authenticate every connection, then encrypt it. */
  public static Map<String, String> clusterConf(String secret) {
    Map<String, String> conf = new LinkedHashMap<>();
    conf.put("spark.authenticate", "true");
    conf.put("spark.authenticate.secret", secret); // from a mode-600 file, see ClusterSecret
    conf.put("spark.network.crypto.enabled", "true");
    conf.put("spark.network.crypto.cipher", "AES/GCM/NoPadding"); // default: AES/CTR/NoPadding
    conf.put("spark.network.crypto.authEngineVersion", "2");
    conf.put("spark.network.crypto.saslFallback", "false"); // no DIGEST-MD5 clients
    conf.put("spark.master.rest.enabled", "false"); // not covered by spark.authenticate
    return conf;
  }

  // end::cluster-conf[]

  // tag::app-conf[]
  /**
   * For a driver: the cluster's secret read from {@code secretFile}, the same RPC encryption,
   * encrypted local I/O (shuffle, spill, cached blocks on disk), redaction, and an event log.
   */
  public static Map<String, String> applicationConf(Path secretFile, Path eventLogDir) {
    Map<String, String> conf = new LinkedHashMap<>(clusterConf(ClusterSecret.read(secretFile)));
    conf.remove("spark.master.rest.enabled");
    conf.put("spark.io.encryption.enabled", "true");
    conf.put("spark.io.encryption.keySizeBits", "256");
    conf.put("spark.redaction.regex", REDACTION_REGEX);
    conf.put("spark.sql.redaction.string.regex", SQL_REDACTION_REGEX);
    conf.put("spark.eventLog.enabled", "true");
    conf.put("spark.eventLog.dir", eventLogDir.toAbsolutePath().toUri().toString());
    return conf;
  }

  // end::app-conf[]

  // tag::ui-conf[]
  /**
   * The driver UI over HTTPS only (plain HTTP answers with a redirect), readable by {@code
   * viewers}, with users authenticated by {@link TrustedHeaderUserFilter}.
   */
  public static Map<String, String> uiConf(
      Path keystore, String password, int httpPort, int httpsPort, String viewers) {
    Map<String, String> conf = new LinkedHashMap<>();
    conf.put("spark.ui.enabled", "true");
    conf.put("spark.ui.port", String.valueOf(httpPort));
    conf.put("spark.ssl.ui.enabled", "true");
    conf.put("spark.ssl.ui.port", String.valueOf(httpsPort));
    conf.put("spark.ssl.ui.keyStore", keystore.toAbsolutePath().toString());
    conf.put("spark.ssl.ui.keyStoreType", "PKCS12");
    conf.put("spark.ssl.ui.keyStorePassword", password);
    conf.put("spark.ssl.ui.keyPassword", password);
    conf.put("spark.ssl.ui.protocol", "TLSv1.3");
    conf.put("spark.ui.filters", TrustedHeaderUserFilter.class.getName());
    conf.put("spark.acls.enable", "true");
    conf.put("spark.ui.view.acls", viewers);
    conf.put("spark.admin.acls", "");
    return conf;
  }

  // end::ui-conf[]

  /** Rows whose text column carries {@code marker}, shuffled into four partitions. */
  public static Dataset<Row> markedShuffle(SparkSession spark, String marker, long rows) {
    return spark
        .range(0, rows, 1, 4)
        .select(concat(lit(marker), col("id").cast("string")).as("v"), col("id").mod(4).as("k"))
        .repartition(4, col("k"));
  }

  /** True when something accepts TCP connections on {@code host:port} within 2 s. */
  public static boolean portOpen(String host, int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(host, port), 2000);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * The event log files under {@code dir} that contain {@code text}. Spark 4 compresses event logs
   * with zstd by default ({@code spark.eventLog.compress}, {@code .zstd} files): they are read
   * through the codec, as the History Server does.
   */
  public static List<Path> eventLogsContaining(Path dir, String text) {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> files = Files.walk(dir)) {
      return files
          .filter(Files::isRegularFile)
          .filter(f -> !f.getFileName().toString().startsWith("."))
          .filter(f -> readEventLog(f).contains(text))
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot list " + dir, e);
    }
  }

  /**
   * The SQL executions recorded in the event logs under {@code dir}: for each, the plan text (the
   * SQL tab's "Details", {@code physicalPlanDescription}, redacted with {@code
   * spark.sql.redaction.string.regex}) and the plan graph ({@code sparkPlanInfo}, whose node labels
   * Spark 4.2 writes WITHOUT that redaction).
   */
  public static List<SqlExecution> sqlExecutions(Path dir) {
    ObjectMapper json = new ObjectMapper();
    List<SqlExecution> result = new java.util.ArrayList<>();
    for (Path f : eventLogsContaining(dir, "SparkListenerSQLExecutionStart")) {
      for (String line : readEventLog(f).split("\n")) {
        if (!line.contains("SparkListenerSQLExecutionStart")) {
          continue;
        }
        try {
          JsonNode e = json.readTree(line);
          result.add(
              new SqlExecution(
                  e.path("physicalPlanDescription").asText(), e.path("sparkPlanInfo").toString()));
        } catch (IOException ex) {
          throw new UncheckedIOException("Cannot parse an event in " + f, ex);
        }
      }
    }
    return result;
  }

  /**
   * @param planDescription the plan text of the SQL tab
   * @param planGraph the plan graph's nodes as JSON
   */
  public record SqlExecution(String planDescription, String planGraph) {}

  /** One event log file as text, decompressed when it ends in {@code .zstd}. */
  public static String readEventLog(Path file) {
    try (InputStream raw = Files.newInputStream(file);
        InputStream in =
            file.getFileName().toString().endsWith(".zstd") ? new ZstdInputStream(raw) : raw) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the event log " + file, e);
    }
  }

  /** The walk-through of {@code main}: a secured cluster under {@code dir}, each check printed. */
  static void walkThrough(ExampleArgs.Parsed opts) {
    Path dir = Path.of(opts.get("dir")).toAbsolutePath();
    Path secretFile = dir.resolve("secret");
    Path events = dir.resolve("events");
    String secret = ClusterSecret.generate(secretFile);
    int restPort = 6066;
    try (StandaloneCluster cluster = start(dir.resolve("cluster"), secret, restPort)) {
      RpcAuthProbe.Result wrong =
          RpcAuthProbe.connect(StandaloneCluster.HOST, cluster.masterPort(), "not-the-secret", 10);
      RpcAuthProbe.Result right =
          RpcAuthProbe.connect(StandaloneCluster.HOST, cluster.masterPort(), secret, 10);
      System.out.println("probe with the wrong secret: " + wrong.message());
      System.out.println("probe with the right secret: " + right.message());
      System.out.println(
          "REST submission port "
              + restPort
              + ": "
              + (portOpen("127.0.0.1", restPort) ? "OPEN" : "closed"));
      Files.createDirectories(events);
      Map<String, String> conf = applicationConf(secretFile, events);
      conf.put("spark.myjob.warehouse.credential", "wh-" + secret.substring(0, 8));
      SparkSession spark = cluster.session("SecuredClusterExample", conf);
      try {
        String marker = "PLAINTEXT-MARKER-";
        long rows = opts.getPositiveLong("rows");
        // A full write, not count(): count() would prune the text column out of the shuffle.
        markedShuffle(spark, marker, rows).write().format("noop").mode("overwrite").save();
        System.out.println("rows shuffled between the executors: " + rows);
        ShuffleFiles.Scan scan = ShuffleFiles.scan(dir.resolve("cluster"), marker);
        System.out.printf(
            "shuffle files: %d (%,d bytes), containing the marker in plain text: %d%n",
            scan.files(), scan.bytes(), scan.withMarker());
      } finally {
        spark.stop();
      }
      System.out.println(
          "event log files containing the secret: " + eventLogsContaining(events, secret).size());
    } catch (IOException e) {
      // Examples.runTool prints the message, without a stack trace, and exits with 1.
      throw new UncheckedIOException(e.getMessage(), e);
    }
  }

  /** A cluster of two one-core workers with {@link #clusterConf}, the REST port pinned. */
  public static StandaloneCluster start(Path workDir, String secret, int restPort) {
    return builder(workDir, secret, restPort).start();
  }

  /** What {@link #start} starts, to add to before it starts. */
  public static StandaloneCluster.Builder builder(Path workDir, String secret, int restPort) {
    StandaloneCluster.Builder b =
        StandaloneCluster.builder()
            .workers(2)
            .coresPerWorker(1)
            .memoryPerWorker("1g")
            .workDir(workDir)
            // Deadlines, not expectations: a few seconds alone, minutes on a loaded machine.
            .masterTimeout(java.time.Duration.ofMinutes(3))
            .workerTimeout(java.time.Duration.ofMinutes(3))
            .masterConf("spark.master.rest.port", String.valueOf(restPort))
            // The executors' scratch space (shuffle files) under the cluster folder.
            .workerConf("spark.local.dir", workDir.resolve("worker-local").toString());
    clusterConf(secret).forEach(b::conf);
    return b;
  }

  public static void main(String[] args) {
    Examples.runTool(args, ARGS, SecuredClusterExample::walkThrough);
  }
}
