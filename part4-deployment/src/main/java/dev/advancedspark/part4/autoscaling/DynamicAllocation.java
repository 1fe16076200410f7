package dev.advancedspark.part4.autoscaling;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerExecutorAdded;
import org.apache.spark.scheduler.SparkListenerExecutorRemoved;
import org.apache.spark.scheduler.SparkListenerJobEnd;
import org.apache.spark.sql.SparkSession;
import scala.Tuple2;

/**
 * Autoscaling inside one application: dynamic allocation asks the cluster manager for executors
 * while tasks wait, and gives them back when they are idle. Counted from {@code
 * SparkListenerExecutorAdded}/{@code Removed} events, with deadlines.
 *
 * <p>Spark must be able to take an executor away without losing shuffle files that later stages
 * need. It refuses to start dynamic allocation unless one of these holds: an external shuffle
 * service, shuffle tracking ({@code spark.dynamicAllocation.shuffleTracking.enabled}, {@code true}
 * by default in Spark 4.2), shuffle-block decommissioning, or a shuffle plugin with reliable
 * storage ({@code ExecutorAllocationManager.validateSettings}). With shuffle tracking, an executor
 * that holds shuffle files of a shuffle still in use is not idle: it is kept until {@code
 * shuffleTracking.timeout} (default: no timeout) or until the shuffle is cleaned up.
 */
public final class DynamicAllocation {

  private DynamicAllocation() {}

  // tag::dynamic-allocation-conf[]
  /** Dynamic allocation between {@code min} and {@code max} one-core executors, quick to react. */
  public static Map<String, String> conf(int min, int max) {
    return Map.of(
        "spark.dynamicAllocation.enabled", "true",
        "spark.dynamicAllocation.shuffleTracking.enabled", "true",
        "spark.dynamicAllocation.minExecutors", String.valueOf(min),
        "spark.dynamicAllocation.initialExecutors", String.valueOf(min),
        "spark.dynamicAllocation.maxExecutors", String.valueOf(max),
        // Ask for executors once tasks have waited 1 s (default 1 s), release idle ones after 2 s
        // (default 60 s), and those that hold shuffle files after 4 s (default: never).
        "spark.dynamicAllocation.schedulerBacklogTimeout", "1s",
        "spark.dynamicAllocation.executorIdleTimeout", "2s",
        "spark.dynamicAllocation.shuffleTracking.timeout", "4s");
  }

  // end::dynamic-allocation-conf[]

  /**
   * What happened.
   *
   * @param result the job's sums per key
   * @param executorsAtStart executors registered before the job (the minimum)
   * @param addedDuringJob executors the driver added while the job ran
   * @param peakExecutors the most executors registered at once
   * @param removed executors released once idle (during the job's last stage, or after it: an
   *     executor with no task left is idle even while other tasks of the job run)
   * @param executorsAtEnd executors left after the release
   * @param events the executor events, in order
   */
  public record Report(
      Map<Long, Long> result,
      int executorsAtStart,
      int addedDuringJob,
      int peakExecutors,
      int removed,
      int executorsAtEnd,
      List<String> events) {}

