package dev.advancedspark.part1.driver;

import dev.advancedspark.common.metrics.Listeners;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.SparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Counts, per job, the tasks and the serialized result bytes they sent to the driver ({@code
 * TaskMetrics.resultSize}): the driver holds at most one job's results at a time, so the largest
 * job bounds what a driver-side consumer must hold.
 */
public final class ResultFetchListener extends SparkListener {

  /** One job's share of the results. */
  public record JobFetch(int tasks, long resultBytes) {}

  private final Map<Integer, Integer> jobOfStage = new ConcurrentHashMap<>();
  private final Map<Integer, long[]> perJob = new ConcurrentHashMap<>();

  @Override
  public void onJobStart(SparkListenerJobStart jobStart) {
    for (Object stageId : CollectionConverters.asJava(jobStart.stageIds())) {
      jobOfStage.put((Integer) stageId, jobStart.jobId());
    }
    perJob.put(jobStart.jobId(), new long[2]);
  }

  @Override
  public void onTaskEnd(SparkListenerTaskEnd taskEnd) {
    Integer job = jobOfStage.get(taskEnd.stageId());
    if (job == null || taskEnd.taskMetrics() == null) {
      return;
    }
    long[] acc = perJob.get(job);
    synchronized (acc) {
      acc[0]++;
      acc[1] += taskEnd.taskMetrics().resultSize();
    }
  }

  /** Per job id, in order: tasks and result bytes. */
  public Map<Integer, JobFetch> jobs() {
    Map<Integer, JobFetch> out = new TreeMap<>();
    perJob.forEach((job, acc) -> out.put(job, new JobFetch((int) acc[0], acc[1])));
    return out;
  }

  /** Registers a listener, runs {@code block}, waits for the events and unregisters it. */
  public static ResultFetchListener around(SparkContext sc, Runnable block) {
    ResultFetchListener listener = new ResultFetchListener();
    Listeners.during(sc, listener, block);
    return listener;
  }
}
