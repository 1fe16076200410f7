package dev.advancedspark.common.cluster;

import dev.advancedspark.common.SparkSessions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
 *
 * <p>This class is the front; the work is done by package-private parts, one per concern: {@code
 * ClusterSpec} (what the builder was asked for, checked), {@code DaemonLauncher} (the daemons'
 * command lines and environment), {@code MasterClient} (status and waits, each with a deadline) and
 * {@code ProcessReaper} (which processes run, and ending them all).
 */
public final class StandaloneCluster implements AutoCloseable {

  /** The only address the cluster binds to and talks to. */
  public static final String HOST = Ports.LOOPBACK;

  private final ClusterSpec spec;
  private final int masterPort;
  private final int webUiPort;
  private final ProcessReaper processes = new ProcessReaper();
  private MasterClient client;

  private StandaloneCluster(ClusterSpec spec, int masterPort, int webUiPort) {
    this.spec = spec;
    this.masterPort = masterPort;
    this.webUiPort = webUiPort;
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
    private final List<String> masterJavaOptions = new ArrayList<>();

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

    /**
     * JVM options for the master's JVM only, placed before its main class, e.g. {@code
     * -Dcom.sun.management.jmxremote.port=...}: what {@code SPARK_MASTER_OPTS} in {@code
     * conf/spark-env.sh} does for {@code sbin/start-master.sh}. A Spark setting ({@link
     * #masterConf}) goes to the master's properties file instead, which the master reads after its
     * JVM has started, and only for {@code spark.*} keys: too late, and the wrong place, for what
     * the JVM itself acts on at start, such as its remote JMX agent.
     */
    public Builder masterJavaOptions(String... options) {
      masterJavaOptions.addAll(List.of(options));
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
      ClusterSpec spec =
          new ClusterSpec(
              workers,
              coresPerWorker,
              memoryPerWorker,
              workDir,
              masterPort,
              webUiPort,
              masterConf,
              workerConf,
              masterTimeout,
              workerTimeout,
              classPath,
              "256m",
              masterJavaOptions);
      spec.prepareWorkDir();
      DaemonLauncher launcher = new DaemonLauncher(spec);
      int attempts = spec.fixedPorts() ? 1 : 3;
      for (int attempt = 1; ; attempt++) {
        int rpc = masterPort != 0 ? requireFree(masterPort, "master port") : Ports.freePort();
        int ui = webUiPort != 0 ? requireFree(webUiPort, "master web UI port") : Ports.freePort();
        StandaloneCluster cluster = new StandaloneCluster(spec, rpc, ui);
        try {
          cluster.startAll(launcher);
          return cluster;
        } catch (StandaloneClusterException e) {
          cluster.close();
          if (!cluster.processes.masterBindFailed() || attempt >= attempts) {
            throw e;
          }
          // Another process took the free port between our check and the master's bind: retry.
        } catch (RuntimeException | Error e) {
          cluster.close();
          throw e;
        }
      }
    }

    private static int requireFree(int port, String role) {
      if (port < 1 || port > 65535) {
        throw new IllegalArgumentException(role + " must be in 1..65535, got " + port);
      }
      if (!Ports.isFree(port)) {
        throw new StandaloneClusterException(
            "Port "
                + port
                + " on "
                + HOST
                + " is already in use (asked for as the "
                + role
                + "): stop what holds it, or leave the port unset to get a free one.");
      }
      return port;
    }
  }

  private void startAll(DaemonLauncher launcher) {
    Path masterLog = spec.logDir().resolve("master.log");
    Process master = launcher.startMaster(masterPort, webUiPort, masterLog);
    processes.master(master, masterLog);
    client = new MasterClient(webUiUrl(), master, this::requireRunning, processes::logSummary);
    client.awaitAlive(spec.masterTimeout(), masterUrl());
    for (int i = 0; i < spec.workers(); i++) {
      Path log = spec.logDir().resolve("worker-" + i + ".log");
      processes.worker(launcher.startWorker(i, masterUrl(), log), log);
    }
    processes.startMonitor();
    awaitAliveWorkers(spec.workers(), spec.workerTimeout());
  }

  // ---- waiting ---------------------------------------------------------------------------