  /**
   * Runs a job of {@code tasks} tasks (a shuffle in the middle), then waits until the executors
   * fall back to {@code min}.
   *
   * <p>Each task works until the application has been given another executor, at most {@code
   * maxTaskMillis}: a job of fixed length can end before a new executor JVM has even started on a
   * loaded laptop, and then no scaling is seen. The driver's listener signals the tasks through
   * {@code gate}, a file on the (shared, local) disk.
   */
  public static Report scaleUpThenDown(
      SparkSession spark, int min, int tasks, Path gate, long maxTaskMillis, Duration timeout) {
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    await(() -> executors(sc) >= min, timeout, min + " executor(s) at start", sc);
    try {
      Files.deleteIfExists(gate);
      Files.createDirectories(gate.toAbsolutePath().getParent());
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot prepare " + gate, e);
    }
    String gatePath = gate.toAbsolutePath().toString();
    Recorder recorder = new Recorder(gate.toAbsolutePath());
    sc.sc().addSparkListener(recorder);
    try {
      int atStart = executors(sc);
      Map<Long, Long> result =
          new TreeMap<>(
              sc.parallelize(LongStream.range(0, tasks).boxed().toList(), tasks)
                  .map(i -> busyUntil(gatePath, maxTaskMillis, i))
                  .mapToPair(i -> new Tuple2<>(i % 2, i))
                  .reduceByKey(Long::sum, 2)
                  .collectAsMap());
      await(() -> recorder.jobEnded, timeout, "the job-end event", sc);
      int added = recorder.added.size();
      // Both views must agree: the status tracker is fed by another listener queue, so right after
      // the job it may not list an executor that was just added, and look as if already released.
      int toRelease = atStart + added - min;
      await(
          () -> executors(sc) <= min && recorder.removed() >= toRelease,
          timeout,
          "idle executors to be released down to " + min,
          sc);
      // The status tracker can see the release before the listener bus has delivered its event.
      try {
        sc.sc().listenerBus().waitUntilEmpty(timeout.toMillis());
      } catch (TimeoutException e) {
        throw new IllegalStateException("The listener bus did not drain within " + timeout, e);
      }
      return new Report(
          result,
          atStart,
          added,
          recorder.peak(atStart),
          recorder.removed(),
          executors(sc),
          List.copyOf(recorder.events));
    } finally {
      sc.sc().removeSparkListener(recorder);
    }
  }

  /** Simulated work: keeps the task busy until the gate file exists or the time is up. */
  static long busyUntil(String gate, long maxMillis, long value) throws InterruptedException {
    long end = System.currentTimeMillis() + maxMillis;
    while (!Files.exists(Path.of(gate)) && System.currentTimeMillis() < end) {
      Thread.sleep(50);
    }
    return value;
  }

  /** The expected sums, computed without Spark. */
  public static Map<Long, Long> expectedSums(int tasks) {
    return LongStream.range(0, tasks)
        .boxed()
        .collect(Collectors.groupingBy(i -> i % 2, TreeMap::new, Collectors.summingLong(i -> i)));
  }

  /** Executors registered with the driver now (the status tracker lists the driver too). */
  static int executors(JavaSparkContext sc) {
    return sc.sc().statusTracker().getExecutorInfos().length - 1;
  }

  private static void await(
      BooleanSupplier condition, Duration timeout, String what, JavaSparkContext sc) {
    long deadline = System.nanoTime() + timeout.toNanos();
    Object lock = new Object();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "Timed out after "
                + timeout
                + " waiting for "
                + what
                + " ("
                + executors(sc)
                + " executors registered)");
      }
      synchronized (lock) {
        try {
          lock.wait(100); // a poll interval, not a pause the result depends on
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("Interrupted while waiting for " + what, e);
        }
      }
    }
  }

  /** Executor events, in the order the listener bus delivered them. */
  private static final class Recorder extends SparkListener {
    final Path gate;
    final List<String> events = new CopyOnWriteArrayList<>();
    final List<String> added = new CopyOnWriteArrayList<>();

    Recorder(Path gate) {
      this.gate = gate;
    }

    volatile boolean jobEnded;
    volatile int removedCount;

    @Override
    public void onExecutorAdded(SparkListenerExecutorAdded e) {
      added.add(e.executorId());
      events.add((jobEnded ? "after job: " : "during job: ") + "added executor " + e.executorId());
      try {
        Files.writeString(gate, e.executorId());
      } catch (IOException ex) {
        throw new UncheckedIOException("Cannot write " + gate, ex);
      }
    }

    @Override
    public void onExecutorRemoved(SparkListenerExecutorRemoved e) {
      removedCount++;
      events.add(
          (jobEnded ? "after job: " : "during job: ")
              + "removed executor "
              + e.executorId()
              + " ("
              + e.reason()
              + ")");
    }

    @Override
    public void onJobEnd(SparkListenerJobEnd jobEnd) {
      jobEnded = true;
      events.add("job " + jobEnd.jobId() + " ended");
    }

    int removed() {
      return removedCount;
    }

    /** The most executors at once: the start count plus adds, minus removes, in event order. */
    int peak(int atStart) {
      int now = atStart;
      int peak = atStart;
      for (String e : events) {
        if (e.contains("added executor")) {
          peak = Math.max(peak, ++now);
        } else if (e.contains("removed executor")) {
          now--;
        }
      }
      return peak;
    }
  }
}
