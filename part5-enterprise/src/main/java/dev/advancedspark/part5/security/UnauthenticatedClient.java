package dev.advancedspark.part5.security;

import java.time.Duration;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkContext;

/**
 * A driver that connects to a standalone master WITHOUT the cluster's secret, in its own JVM, and
 * reports what happens. It does not throw: {@code new SparkContext} returns, the registration
 * messages are dropped by the master's authenticating transport, and after three 20-second attempts
 * ({@code StandaloneAppClient}: {@code REGISTRATION_TIMEOUT_SECONDS = 20}, {@code
 * REGISTRATION_RETRIES = 3}, neither configurable) the client logs "All masters are unresponsive!
 * Giving up." and stops the context. So a job submitted meanwhile waits, then fails; monitor {@code
 * isStopped()} (or the listener's application end), not an exception.
 *
 * <pre>
 * java -cp ... dev.advancedspark.part5.security.UnauthenticatedClient spark://127.0.0.1:PORT 120
 * </pre>
 *
 * Prints {@code REFUSED: the context stopped after N s} and exits 0, or exits 1 when the context is
 * still running at the deadline (the master accepted an unauthenticated driver).
 */
public final class UnauthenticatedClient {

  private UnauthenticatedClient() {}

  /** Starts a context against {@code master} and waits for it to stop, at most {@code deadline}. */
  public static Duration timeToRefusal(String master, Duration deadline) {
    SparkConf conf =
        new SparkConf()
            .setMaster(master)
            .setAppName("no-secret")
            .set("spark.driver.host", "127.0.0.1")
            .set("spark.driver.bindAddress", "127.0.0.1")
            .set("spark.ui.enabled", "false");
    long start = System.nanoTime();
    SparkContext sc = new SparkContext(conf);
    try {
      long end = start + deadline.toNanos();
      while (!sc.isStopped() && System.nanoTime() < end) {
        Thread.sleep(200);
      }
      return sc.isStopped() ? Duration.ofNanos(System.nanoTime() - start) : null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    } finally {
      sc.stop();
    }
  }

  public static void main(String[] args) {
    long seconds =
        args.length == 2 && args[1].matches("[1-9][0-9]{0,5}") ? Long.parseLong(args[1]) : 0;
    if (seconds == 0) {
      System.err.println(
          "error: expected a master URL and a deadline in whole seconds (at least 1)");
      System.err.println("Usage: UnauthenticatedClient <spark://host:port> <deadline-seconds>");
      System.exit(2);
    }
    Duration took = timeToRefusal(args[0], Duration.ofSeconds(seconds));
    if (took == null) {
      System.out.println("NOT REFUSED: the context still runs after " + args[1] + " s");
      System.exit(1);
    }
    System.out.println("REFUSED: the context stopped after " + took.toSeconds() + " s");
    System.exit(0);
  }
}
