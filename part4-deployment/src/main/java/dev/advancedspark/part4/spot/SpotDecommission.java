package dev.advancedspark.part4.spot;

import dev.advancedspark.common.cluster.ExecutorProcess;
import dev.advancedspark.common.cluster.StandaloneCluster;
import dev.advancedspark.common.metrics.Listeners;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerExecutorRemoved;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.SparkSession;
import scala.Tuple2;

/**
 * Spot and preemptible capacity: a worker goes away while an application runs, between the job that
 * wrote a shuffle and the job that reads it again. With graceful decommissioning the executor's
 * shuffle files move to a surviving executor before it exits, and the next job finds them; without,
 * they are lost with the executor, and Spark runs the map tasks that wrote them again. Counted from
 * listener events: tasks per stage attempt, not time.
 *
 * <p>The settings that make the difference, on the application (and {@code
 * spark.decommission.enabled} on the workers, so that they handle {@code SIGPWR}):
 *
 * <pre>
 * spark.decommission.enabled=true
 * spark.storage.decommission.enabled=true
 * spark.storage.decommission.shuffleBlocks.enabled=true   (the default once storage decommission is on)
 * spark.storage.decommission.rddBlocks.enabled=true       (the default once storage decommission is on)
 * </pre>
 */
public final class SpotDecommission {

  /** How the worker goes away. */
  public enum Loss {
    /** {@code kill -9} of the executor JVM: a spot VM reclaimed without notice. */
    KILLED_WITHOUT_NOTICE,
    /**
     * {@code SIGPWR} to the executor JVM: what Spark on Kubernetes does when a pod is told to go
     * (its {@code decom.sh} pre-stop hook), and what a spot-interruption handler can do.
     */
    EXECUTOR_DECOMMISSIONED,
    /**
     * {@code SIGPWR} to the worker: standalone's node-level decommissioning. The driver then
     * assumes the whole host goes away and drops every map output on it: on this one-host cluster,
     * those of the surviving executor too.
     */
    WORKER_DECOMMISSIONED
  }

  // tag::decommission-conf[]
  /** The application settings for graceful decommissioning with block migration. */
  public static Map<String, String> decommissionConf() {
    return Map.of(
        "spark.decommission.enabled", "true",
        "spark.storage.decommission.enabled", "true",
        "spark.storage.decommission.shuffleBlocks.enabled", "true",
        "spark.storage.decommission.rddBlocks.enabled", "true");
  }

  // end::decommission-conf[]

  /**
   * What happened.
   *
   * @param firstResult the sums of the first job
   * @param secondResult the sums of the second job, after the loss
   * @param lostExecutor the executor that went away
   * @param removedReason why the driver says it was removed
   * @param firstJobMapStageId the shuffle's map stage in the first job
   * @param secondJobMapStageId the shuffle's map stage in the second job (skipped when no map
   *     output is missing)
   * @param mapTasksBefore map tasks the lost executor ran in the first job
   * @param secondJobTasks tasks of the second job per {@code "stage <id> attempt <n>"}
   * @param secondJobMapTasks tasks of the second job that re-ran the shuffle's map side
   */
  public record Report(
      Map<Long, Long> firstResult,
      Map<Long, Long> secondResult,
      String lostExecutor,
      String removedReason,
      int firstJobMapStageId,
      int secondJobMapStageId,
      long mapTasksBefore,
      Map<String, Long> secondJobTasks,
      long secondJobMapTasks) {}

  private SpotDecommission() {}

  /** The job: sums of 1..rows per key {@code x % 8}, over a shuffle of 4 map partitions. */
  static JavaPairRDD<Long, Long> sumsByKey(JavaSparkContext sc, long rows) {
    List<Long> numbers = LongStream.rangeClosed(1, rows).boxed().toList();
    return sc.parallelize(numbers, 4)
        .mapToPair(x -> new Tuple2<>(x % 8, x))
        .reduceByKey(Long::sum, 4);
  }

  /** The expected sums, computed without Spark. */
  public static Map<Long, Long> expectedSums(long rows) {
    return LongStream.rangeClosed(1, rows)
        .boxed()
        .collect(Collectors.groupingBy(x -> x % 8, TreeMap::new, Collectors.summingLong(x -> x)));
  }

