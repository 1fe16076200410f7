package dev.advancedspark.common.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * Starts the Master and Worker JVMs of a {@link StandaloneCluster} from this JVM's class path: the
 * command line (small heap, Spark's Java 17+ flags, under {@link ParentWatchdog}), the environment
 * the daemons read ({@code SPARK_HOME}, {@code SPARK_SCALA_VERSION}, loopback), their properties
 * files and their log configuration.
 */
final class DaemonLauncher {

  static final String MASTER_CLASS = "org.apache.spark.deploy.master.Master";
  static final String WORKER_CLASS = "org.apache.spark.deploy.worker.Worker";

  /** Master/worker logs: Spark's deploy classes at INFO (registrations, executor launches). */
  private static final String DAEMON_LOG4J = SparkDaemons.log4jConfig("org.apache.spark.deploy");

  private final ClusterSpec spec;
  private final Path log4jFile;
  private final Path masterProps;
  private final Path workerProps;

  /** A launcher for a spec whose work folder is prepared ({@link ClusterSpec#prepareWorkDir()}). */
  DaemonLauncher(ClusterSpec spec) {
    this.spec = spec;
    this.log4jFile = spec.workDir().resolve("log4j2-daemons.properties");
    try {
      Files.writeString(log4jFile, DAEMON_LOG4J);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write " + log4jFile, e);
    }
    this.masterProps = writeProperties("master.properties", spec.masterConf());
    this.workerProps = writeProperties("worker.properties", spec.workerConf());
  }

  /** The master on {@code rpcPort} with its web UI on {@code webUiPort}, logging to {@code log}. */
  Process startMaster(int rpcPort, int webUiPort, Path log) {
    return launch(MASTER_CLASS, masterCommand(rpcPort, webUiPort), log);
  }

  /** The master's command line, with the spec's {@code masterJavaOptions} before its main class. */
  List<String> masterCommand(int rpcPort, int webUiPort) {
    return SparkDaemons.command(
        spec.daemonHeap(),
        spec.masterJavaOptions(),
        log4jFile,
        spec.classPath(),
        MASTER_CLASS,
        List.of(
            "--host",
            StandaloneCluster.HOST,
            "--port",
            String.valueOf(rpcPort),
            "--webui-port",
            String.valueOf(webUiPort),
            "--properties-file",
            masterProps.toString()));
  }

  /** Worker number {@code index}, registering with {@code masterUrl}, logging to {@code log}. */
  Process startWorker(int index, String masterUrl, Path log) {
    return launch(WORKER_CLASS, workerCommand(index, masterUrl), log);
  }

  /** Worker number {@code index}'s command line. */
  List<String> workerCommand(int index, String masterUrl) {
    return SparkDaemons.command(
        spec.daemonHeap(),
        log4jFile,
        spec.classPath(),
        WORKER_CLASS,
        List.of(
            masterUrl,
            "--host",
            StandaloneCluster.HOST,
            "--port",
            "0",
            "--webui-port",
            "0",
            "--cores",
            String.valueOf(spec.coresPerWorker()),
            "--memory",
            spec.memoryPerWorker(),
            "--work-dir",
            spec.workDir().resolve("worker-" + index).toString(),
            "--properties-file",
            workerProps.toString()));
  }

  private Path writeProperties(String name, Map<String, String> conf) {
    Properties p = new Properties();
    // The REST submission server is not covered by spark.authenticate; a taken port must fail, not
    // silently move to the next one (the URL handed out would be wrong).
    p.setProperty("spark.master.rest.enabled", "false");
    p.setProperty("spark.port.maxRetries", "0");
    conf.forEach(p::setProperty);
    Path file = spec.workDir().resolve(name);
    try {
      // The file may carry spark.authenticate.secret: readable by its owner only, from creation on.
      ownerOnly(file);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot create " + file, e);
    }
    try (var out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      p.store(out, "Written by StandaloneCluster");
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write " + file, e);
    }
    return file;
  }

  /** Creates {@code file} empty with mode 600 where the file system has POSIX permissions. */
  static void ownerOnly(Path file) throws IOException {
    Files.deleteIfExists(file);
    if (file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
      Files.createFile(
          file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } else {
      Files.createFile(file);
    }
  }

  /** The daemons' properties files (master, worker), for checks. */
  List<Path> propertiesFiles() {
    return List.of(masterProps, workerProps);
  }

  private Process launch(String mainClass, List<String> command, Path log) {
    ProcessBuilder pb = new ProcessBuilder(command);
    SparkDaemons.environment(pb.environment(), spec.workDir().resolve("spark-home"));
    pb.directory(spec.workDir().toFile());
    pb.redirectErrorStream(true);
    pb.redirectOutput(log.toFile());
    try {
      return pb.start();
    } catch (IOException e) {
      throw new StandaloneClusterException("Cannot start " + mainClass + ": " + e.getMessage(), e);
    }
  }
}