  /**
   * Waits until at least {@code n} workers are alive in the master's view. A worker whose log shows
   * that the master refused its authentication (a different {@code spark.authenticate.secret}) ends
   * the wait at once: it would retry for minutes and never register.
   *
   * @throws StandaloneClusterException naming what it waited for and the logs, when the deadline
   *     passes, a daemon dies or a worker cannot authenticate
   */
  public MasterStatus awaitAliveWorkers(int n, Duration timeout) {
    return client.awaitAliveWorkers(
        n, timeout, masterUrl(), () -> processes.requireWorkersAuthenticated(masterUrl()));
  }

  /**
   * Waits until {@code n} executor JVMs of application {@code appId} are running.
   *
   * @throws StandaloneClusterException when the deadline passes or a daemon dies
   */
  public List<ExecutorProcess> awaitExecutors(String appId, int n, Duration timeout) {
    client.await(
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
    client.await(
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

  /**
   * Throws if the master or a worker has exited: call it to check the cluster is still whole.
   *
   * @throws StandaloneClusterException naming the dead process, its exit code and its log file
   */
  public void requireRunning() {
    if (processes.isClosed()) {
      throw new StandaloneClusterException("The cluster at " + masterUrl() + " was closed");
    }
    processes.requireAlive(HOST + ":" + masterPort + " or its web UI port " + webUiPort);
  }

  // ---- status ----------------------------------------------------------------------------

  /**
   * The master's own view ({@code /json/} of its web UI, on loopback).
   *
   * @throws StandaloneClusterException when the master is down or does not answer
   */
  public MasterStatus status() {
    return client.status();
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
    return spec.workDir();
  }

  public Path masterLog() {
    return processes.masterLog();
  }

  public List<Path> workerLogs() {
    return processes.workerLogs();
  }

  /** The master JVM. */
  public ProcessHandle masterProcess() {
    return processes.master().toHandle();
  }

  /** The worker JVMs, in start order. */
  public List<ProcessHandle> workerProcesses() {
    return processes.workers().stream().map(Process::toHandle).toList();
  }

  /** The executor JVMs the workers are running now, for every application. */
  public List<ExecutorProcess> executorProcesses() {
    return processes.executorProcesses();
  }

  /** The executor JVMs the workers are running now for one application. */
  public List<ExecutorProcess> executorProcesses(String appId) {
    return executorProcesses().stream().filter(e -> appId.equals(e.appId())).toList();
  }

  // ---- applications ----------------------------------------------------------------------

  /**
   * The settings an application needs to run on this cluster from the same classpath: {@link
   * SparkSessions#clusterProfile} (driver on loopback, UI off, scratch space under the cluster's
   * folder) plus the executor classpath, executors sized to the workers, and few shuffle
   * partitions. When the cluster was started with {@code spark.authenticate} (and friends), they
   * are included, so the app presents the same secret; remove them to show what happens without.
   */
  public Map<String, String> appConf() {
    Map<String, String> conf =
        new LinkedHashMap<>(SparkSessions.clusterProfile(spec.workDir().resolve("driver")));
    conf.put("spark.executor.extraClassPath", spec.classPath());
    conf.put("spark.executor.cores", String.valueOf(spec.coresPerWorker()));
    conf.put("spark.executor.memory", spec.executorMemory());
    conf.put("spark.cores.max", String.valueOf(spec.workers() * spec.coresPerWorker()));
    conf.put("spark.sql.shuffle.partitions", String.valueOf(2 * spec.workers()));
    spec.masterConf()
        .forEach(
            (k, v) -> {
              if (k.startsWith("spark.authenticate") || k.startsWith("spark.network.crypto")) {
                conf.put(k, v);
              }
            });
    return conf;
  }

  /** A session builder for this cluster with {@link #appConf()}; add settings, then getOrCreate. */
  public SparkSession.Builder sessionBuilder(String appName) {
    return SparkSessions.builder(appName, masterUrl(), appConf());
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

  /**
   * Ends every process the cluster started: workers and master get SIGTERM (a worker then stops its
   * executors), and whatever still runs after 10 s, executors included, is killed.
   */
  @Override
  public void close() {
    processes.close();
  }
}
