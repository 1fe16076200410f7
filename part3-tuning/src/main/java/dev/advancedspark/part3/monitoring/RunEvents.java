package dev.advancedspark.part3.monitoring;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.advancedspark.part3.monitoring.RunFacts.PlanNode;
import dev.advancedspark.part3.monitoring.RunFacts.StageFact;
import dev.advancedspark.part3.monitoring.RunFacts.TaskFact;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns Spark listener events in their JSON form (one event per line, as Spark's {@code
 * JsonProtocol} writes them into event logs) into {@link RunFacts}. Fields a line lacks (an older
 * Spark, a metric that was not updated) read as 0 or "".
 */
public final class RunEvents {

  /** A line that is not a Spark event: the reader's input is not an event log. */
  public static final class NotAnEventLog extends RuntimeException {
    public NotAnEventLog(String message) {
      super(message);
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SQL_START =
      "org.apache.spark.sql.execution.ui.SparkListenerSQLExecutionStart";
  private static final String SQL_ADAPTIVE =
      "org.apache.spark.sql.execution.ui.SparkListenerSQLAdaptiveExecutionUpdate";
  private static final String SQL_DRIVER_ACCUM =
      "org.apache.spark.sql.execution.ui.SparkListenerDriverAccumUpdates";

  private String sparkVersion = "";
  private int jobs;
  private int cores;
  private final Map<String, Integer> liveExecutorCores = new HashMap<>();
  private final List<TaskFact> tasks = new ArrayList<>();
  private final List<StageFact> stages = new ArrayList<>();
  private final List<String> executorsLost = new ArrayList<>();
  private final Map<Long, PlanNode> plans = new LinkedHashMap<>();
  private final Map<Long, Long> metricValues = new HashMap<>();
  private final Map<Integer, Integer> jobOfStage = new HashMap<>();
  private int lines;
  private int truncatedLines;

  /** Reads {@code jsonLines}; a line that does not parse raises {@link NotAnEventLog}. */
  public static RunFacts parse(List<String> jsonLines) {
    RunEvents events = new RunEvents();
    jsonLines.forEach(events::add);
    return events.facts();
  }

  /** Adds one event line; throws {@link NotAnEventLog} when it is not JSON or not an event. */
  public void add(String line) {
    lines++;
    if (line.isBlank()) {
      return;
    }
    JsonNode e;
    try {
      e = JSON.readTree(line);
    } catch (JsonProcessingException ex) {
      throw new NotAnEventLog("line " + lines + " is not JSON");
    }
    if (e == null || !e.isObject() || !e.hasNonNull("Event")) {
      throw new NotAnEventLog("line " + lines + " is not a Spark listener event (no \"Event\")");
    }
    switch (e.get("Event").asText()) {
      case "SparkListenerLogStart" -> sparkVersion = e.path("Spark Version").asText("");
      case "SparkListenerJobStart" -> {
        jobs++;
        int job = e.path("Job ID").asInt(-1);
        e.path("Stage IDs").forEach(id -> jobOfStage.put(id.asInt(), job));
      }
      case "SparkListenerExecutorAdded" -> {
        liveExecutorCores.put(
            e.path("Executor ID").asText(), e.path("Executor Info").path("Total Cores").asInt());
        cores = Math.max(cores, liveExecutorCores.values().stream().mapToInt(i -> i).sum());
      }
      case "SparkListenerExecutorRemoved" -> {
        String id = e.path("Executor ID").asText();
        liveExecutorCores.remove(id);
        executorsLost.add("executor " + id + ": " + e.path("Removed Reason").asText(""));
      }
      case "SparkListenerTaskEnd" -> addTask(e);
      case "SparkListenerStageCompleted" -> {
        JsonNode s = e.path("Stage Info");
        int id = s.path("Stage ID").asInt();
        stages.add(
            new StageFact(
                id,
                s.path("Stage Attempt ID").asInt(),
                s.path("Stage Name").asText(""),
                s.path("Number of Tasks").asInt(),
                jobOfStage.getOrDefault(id, -1),
                s.path("Failure Reason").asText("")));
      }
      case SQL_START, SQL_ADAPTIVE -> {
        long execution = e.path("executionId").asLong();
        if (e.has("sparkPlanInfo")) {
          plans.put(execution, plan(execution, e.get("sparkPlanInfo")));
        }
      }
      case SQL_DRIVER_ACCUM ->
          e.path("accumUpdates")
              .forEach(
                  pair ->
                      metricValues.merge(pair.path(0).asLong(), pair.path(1).asLong(), Long::sum));
      default -> {
        // other events (environment, block updates, executor metrics) are not judged
      }
    }
  }

  /** Counts a truncated last line instead of failing on it (a log of a run still going). */
  void truncatedLine() {
    truncatedLines++;
  }

  int truncatedLines() {
    return truncatedLines;
  }

  /** The facts of every event added so far. */
  public RunFacts facts() {
    return new RunFacts(
        sparkVersion,
        jobs,
        cores,
        tasks,
        stages,
        executorsLost,
        List.copyOf(plans.values()),
        metricValues);
  }

  private void addTask(JsonNode e) {
    JsonNode reason = e.path("Task End Reason");
    JsonNode info = e.path("Task Info");
    JsonNode m = e.path("Task Metrics");
    JsonNode read = m.path("Shuffle Read Metrics");
    JsonNode write = m.path("Shuffle Write Metrics");
    String why = reason.path("Reason").asText("Success");
    String detail =
        switch (why) {
          case "ExceptionFailure" ->
              reason.path("Class Name").asText("") + ": " + reason.path("Description").asText("");
          case "FetchFailed" -> reason.path("Message").asText("");
          case "ExecutorLostFailure" -> reason.path("Loss Reason").asText("");
          default -> "";
        };
    long launch = info.path("Launch Time").asLong();
    long finish = info.path("Finish Time").asLong();
    tasks.add(
        new TaskFact(
            e.path("Stage ID").asInt(),
            e.path("Stage Attempt ID").asInt(),
            info.path("Executor ID").asText(""),
            why,
            detail,
            finish > 0 ? finish - launch : 0,
            m.path("Executor Run Time").asLong(),
            m.path("JVM GC Time").asLong(),
            m.path("Peak Execution Memory").asLong(),
            m.path("Input Metrics").path("Bytes Read").asLong(),
            m.path("Input Metrics").path("Records Read").asLong(),
            read.path("Remote Bytes Read").asLong() + read.path("Local Bytes Read").asLong(),
            read.path("Total Records Read").asLong(),
            write.path("Shuffle Bytes Written").asLong(),
            write.path("Shuffle Records Written").asLong(),
            m.path("Output Metrics").path("Bytes Written").asLong(),
            m.path("Output Metrics").path("Records Written").asLong(),
            m.path("Memory Bytes Spilled").asLong(),
            m.path("Disk Bytes Spilled").asLong()));
    if ("Success".equals(why)) {
      // SQL metrics arrive as accumulator updates of successful tasks
      for (JsonNode a : info.path("Accumulables")) {
        if ("sql".equals(a.path("Metadata").asText()) && a.has("Update")) {
          metricValues.merge(a.path("ID").asLong(), a.path("Update").asLong(), Long::sum);
        }
      }
    }
  }

  private static PlanNode plan(long execution, JsonNode n) {
    Map<String, Long> metrics = new LinkedHashMap<>();
    n.path("metrics")
        .forEach(m -> metrics.put(m.path("name").asText(), m.path("accumulatorId").asLong()));
    List<PlanNode> children = new ArrayList<>();
    n.path("children").forEach(c -> children.add(plan(execution, c)));
    return new PlanNode(execution, n.path("nodeName").asText(""), metrics, children);
  }
}
