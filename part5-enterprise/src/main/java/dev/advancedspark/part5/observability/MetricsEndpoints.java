package dev.advancedspark.part5.observability;

import dev.advancedspark.common.ExampleArgs;
import dev.advancedspark.common.Examples;
import dev.advancedspark.common.RunnableExample;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.SparkSession;

/**
 * Metrics out of the driver the way operators scrape them: the two Prometheus endpoints of the
 * driver's UI port, read over loopback HTTP, a CSV sink for machines without a scraper, and a JMX
 * sink for agents that read MBeans (a JMX exporter, a JVM monitoring agent).
 *
 * <ul>
 *   <li>{@code /metrics/prometheus}: Spark's metrics system through the {@code PrometheusServlet}
 *       sink ({@code spark.metrics.conf.*.sink.prometheusServlet.*}): driver gauges, counters and
 *       timers (DAGScheduler, BlockManager, JVM, executor metrics).
 *   <li>{@code /metrics/executors/prometheus}: one series per executor ({@code
 *       spark.ui.prometheus.enabled}, an internal setting whose default is true in 4.2; set here so
 *       the intent is visible).
 * </ul>
 *
 * Both live on the UI port: a UI switched off has no endpoint, and a UI port open to a network
 * needs the same TLS and filters as the UI itself (see {@code SecuredClusterExample}).
 *
 * <pre>
 * bin/run-example MetricsEndpoints
 * </pre>
 */
@RunnableExample("Observability: Prometheus endpoints, CSV and JMX sinks, read back")
public final class MetricsEndpoints {

  static final ExampleArgs ARGS =
      ExampleArgs.forTool("MetricsEndpoints")
          .option("dir", "target/part5/metrics", "folder for the CSV sink");

  /** One sample of the Prometheus text format: name, labels as written, value. */
  public record Sample(String name, String labels, double value) {}

  private static final Pattern LINE =
      Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{[^}]*\\})?\\s+(\\S+)$");

  private MetricsEndpoints() {}

  // tag::metrics-conf[]
  /**
   * Settings for a driver whose UI port serves both Prometheus endpoints, plus a CSV sink and a JMX
   * sink (MBeans in the platform MBean server, domain {@code metrics}).
   */
  public static Map<String, String> metricsConf(int uiPort, Path csvDir) {
    try {
      Files.createDirectories(csvDir); // the CSV sink does not create it
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("Cannot create " + csvDir, e);
    }
    Map<String, String> conf = new LinkedHashMap<>();
    conf.put("spark.ui.enabled", "true");
    conf.put("spark.ui.port", String.valueOf(uiPort));
    conf.put("spark.ui.prometheus.enabled", "true");
    conf.put(
        "spark.metrics.conf.*.sink.prometheusServlet.class",
        "org.apache.spark.metrics.sink.PrometheusServlet");
    conf.put("spark.metrics.conf.*.sink.prometheusServlet.path", "/metrics/prometheus");
    conf.put("spark.metrics.conf.*.sink.csv.class", "org.apache.spark.metrics.sink.CsvSink");
    conf.put("spark.metrics.conf.*.sink.csv.period", "1");
    conf.put("spark.metrics.conf.*.sink.csv.unit", "seconds");
    conf.put("spark.metrics.conf.*.sink.csv.directory", csvDir.toAbsolutePath().toString());
    conf.put("spark.metrics.conf.*.sink.jmx.class", "org.apache.spark.metrics.sink.JmxSink");
    conf.put("spark.metrics.appStatusSource.enabled", "true"); // job/stage/task counters
    // Series names start with the namespace, by default the application id, which changes every
    // run (metrics_local_1795984525519_driver_...): name them after the app instead.
    conf.put("spark.metrics.namespace", "${spark.app.name}");
    return conf;
  }

  // end::metrics-conf[]

  /** A local session with {@link #metricsConf}. */
  public static SparkSession session(String appName, int uiPort, Path csvDir) {
    SparkSession.Builder b =
        SparkSession.builder()
            .master("local[2]")
            .appName(appName)
            .config("spark.driver.host", "127.0.0.1")
            .config("spark.driver.bindAddress", "127.0.0.1")
            .config("spark.sql.shuffle.partitions", "2");
    metricsConf(uiPort, csvDir).forEach(b::config);
    return b.getOrCreate();
  }

  /** GETs {@code http://127.0.0.1:port + path} and parses the Prometheus text format. */
  public static List<Sample> scrape(int port, String path)
      throws IOException, InterruptedException {
    HttpClient http =
        HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NORMAL) // /metrics/prometheus -> .../prometheus/
            .build();
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(60))
                .GET()
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IOException("HTTP " + r.statusCode() + " from " + path);
    }
    return parse(r.body());
  }

  /** The samples of a Prometheus text-format page (comments and blank lines skipped). */
  public static List<Sample> parse(String body) {
    return body.lines()
        .filter(l -> !l.isBlank() && !l.startsWith("#"))
        .map(
            l -> {
              Matcher m = LINE.matcher(l.strip());
              if (!m.matches()) {
                throw new IllegalArgumentException("Not a Prometheus sample: " + l);
              }
              return new Sample(
                  m.group(1), m.group(2) == null ? "" : m.group(2), Double.parseDouble(m.group(3)));
            })
        .toList();
  }

  // tag::jmx-read[]
  /**
   * The value of one metric as the JMX sink publishes it: MBean {@code metrics:name=<metric
   * name>,type=<gauges|counters|...>}, attribute {@code Value} (gauges) or {@code Count}
   * (counters). Same JVM: the platform MBean server; from outside, the same name over a JMX
   * connector.
   */
  public static Object jmxValue(String metricName, String type, String attribute)
      throws javax.management.JMException {
    javax.management.MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    return server.getAttribute(
        new javax.management.ObjectName("metrics:name=" + metricName + ",type=" + type), attribute);
  }

  // end::jmx-read[]

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket()) {
      s.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
      return s.getLocalPort();
    }
  }

  public static void main(String[] args) {
    // A tool, not Examples.run: the metrics settings must be on the session before it starts.
    Examples.runTool(args, ARGS, MetricsEndpoints::scrapeOnce);
  }

  static void scrapeOnce(ExampleArgs.Parsed opts) {
    int port;
    try {
      port = freePort();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("No free loopback port: " + e.getMessage(), e);
    }
    SparkSession spark = session("MetricsEndpoints", port, Path.of(opts.get("dir")));
    try {
      spark.range(0, 1_000_000, 1, 4).selectExpr("id % 10 AS k").groupBy("k").count().collect();
      for (String path : List.of("/metrics/prometheus", "/metrics/executors/prometheus")) {
        List<Sample> samples;
        try {
          samples = scrape(port, path);
        } catch (IOException e) {
          throw new java.io.UncheckedIOException("Cannot read " + path + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("Interrupted while reading " + path, e);
        }
        System.out.println(path + ": " + samples.size() + " samples, e.g.");
        samples.stream()
            .filter(s -> s.name().contains("completedTasks") || s.name().contains("allJobs"))
            .limit(4)
            .forEach(s -> System.out.println("  " + s.name() + s.labels() + " " + s.value()));
      }
    } finally {
      spark.stop();
    }
  }
}
