package dev.advancedspark.common.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.spark.launcher.JavaModuleOptions;
import org.apache.spark.sql.SparkSession;

/**
 * A real Spark standalone cluster on this machine: one Master JVM and N Worker JVMs bound to
 * 127.0.0.1 on free ports, started from the current classpath (no Spark download, no {@code
 * SPARK_HOME} install). Applications that connect to it get executors that are separate OS
 * processes, launched by the workers, exactly as on a production standalone cluster.
 *
 * <pre>{@code
 * try (StandaloneCluster cluster =
 *     StandaloneCluster.builder().workers(2).coresPerWorker(1).workDir(Path.of("target/cluster")).start()) {
 *   SparkSession spark = cluster.session("my-app", Map.of());
 *   ... // spark.range(...) runs on the executors
 *   spark.stop();
 * } // every process the cluster started is ended here, executors included
 * }</pre>
 *
 * <p>Why each setting matters:
 *
 * <ul>
 *   <li>The workers build the executors' command line from {@code SPARK_HOME}; a folder with an
 *       empty {@code jars/} satisfies them, and {@code spark.executor.extraClassPath} (set by
 *       {@link #appConf()}) gives the executors the real classpath. Without it they die with
 *       "Cannot find any build directories".
 *   <li>Executors need Spark's Java 17 flags ({@link JavaModuleOptions#defaultModuleOptions()}):
 *       the driver's SparkContext adds them to {@code spark.executor.extraJavaOptions} itself (the
 *       executor command line in {@code work/<app>/<id>/stderr} shows them), so {@link #appConf()}
 *       does not repeat them. The daemons get them from this launcher.
 *   <li>The REST submission server is off ({@code spark.master.rest.enabled=false}): it is not
 *       covered by {@code spark.authenticate}.
 *   <li>{@code spark.port.maxRetries=0} for the daemons: Spark would otherwise silently move to the
 *       next port when one is taken, and the URL we hand out would be wrong.
 *   <li>Each daemon runs under {@link ParentWatchdog}: if the JVM that started the cluster dies
 *       without running its shutdown hooks, the daemons (and their executors) exit on their own.
 * </ul>
 *
 * <p>Faults are reported within a deadline with the log file to read, and every started process is
 * ended first: {@link StandaloneClusterException}.
 */
public final class StandaloneCluster implements AutoCloseable {

  /** The only address the cluster binds to and talks to. */
  public static final String HOST = "127.0.0.1";

  private static final Pattern MEMORY = Pattern.compile("\\d+[mMgG]");
  private static final Duration POLL = Duration.ofMillis(150);
  private static final Duration STOP_GRACE = Duration.ofSeconds(10);

  private final Builder spec;
  private final int masterPort;
  private final int webUiPort;
  private final Path logDir;
  private final HttpClient http;
  private final Map<Long, ProcessHandle> seen = new ConcurrentHashMap<>();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final List<Process> workers = new ArrayList<>();
  private final List<Path> workerLogs = new ArrayList<>();
  private Process master;
  private Path masterLog;
  private Thread monitor;
  private Thread shutdownHook;

