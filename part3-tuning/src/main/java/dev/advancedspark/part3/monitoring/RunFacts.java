package dev.advancedspark.part3.monitoring;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a finished run did, in the shape the {@link SparkDoctor} judges: tasks, stages, lost
 * executors, the plans of its SQL queries and the values of their metrics. Built by {@link
 * RunEvents} from Spark listener events, whether they came from a live listener ({@link
 * RunRecorder}) or from an event log file, so the same rules read both.
 *
 * @param sparkVersion the version that wrote the events ("" when unknown)
 * @param jobs jobs started
 * @param cores task slots of the application (the most seen at any time; 0 when unknown)
 * @param tasks every task attempt that ended
 * @param stages every stage attempt that completed or failed
 * @param executorsLost one entry per executor removed, with Spark's reason
 * @param queries the final plan of each SQL query (after adaptive re-planning)
 * @param metricValues SQL metric values by accumulator id (task and driver updates summed)
 */
public record RunFacts(
    String sparkVersion,
    int jobs,
    int cores,
    List<TaskFact> tasks,
    List<StageFact> stages,
    List<String> executorsLost,
    List<PlanNode> queries,
    Map<Long, Long> metricValues) {

  public RunFacts {
    tasks = List.copyOf(tasks);
    stages = List.copyOf(stages);
    executorsLost = List.copyOf(executorsLost);
    queries = List.copyOf(queries);
    metricValues = Map.copyOf(metricValues);
  }

  /** The same run with {@code cores} task slots (for a listener that joined after start-up). */
  public RunFacts withCores(int cores) {
    return new RunFacts(
        sparkVersion, jobs, cores, tasks, stages, executorsLost, queries, metricValues);
  }

  /**
   * One task attempt.
   *
   * @param endReason "Success", or Spark's reason: "ExceptionFailure", "FetchFailed",
   *     "ExecutorLostFailure", "TaskKilled", ...
   * @param failureDetail the exception's class and message, or the fetch failure's message
   */
  public record TaskFact(
      int stageId,
      int stageAttempt,
      String executorId,
      String endReason,
      String failureDetail,
      long durationMillis,
      long runMillis,
      long gcMillis,
      long peakExecutionMemory,
      long inputBytes,
      long inputRecords,
      long shuffleReadBytes,
      long shuffleReadRecords,
      long shuffleWriteBytes,
      long shuffleWriteRecords,
      long outputBytes,
      long outputRecords,
      long memorySpillBytes,
      long diskSpillBytes) {

    public boolean successful() {
      return "Success".equals(endReason);
    }

    /** Records the task read: from files (or cache) and from shuffle files. */
    public long recordsRead() {
      return inputRecords + shuffleReadRecords;
    }

    /** Bytes the task read: from files (or cache) and from shuffle files. */
    public long bytesRead() {
      return inputBytes + shuffleReadBytes;
    }

    /** A successful task with these numbers; the rest zero (for constructed runs in tests). */
    public static TaskFact of(int stageId, long inputRecords, long inputBytes) {
      return new TaskFact(
          stageId,
          0,
          "1",
          "Success",
          "",
          0,
          0,
          0,
          0,
          inputBytes,
          inputRecords,
          0,
          0,
          0,
          0,
          0,
          0,
          0,
          0);
    }
  }

  /**
   * One stage attempt.
   *
   * @param jobId the job that submitted it (-1 when unknown)
   * @param failureReason why the attempt failed, "" when it completed
   */
  public record StageFact(
      int stageId, int attempt, String name, int numTasks, int jobId, String failureReason) {}

  /**
   * A node of a query's final physical plan, as the SQL tab shows it.
   *
   * @param name the operator ("SortMergeJoin", "Exchange", "BroadcastExchange", ...)
   * @param metrics the node's SQL metrics: name to accumulator id
   */
  public record PlanNode(
      long executionId, String name, Map<String, Long> metrics, List<PlanNode> children) {

    public PlanNode {
      metrics = Map.copyOf(metrics);
      children = List.copyOf(children);
    }

    /** This node and all below it, depth first. */
    public List<PlanNode> all() {
      List<PlanNode> out = new ArrayList<>();
      collect(this, out);
      return out;
    }

    private static void collect(PlanNode n, List<PlanNode> out) {
      out.add(n);
      n.children().forEach(c -> collect(c, out));
    }

    /** The value of metric {@code metric} of this node, when it has one and it was updated. */
    public Optional<Long> value(String metric, Map<Long, Long> values) {
      Long id = metrics.get(metric);
      return id == null ? Optional.empty() : Optional.ofNullable(values.get(id));
    }

    /** The first node at or below this one (depth first) that has {@code metric}. */
    public Optional<PlanNode> firstWith(String metric) {
      if (metrics.containsKey(metric)) {
        return Optional.of(this);
      }
      for (PlanNode c : children) {
        Optional<PlanNode> found = c.firstWith(metric);
        if (found.isPresent()) {
          return found;
        }
      }
      return Optional.empty();
    }

    /** The first node at or below this one (depth first) named {@code name}. */
    public Optional<PlanNode> first(String name) {
      if (this.name.equals(name)) {
        return Optional.of(this);
      }
      for (PlanNode c : children) {
        Optional<PlanNode> found = c.first(name);
        if (found.isPresent()) {
          return found;
        }
      }
      return Optional.empty();
    }
  }
}
