package dev.advancedspark.part4.spot;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

/**
 * Sends a standalone Worker the signal a cloud's spot-interruption handler would send: {@code
 * SIGPWR}, the default of {@code spark.worker.decommission.signal}. A Worker started with {@code
 * spark.decommission.enabled=true} registers a handler for it and decommissions itself: it tells
 * the Master, which tells each application's driver, which decommissions the executors on that
 * worker (they stop taking tasks, migrate their blocks, then exit). Without the setting the signal
 * is not handled and ends the JVM.
 *
 * <p>Java cannot send arbitrary signals, so this runs the {@code kill} command (Linux and macOS).
 * Spark's own {@code DecommissionWorkerSuite} sends the Master a {@code DecommissionWorkers}
 * message in-process instead; the Master's web UI has {@code POST /workers/kill/?host=...}, which
 * decommissions every worker on a host (all of them, on a one-machine cluster like this one).
 *
 * <p>Generic cluster mechanics: a candidate for {@code common}'s cluster package.
 */
public final class WorkerSignals {

  private WorkerSignals() {}

  /**
   * Sends {@code SIGPWR} to {@code worker}, or to an executor JVM: an executor of an application
   * with {@code spark.decommission.enabled=true} handles it too ({@code
   * spark.executor.decommission.signal}) and decommissions itself alone.
   */
  public static void decommission(ProcessHandle worker) {
    Process kill;
    try {
      kill =
          new ProcessBuilder("kill", "-s", "PWR", String.valueOf(worker.pid()))
              .redirectErrorStream(true)
              .start();
    } catch (IOException e) {
      throw new IllegalStateException("Cannot run `kill -s PWR " + worker.pid() + "`", e);
    }
    try {
      if (!kill.waitFor(10, TimeUnit.SECONDS)) {
        kill.destroyForcibly();
        throw new IllegalStateException("`kill -s PWR " + worker.pid() + "` did not return");
      }
      if (kill.exitValue() != 0) {
        throw new IllegalStateException(
            "`kill -s PWR "
                + worker.pid()
                + "` failed with exit code "
                + kill.exitValue()
                + ": "
                + new String(kill.getInputStream().readAllBytes()).trim());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while signalling worker " + worker.pid(), e);
    } catch (IOException e) {
      throw new IllegalStateException("Cannot read the output of kill", e);
    }
  }
}