  private StandaloneCluster(Builder spec, int masterPort, int webUiPort) {
    this.spec = spec;
    this.masterPort = masterPort;
    this.webUiPort = webUiPort;
    this.logDir = spec.workDir.resolve("logs");
    this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** What to start. Every setting has a default that works on a 2-core laptop. */
  public static final class Builder {
    private int workers = 2;
    private int coresPerWorker = 1;
    private String memoryPerWorker = "1g";
    private Path workDir = Path.of("target", "standalone-cluster");
    private int masterPort;
    private int webUiPort;
    private final Map<String, String> masterConf = new LinkedHashMap<>();
    private final Map<String, String> workerConf = new LinkedHashMap<>();
    private Duration masterTimeout = Duration.ofSeconds(60);
    private Duration workerTimeout = Duration.ofSeconds(60);
    private String classPath = System.getProperty("java.class.path");
    private String daemonHeap = "256m";

    private Builder() {}

    public Builder workers(int n) {
      this.workers = n;
      return this;
    }

    public Builder coresPerWorker(int n) {
      this.coresPerWorker = n;
      return this;
    }

    /** Memory a worker offers to executors, e.g. {@code "1g"} or {@code "768m"}. */
    public Builder memoryPerWorker(String memory) {
      this.memoryPerWorker = memory;
      return this;
    }

    /**
     * The folder for logs, the fake {@code SPARK_HOME} and the workers' work dirs; put it under
     * {@code target/}. It is wiped at start.
     */
    public Builder workDir(Path dir) {
      this.workDir = dir;
      return this;
    }

    /** A fixed master RPC port; default: a free one. */
    public Builder masterPort(int port) {
      this.masterPort = port;
      return this;
    }

    /** A fixed master web UI port (its {@code /json/} status is read too); default: a free one. */
    public Builder masterWebUiPort(int port) {
      this.webUiPort = port;
      return this;
    }

    /** A Spark setting for the master and the workers, e.g. {@code spark.authenticate=true}. */
    public Builder conf(String key, String value) {
      masterConf.put(key, value);
      workerConf.put(key, value);
      return this;
    }

    /** A Spark setting for the master only. */
    public Builder masterConf(String key, String value) {
      masterConf.put(key, value);
      return this;
    }

    /** A Spark setting for the workers only (e.g. a wrong secret, for a security lesson). */
    public Builder workerConf(String key, String value) {
      workerConf.put(key, value);
      return this;
    }

    /** How long the master may take to come up. */
    public Builder masterTimeout(Duration timeout) {
      this.masterTimeout = timeout;
      return this;
    }

    /** How long all workers may take to register with the master. */
    public Builder workerTimeout(Duration timeout) {
      this.workerTimeout = timeout;
      return this;
    }

    /** The classpath of daemons and executors; default: this JVM's {@code java.class.path}. */
    public Builder classPath(String classPath) {
      this.classPath = classPath;
      return this;
    }

    /**
     * Starts the master, then the workers, and returns once every worker has registered.
     *
     * @throws StandaloneClusterException when a port is taken, a process dies or a deadline passes;
     *     every process started so far is ended before it is thrown
     */
    public StandaloneCluster start() {
      validate();
      prepareWorkDir();
      boolean fixedPorts = masterPort != 0 || webUiPort != 0;
      int attempts = fixedPorts ? 1 : 3;
      for (int attempt = 1; ; attempt++) {
        int rpc = masterPort != 0 ? requireFree(masterPort, "master port") : freePort();
        int ui = webUiPort != 0 ? requireFree(webUiPort, "master web UI port") : freePort();
        StandaloneCluster cluster = new StandaloneCluster(this, rpc, ui);
        try {
          cluster.startAll();
          return cluster;
        } catch (StandaloneClusterException e) {
          cluster.close();
          if (!cluster.masterBindFailed() || attempt >= attempts) {
            throw e;
          }
          // Another process took the free port between our check and the master's bind: retry.
        } catch (RuntimeException | Error e) {
          cluster.close();
          throw e;
        }
      }
    }

    private void validate() {
      if (workers < 1 || coresPerWorker < 1) {
        throw new IllegalArgumentException(
            "workers and coresPerWorker must be at least 1, got "
                + workers
                + " and "
                + coresPerWorker);
      }
      if (memoryPerWorker == null || !MEMORY.matcher(memoryPerWorker).matches()) {
        throw new IllegalArgumentException(
            "memoryPerWorker must look like 512m or 1g, got '" + memoryPerWorker + "'");
      }
      if (classPath == null || classPath.isBlank()) {
        throw new IllegalArgumentException("classPath is empty: set it with classPath(...)");
      }
    }

    private void prepareWorkDir() {
      try {
        if (Files.exists(workDir)) {
          try (var walk = Files.walk(workDir)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
          }
        }
        // The workers want SPARK_HOME/jars to exist; the classes come from the classpath.
        Files.createDirectories(workDir.resolve("spark-home").resolve("jars"));
        Files.createDirectories(workDir.resolve("logs"));
        Files.writeString(workDir.resolve("log4j2-daemons.properties"), DAEMON_LOG4J);
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot prepare the cluster folder " + workDir, e);
      }
      workDir = workDir.toAbsolutePath();
    }
  }

  /** Master/worker logs: Spark's deploy classes at INFO (registrations, executor launches). */
  private static final String DAEMON_LOG4J =
      String.join(
          "\n",
          "rootLogger.level = warn",
          "rootLogger.appenderRef.stderr.ref = console",
          "appender.console.type = Console",
          "appender.console.name = console",
          "appender.console.target = SYSTEM_ERR",
          "appender.console.layout.type = PatternLayout",
          "appender.console.layout.pattern = %d{HH:mm:ss.SSS} %p %c{1}: %m%n%ex",
          "logger.deploy.name = org.apache.spark.deploy",
          "logger.deploy.level = info",
          "");

  // ---- starting --------------------------------------------------------------------------

  private void startAll() {
    masterLog = logDir.resolve("master.log");
    Path masterProps = writeProperties("master.properties", spec.masterConf);
    master =
        launch(
            "org.apache.spark.deploy.master.Master",
            List.of(
                "--host",
                HOST,
                "--port",
                String.valueOf(masterPort),
                "--webui-port",
                String.valueOf(webUiPort),
                "--properties-file",
                masterProps.toString()),
            masterLog);
    registerShutdownHook();
    awaitCondition(
        spec.masterTimeout,
        () -> {
          MasterStatus s = tryStatus();
          return s != null && "ALIVE".equals(s.status());
        },
        () -> "the master to come up at " + masterUrl() + " (web UI " + webUiUrl() + ")");

    Path workerProps = writeProperties("worker.properties", spec.workerConf);
    for (int i = 0; i < spec.workers; i++) {
      Path log = logDir.resolve("worker-" + i + ".log");
      Path dir = spec.workDir.resolve("worker-" + i);
      workerLogs.add(log);
      workers.add(
          launch(
              "org.apache.spark.deploy.worker.Worker",
              List.of(
                  masterUrl(),
                  "--host",
                  HOST,
                  "--port",
                  "0",
                  "--webui-port",
                  "0",
                  "--cores",
                  String.valueOf(spec.coresPerWorker),
                  "--memory",
                  spec.memoryPerWorker,
                  "--work-dir",
                  dir.toString(),
                  "--properties-file",
                  workerProps.toString()),
              log));
    }
    startMonitor();
    awaitAliveWorkers(spec.workers, spec.workerTimeout);
  }

  private Path writeProperties(String name, Map<String, String> conf) {
    Properties p = new Properties();
    p.setProperty("spark.master.rest.enabled", "false");
    p.setProperty("spark.port.maxRetries", "0");
    conf.forEach(p::setProperty);
    Path file = spec.workDir.resolve(name);
    try (var out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      p.store(out, "Written by StandaloneCluster");
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write " + file, e);
    }
    return file;
  }

  private Process launch(String mainClass, List<String> args, Path log) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx" + spec.daemonHeap);
    // Daemons do little work: a small heap, the serial GC and the C1 compiler spare the 2 cores.
    cmd.add("-XX:+UseSerialGC");
    cmd.add("-XX:TieredStopAtLevel=1");
    cmd.addAll(javaModuleOptions());
    cmd.add("-Dlog4j2.configurationFile=" + spec.workDir.resolve("log4j2-daemons.properties"));
    cmd.add("-cp");
    cmd.add(spec.classPath);
    cmd.add(ParentWatchdog.class.getName());
    cmd.add(String.valueOf(ProcessHandle.current().pid()));
    cmd.add(mainClass);
    cmd.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(cmd);
    Map<String, String> env = pb.environment();
    env.put("SPARK_HOME", spec.workDir.resolve("spark-home").toString());
    env.put("SPARK_SCALA_VERSION", "2.13");
    env.put("SPARK_LOCAL_IP", HOST);
    env.put("JAVA_HOME", System.getProperty("java.home"));
    env.remove("SPARK_CONF_DIR");
    pb.directory(spec.workDir.toFile());
    pb.redirectErrorStream(true);
    pb.redirectOutput(log.toFile());
    try {
      return pb.start();
    } catch (IOException e) {
      throw new StandaloneClusterException("Cannot start " + mainClass + ": " + e.getMessage(), e);
    }
  }

