package dev.advancedspark.common.cluster;

import dev.advancedspark.common.io.SparkFolders;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What {@link StandaloneCluster.Builder} was asked for, checked and frozen: the one input of the
 * launcher, the master client and the application profile.
 *
 * @param workDir the cluster's folder (absolute)
 * @param masterPort 0 for a free port
 * @param webUiPort 0 for a free port
 * @param masterJavaOptions JVM options for the master only, before its main class
 */
record ClusterSpec(
    int workers,
    int coresPerWorker,
    String memoryPerWorker,
    Path workDir,
    int masterPort,
    int webUiPort,
    Map<String, String> masterConf,
    Map<String, String> workerConf,
    Duration masterTimeout,
    Duration workerTimeout,
    String classPath,
    String daemonHeap,
    List<String> masterJavaOptions) {

  private static final Pattern MEMORY = Pattern.compile("\\d+[mMgG]");

  ClusterSpec {
    workDir = workDir.toAbsolutePath();
    masterConf = Map.copyOf(masterConf);
    workerConf = Map.copyOf(workerConf);
    masterJavaOptions = List.copyOf(masterJavaOptions);
    for (String option : masterJavaOptions) {
      if (!option.startsWith("-")) {
        throw new IllegalArgumentException(
            "masterJavaOptions takes JVM options (starting with '-'), got '" + option + "'");
      }
    }
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

  /** True when a port was fixed by the caller: then a taken port is an error, not a retry. */
  boolean fixedPorts() {
    return masterPort != 0 || webUiPort != 0;
  }

  /**
   * Wipes and recreates the work folder: logs, and the fake {@code SPARK_HOME} whose empty {@code
   * jars/} the workers insist on.
   */
  void prepareWorkDir() {
    SparkFolders.deleteRecursively(workDir);
    try {
      Files.createDirectories(workDir.resolve("spark-home").resolve("jars"));
      Files.createDirectories(logDir());
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot prepare the cluster folder " + workDir, e);
    }
  }

  Path logDir() {
    return workDir.resolve("logs");
  }

  /** Executor heap for applications: what a worker offers, capped at 512 MiB. */
  String executorMemory() {
    String m = memoryPerWorker.toLowerCase(java.util.Locale.ROOT);
    long mb = Long.parseLong(m.substring(0, m.length() - 1)) * (m.endsWith("g") ? 1024 : 1);
    return Math.min(512, mb) + "m";
  }
}
