package dev.advancedspark.common.cluster;

/**
 * A standalone cluster that could not start or stopped working: a port already in use, a worker
 * that never registered, a master or worker that died. The message names what failed and the log
 * file to read; every process the launcher had started is already ended when this is thrown from
 * {@link StandaloneCluster.Builder#start()}.
 */
public final class StandaloneClusterException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public StandaloneClusterException(String message) {
    super(message);
  }

  public StandaloneClusterException(String message, Throwable cause) {
    super(message, cause);
  }
}
