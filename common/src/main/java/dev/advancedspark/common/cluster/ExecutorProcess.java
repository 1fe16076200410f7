package dev.advancedspark.common.cluster;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * An executor JVM ({@code CoarseGrainedExecutorBackend}) that a worker of a {@link
 * StandaloneCluster} launched for an application.
 *
 * @param executorId the id Spark gives the executor ({@code --executor-id}), as seen in listener
 *     events and the UI
 * @param appId the application it serves ({@code --app-id})
 * @param host the host it binds to ({@code --hostname}; 127.0.0.1 here)
 * @param process the OS process: {@code process().pid()}, {@code process().destroyForcibly()} (kill
 *     -9)
 */
public record ExecutorProcess(String executorId, String appId, String host, ProcessHandle process) {

  /** The operating system's process id. */
  public long pid() {
    return process.pid();
  }

  /** Recognises an executor JVM from its command line; null when it is not one. */
  static ExecutorProcess of(ProcessHandle handle) {
    String[] args = arguments(handle);
    if (args == null) {
      return null;
    }
    boolean executor = false;
    String id = null;
    String app = null;
    String host = null;
    for (int i = 0; i < args.length; i++) {
      if (args[i].endsWith("CoarseGrainedExecutorBackend")) {
        executor = true;
      } else if (args[i].equals("--executor-id") && i + 1 < args.length) {
        id = args[i + 1];
      } else if (args[i].equals("--app-id") && i + 1 < args.length) {
        app = args[i + 1];
      } else if (args[i].equals("--hostname") && i + 1 < args.length) {
        host = args[i + 1];
      }
    }
    return executor && id != null ? new ExecutorProcess(id, app, host, handle) : null;
  }

  /**
   * The process's arguments. On Linux the JDK's {@code ProcessHandle.Info} reads only the first 4
   * KiB of {@code /proc/<pid>/cmdline}, and an executor's command line (two copies of the
   * classpath) is longer: read the file whole.
   */
  private static String[] arguments(ProcessHandle handle) {
    Path cmdline = Path.of("/proc", String.valueOf(handle.pid()), "cmdline");
    if (Files.isReadable(cmdline)) {
      try {
        String all = new String(Files.readAllBytes(cmdline), StandardCharsets.UTF_8);
        return all.split("\0");
      } catch (IOException e) {
        return null; // the process has just exited
      }
    }
    return handle.info().arguments().orElse(null);
  }
}