  /**
   * Runs the job, loses the executor that ran the first map task ({@code loss}), waits until the
   * driver has removed it, and runs the same job again (the same RDD: Spark reuses its shuffle when
   * the map outputs are still available).
   *
   * <p>The session must be on {@code cluster} with two one-core executors registered.
   */
  public static Report loseAnExecutorBetweenJobs(
      SparkSession spark, StandaloneCluster cluster, Loss loss, long rows, Duration timeout) {
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    String appId = sc.sc().applicationId();
    Recorder recorder = new Recorder();
    sc.sc().addSparkListener(recorder);
    try {
      JavaPairRDD<Long, Long> sums = sumsByKey(sc, rows);
      Map<Long, Long> first = new TreeMap<>(sums.collectAsMap());
      // Listener events are delivered asynchronously: let the bus catch up before reading them.
      drain(sc, timeout);
      int firstJob = recorder.lastJobId;
      int mapStage = recorder.mapStageOf(firstJob);

      // The executor that ran the first map task is the one that goes away.
      SparkListenerTaskEnd firstMap =
          recorder.tasks.stream()
              .filter(t -> t.stageId() == mapStage)
              .findFirst()
              .orElseThrow(() -> new IllegalStateException("No map task was recorded"));
      String victimId = firstMap.taskInfo().executorId();
      long mapTasksBefore =
          recorder.tasks.stream()
              .filter(t -> t.stageId() == mapStage)
              .filter(t -> t.taskInfo().executorId().equals(victimId))
              .count();
      ExecutorProcess victim =
          cluster.executorProcesses(appId).stream()
              .filter(e -> e.executorId().equals(victimId))
              .findFirst()
              .orElseThrow(() -> new IllegalStateException("No process for executor " + victimId));
      CompletableFuture<SparkListenerExecutorRemoved> removed = recorder.removal(victimId);

      if (loss == Loss.EXECUTOR_DECOMMISSIONED) {
        WorkerSignals.decommission(victim.process());
      } else if (loss == Loss.WORKER_DECOMMISSIONED) {
        ProcessHandle worker =
            victim
                .process()
                .parent()
                .orElseThrow(
                    () -> new IllegalStateException("Executor " + victimId + " has no worker"));
        WorkerSignals.decommission(worker);
      } else {
        victim.process().destroyForcibly();
      }
      // Decommissioned, the executor exits only once its blocks are migrated.
      SparkListenerExecutorRemoved gone =
          Listeners.await(removed, timeout, "executor " + victimId + " to go");
      Listeners.await(
          victim.process().onExit(), timeout, "executor " + victimId + "'s JVM to exit");

      drain(sc, timeout);
      int tasksBefore = recorder.tasks.size();
      Map<Long, Long> second = new TreeMap<>(sums.collectAsMap());
      drain(sc, timeout);
      // Every task that ended from here on belongs to the second job (nothing else runs).
      List<SparkListenerTaskEnd> secondTasks =
          recorder.tasks.subList(tasksBefore, recorder.tasks.size()).stream()
              .filter(t -> t.taskInfo().successful())
              .toList();
      Map<String, Long> perStageAttempt =
          secondTasks.stream()
              .collect(
                  Collectors.groupingBy(
                      t -> "stage " + t.stageId() + " attempt " + t.stageAttemptId(),
                      TreeMap::new,
                      Collectors.counting()));
      // The second job's stage for the same shuffle: skipped when every map output is available.
      int secondMapStage = recorder.mapStageOf(recorder.lastJobId);
      long mapReruns = secondTasks.stream().filter(t -> t.stageId() == secondMapStage).count();
      return new Report(
          first,
          second,
          victimId,
          gone.reason(),
          mapStage,
          secondMapStage,
          mapTasksBefore,
          perStageAttempt,
          mapReruns);
    } finally {
      sc.sc().removeSparkListener(recorder);
    }
  }

  private static void drain(JavaSparkContext sc, Duration timeout) {
    try {
      sc.sc().listenerBus().waitUntilEmpty(timeout.toMillis());
    } catch (TimeoutException e) {
      throw new IllegalStateException("The listener bus did not drain within " + timeout, e);
    }
  }

  /** Task ends, the shuffle map stage of each job, and executor removals. */
  private static final class Recorder extends SparkListener {
    final List<SparkListenerTaskEnd> tasks = new CopyOnWriteArrayList<>();
    final Map<Integer, Integer> mapStageOfJob = new ConcurrentHashMap<>();
    final Map<String, CompletableFuture<SparkListenerExecutorRemoved>> removals =
        new ConcurrentHashMap<>();
    volatile int lastJobId = -1;

    CompletableFuture<SparkListenerExecutorRemoved> removal(String executorId) {
      return removals.computeIfAbsent(executorId, id -> new CompletableFuture<>());
    }

    int mapStageOf(int job) {
      Integer stage = mapStageOfJob.get(job);
      if (stage == null) {
        throw new IllegalStateException("Job " + job + " had no shuffle map stage");
      }
      return stage;
    }

    @Override
    public void onJobStart(SparkListenerJobStart jobStart) {
      lastJobId = jobStart.jobId();
      scala.jdk.javaapi.CollectionConverters.asJava(jobStart.stageInfos())
          .forEach(
              s -> {
                if (s.shuffleDepId().isDefined()) {
                  mapStageOfJob.put(jobStart.jobId(), s.stageId());
                }
              });
    }

    @Override
    public void onTaskEnd(SparkListenerTaskEnd taskEnd) {
      tasks.add(taskEnd);
    }

    @Override
    public void onExecutorRemoved(SparkListenerExecutorRemoved removed) {
      removal(removed.executorId()).complete(removed);
    }
  }
}