  /** Spark's own list of the JVM flags it needs on Java 17+. */
  static List<String> javaModuleOptions() {
    return Arrays.stream(JavaModuleOptions.defaultModuleOptions().split("\\s+"))
        .filter(s -> !s.isBlank())
        .toList();
  }

  // ---- waiting ---------------------------------------------------------------------------

  /**
   * Waits until at least {@code n} workers are alive in the master's view.
   *
   * @throws StandaloneClusterException naming what it waited for and the logs, when the deadline
   *     passes or a daemon dies
   */
  public MasterStatus awaitAliveWorkers(int n, Duration timeout) {
    MasterStatus[] last = new MasterStatus[1];
    awaitCondition(
        timeout,
        () -> {
          last[0] = tryStatus();
          return last[0] != null && last[0].hasAliveWorkers(n);
        },
        () ->
            n
                + " worker(s) to register with the master "
                + masterUrl()
                + " ("
                + (last[0] == null ? "none" : last[0].aliveWorkers())
                + " registered)");
    return last[0];
  }

  /**
   * Waits until {@code n} executor JVMs of application {@code appId} are running.
   *
   * @throws StandaloneClusterException when the deadline passes or a daemon dies
   */
  public List<ExecutorProcess> awaitExecutors(String appId, int n, Duration timeout) {
    awaitCondition(
        timeout,
        () -> executorProcesses(appId).size() >= n,
        () -> n + " executor process(es) of application " + appId);
    return executorProcesses(appId);
  }

