package dev.advancedspark.common.metrics;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.apache.spark.SparkContext;
import org.apache.spark.scheduler.SparkListenerInterface;

/**
 * Listens to Spark's events for the length of one block of work. Events reach listeners
 * asynchronously, so {@link #during} waits until the listener bus has delivered every event posted
 * before the block (which the listener must not see) and after it (which it must), then unregisters
 * the listener.
 *
 * <pre>{@code
 * MyListener listener = new MyListener();
 * long rows = Listeners.during(spark.sparkContext(), listener, () -> orders.count());
 * listener.report(); // every event of the count has arrived
 * }</pre>
 */
public final class Listeners {

  /** How long to wait for the listener bus to deliver what was posted. */
  public static final long DRAIN_TIMEOUT_MILLIS = 30_000;

  private Listeners() {}

  /**
   * Registers {@code listener}, runs {@code block}, waits for its events, unregisters the listener
   * (also when the block throws) and returns the block's result.
   */
  public static <T> T during(SparkContext sc, SparkListenerInterface listener, Supplier<T> block) {
    drain(sc);
    sc.addSparkListener(listener);
    try {
      return block.get();
    } finally {
      try {
        drain(sc);
      } finally {
        sc.removeSparkListener(listener);
      }
    }
  }

  /** {@link #during(SparkContext, SparkListenerInterface, Supplier)} for a block without result. */
  public static void during(SparkContext sc, SparkListenerInterface listener, Runnable block) {
    during(
        sc,
        listener,
        () -> {
          block.run();
          return null;
        });
  }

  /**
   * Waits until the listener bus has delivered every event posted so far.
   *
   * @throws IllegalStateException when it has not within {@link #DRAIN_TIMEOUT_MILLIS}
   */
  public static void drain(SparkContext sc) {
    try {
      sc.listenerBus().waitUntilEmpty(DRAIN_TIMEOUT_MILLIS);
    } catch (TimeoutException e) {
      throw new IllegalStateException(
          "Spark listener bus did not drain within " + DRAIN_TIMEOUT_MILLIS / 1000 + " s", e);
    }
  }

  /**
   * Waits, with a deadline, for a future that a listener completes from Spark's listener bus (an
   * executor added or removed, a task started): the one way the examples and tests wait for an
   * event, so that no wait is unbounded.
   *
   * @param what names the event in the message when the deadline passes
   * @throws IllegalStateException on the deadline, an interrupt, or a future completed with an
   *     error
   */
  public static <T> T await(CompletableFuture<T> future, Duration timeout, String what) {
    try {
      return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new IllegalStateException("Timed out after " + timeout + " waiting for " + what, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while waiting for " + what, e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("Failed while waiting for " + what, e.getCause());
    }
  }
}