  /**
   * Waits until the driver of {@code spark} has {@code n} executors registered (so that the next
   * job's tasks spread over all of them), and returns their processes.
   *
   * @throws StandaloneClusterException when the deadline passes or a daemon dies
   */
  public List<ExecutorProcess> awaitRegisteredExecutors(
      SparkSession spark, int n, Duration timeout) {
    String appId = spark.sparkContext().applicationId();
    awaitCondition(
        timeout,
        // getExecutorInfos() lists the driver too.
        () ->
            spark.sparkContext().statusTracker().getExecutorInfos().length >= n + 1
                && executorProcesses(appId).size() >= n,
        () ->
            n
                + " executor(s) of application "
                + appId
                + " to register with the driver ("
                + (spark.sparkContext().statusTracker().getExecutorInfos().length - 1)
                + " registered, "
                + executorProcesses(appId).size()
                + " running)");
    return executorProcesses(appId);
  }

  private void awaitCondition(Duration timeout, BooleanSupplier done, Supplier<String> what) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      requireRunning();
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
                + logSummary());
      }
      // Pause by waiting for the master to exit: a dying master ends the pause at once.
      try {
        master.onExit().get(POLL.toMillis(), TimeUnit.MILLISECONDS);
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

  /**
   * Throws if the master or a worker has exited: call it to check the cluster is still whole.
   *
   * @throws StandaloneClusterException naming the dead process, its exit code and its log file
   */
  public void requireRunning() {
    if (closed.get()) {
      throw new StandaloneClusterException("The cluster at " + masterUrl() + " was closed");
    }
    if (!master.isAlive()) {
      String tail = tail(masterLog);
      if (masterBindFailed()) {
        throw new StandaloneClusterException(
            "The master could not bind to "
                + HOST
                + ":"
                + masterPort
                + " or its web UI port "
                + webUiPort
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
              + tail);
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

  /** True when the master died because one of its ports was taken. */
  private boolean masterBindFailed() {
    if (master == null || master.isAlive()) {
      return false;
    }
    String log = tail(masterLog);
    return log.contains("Address already in use") || log.contains("BindException");
  }

  // ---- status ----------------------------------------------------------------------------

  /**
   * The master's own view ({@code /json/} of its web UI, on loopback).
   *
   * @throws StandaloneClusterException when the master is down or does not answer
   */
  public MasterStatus status() {
    requireRunning();
    try {
      return MasterStatus.parse(fetchStatus());
    } catch (IOException e) {
      requireRunning();
      throw new StandaloneClusterException(
          "The master at " + webUiUrl() + " does not answer: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StandaloneClusterException("Interrupted while reading the master status", e);
    }
  }

  private MasterStatus tryStatus() {
    try {
      return MasterStatus.parse(fetchStatus());
    } catch (IOException | UncheckedIOException e) {
      return null; // not up yet
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StandaloneClusterException("Interrupted while reading the master status", e);
    }
  }

  private String fetchStatus() throws IOException, InterruptedException {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(webUiUrl() + "/json/"))
            .timeout(Duration.ofSeconds(3))
            .GET()
            .build();
    HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IOException("HTTP " + response.statusCode() + " from " + request.uri());
    }
    return response.body();
  }

  /** {@code spark://127.0.0.1:<port>}: what applications pass as master. */
  public String masterUrl() {
    return "spark://" + HOST + ":" + masterPort;
  }

  /** The master's web UI, e.g. to open in a browser while an example runs. */
  public String webUiUrl() {
    return "http://" + HOST + ":" + webUiPort;
  }

  public int masterPort() {
    return masterPort;
  }

  public int webUiPort() {
    return webUiPort;
  }

  public Path workDir() {
    return spec.workDir;
  }

  public Path masterLog() {
    return masterLog;
  }

  public List<Path> workerLogs() {
    return List.copyOf(workerLogs);
  }

  /** The master JVM. */
  public ProcessHandle masterProcess() {
    return master.toHandle();
  }

  /** The worker JVMs, in start order. */
  public List<ProcessHandle> workerProcesses() {
    return workers.stream().map(Process::toHandle).toList();
  }

  /** The executor JVMs the workers are running now, for every application. */
  public List<ExecutorProcess> executorProcesses() {
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

  /** The executor JVMs the workers are running now for one application. */
  public List<ExecutorProcess> executorProcesses(String appId) {
    return executorProcesses().stream().filter(e -> appId.equals(e.appId())).toList();
  }

  // ---- applications ----------------------------------------------------------------------

  /**
   * The settings an application needs to run on this cluster from the same classpath: executor
   * classpath and JVM flags, driver on loopback, executors sized to the workers, UI off. When the
   * cluster was started with {@code spark.authenticate} (and friends), they are included, so the
   * app presents the same secret; remove them to show what happens without.
   */
  public Map<String, String> appConf() {
    Map<String, String> conf = new LinkedHashMap<>();
    conf.put("spark.driver.host", HOST);
    conf.put("spark.driver.bindAddress", HOST);
    conf.put("spark.executor.extraClassPath", spec.classPath);
    conf.put("spark.executor.cores", String.valueOf(spec.coresPerWorker));
    conf.put("spark.executor.memory", executorMemory());
    conf.put("spark.cores.max", String.valueOf(spec.workers * spec.coresPerWorker));
    conf.put("spark.ui.enabled", "false");
    conf.put("spark.ui.showConsoleProgress", "false");
    conf.put("spark.sql.shuffle.partitions", String.valueOf(2 * spec.workers));
    conf.put("spark.local.dir", spec.workDir.resolve("driver-local").toString());
    conf.put("spark.sql.warehouse.dir", spec.workDir.resolve("spark-warehouse").toString());
    spec.masterConf.forEach(
        (k, v) -> {
          if (k.startsWith("spark.authenticate") || k.startsWith("spark.network.crypto")) {
            conf.put(k, v);
          }
        });
    return conf;
  }

  /** A session builder for this cluster with {@link #appConf()}; add settings, then getOrCreate. */
  public SparkSession.Builder sessionBuilder(String appName) {
    SparkSession.Builder builder = SparkSession.builder().appName(appName).master(masterUrl());
    appConf().forEach(builder::config);
    return builder;
  }

  /**
   * A new session on this cluster ({@link #appConf()} plus {@code extraConf}).
   *
   * @throws IllegalStateException when this JVM already runs a SparkContext for another master:
   *     Spark allows one per JVM, and {@code getOrCreate()} would silently return the old one
   */
  public SparkSession session(String appName, Map<String, String> extraConf) {
    for (scala.Option<SparkSession> current :
        List.of(SparkSession.getActiveSession(), SparkSession.getDefaultSession())) {
      if (current.isDefined()
          && !current.get().sparkContext().isStopped()
          && !masterUrl().equals(current.get().sparkContext().master())) {
        throw new IllegalStateException(
            "A SparkContext for "
                + current.get().sparkContext().master()
                + " is already running in this JVM, and Spark allows one per JVM: stop it"
                + " before connecting to "
                + masterUrl());
      }
    }
    SparkSession.Builder builder = sessionBuilder(appName);
    extraConf.forEach(builder::config);
    return builder.getOrCreate();
  }

  private String executorMemory() {
    String m = spec.memoryPerWorker.toLowerCase();
    long mb = Long.parseLong(m.substring(0, m.length() - 1)) * (m.endsWith("g") ? 1024 : 1);
    return Math.min(512, mb) + "m";
  }

  // ---- stopping --------------------------------------------------------------------------

  /**
   * Ends every process the cluster started: workers and master get SIGTERM (a worker then stops its
   * executors), and whatever still runs after 10 s, executors included, is killed.
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

  /**
   * Remembers every executor the workers start, so that close() still finds one whose worker was
   * killed (an orphan is no longer the worker's descendant).
   */
  private void startMonitor() {
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

  private void recordDescendants() {
    for (Process w : workers) {
      w.toHandle().descendants().forEach(p -> seen.putIfAbsent(p.pid(), p));
    }
  }

  private void registerShutdownHook() {
    shutdownHook = new Thread(this::close, "standalone-cluster-shutdown");
    Runtime.getRuntime().addShutdownHook(shutdownHook);
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

  // ---- helpers ---------------------------------------------------------------------------

  private String logSummary() {
    return "master " + masterLog + (workerLogs.isEmpty() ? "" : ", workers " + workerLogs);
  }

  private static String tail(Path log) {
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

  /** A port the OS says is free now; another process may take it before we use it (retried). */
  static int freePort() {
    try (ServerSocket s = new ServerSocket()) {
      s.setReuseAddress(false);
      s.bind(new InetSocketAddress(InetAddress.getByName(HOST), 0));
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot find a free port on " + HOST, e);
    }
  }

  private static int requireFree(int port, String role) {
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException(role + " must be in 1..65535, got " + port);
    }
    try (ServerSocket s = new ServerSocket()) {
      s.setReuseAddress(false);
      s.bind(new InetSocketAddress(InetAddress.getByName(HOST), port));
      return port;
    } catch (IOException e) {
      throw new StandaloneClusterException(
          "Port "
              + port
              + " on "
              + HOST
              + " is already in use (asked for as the "
              + role
              + "): stop what holds it, or leave the port unset to get a free one.",
          e);
    }
  }
}
