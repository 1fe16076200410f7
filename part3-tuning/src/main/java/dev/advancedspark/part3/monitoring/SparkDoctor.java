package dev.advancedspark.part3.monitoring;

import dev.advancedspark.common.metrics.RunMetrics;
import dev.advancedspark.part3.monitoring.RunFacts.PlanNode;
import dev.advancedspark.part3.monitoring.RunFacts.StageFact;
import dev.advancedspark.part3.monitoring.RunFacts.TaskFact;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.spark.sql.SparkSession;

/**
 * The bottleneck report grown into a doctor: it reads what a finished run did ({@link RunFacts},
 * from a live listener or from an event log file) and names what went wrong, with the numbers that
 * prove it, the usual fix and the runbook to follow. A pure function of the facts: every rule is
 * tested above and below its threshold on constructed facts, and end to end on a job that
 * reproduces it and on the fixed job.
 *
 * <p>Skew, tiny tasks and too few tasks are judged from records and bytes per task, not from
 * durations: counts are the same on every run, times are not. {@link BottleneckReport} keeps the
 * duration-based view (stragglers).
 *
 * <pre>
 * bin/run-example SparkDoctor --log target/spark-events/local-1767225600000
 * </pre>
 */
public final class SparkDoctor {

  /** What the doctor can name, each with its usual fix and its runbook in {@code runbooks/}. */
  public enum Rule {
    SKEW(
        "find the hot key: salt it, let AQE split a skewed join, or filter it out and treat it apart",
        "data-skew.md"),
    SPILL(
        "give each task less data (more partitions) or more execution memory per task",
        "spill-to-disk.md"),
    GC_PRESSURE(
        "fewer live objects: DataFrames over RDDs of objects, serialized caching, fewer cores per"
            + " executor heap",
        "gc-pressure.md"),
    TINY_TASKS(
        "fewer, larger partitions: leave AQE coalescing on, lower spark.sql.shuffle.partitions",
        "shuffle-partitions.md"),
    TOO_FEW_TASKS(
        "more partitions than cores: repartition(n) before the heavy step, no coalesce(1) upstream",
        "shuffle-partitions.md"),
    BROADCAST_TOO_LARGE(
        "let it shuffle: drop the broadcast hint or lower spark.sql.autoBroadcastJoinThreshold;"
            + " the driver collects and holds every broadcast",
        "broadcast-or-shuffle.md"),
    SHUFFLE_COULD_BROADCAST(
        "broadcast the small side: a broadcast() hint, or a threshold above its size",
        "broadcast-or-shuffle.md"),
    RECOMPUTED_INPUT(
        "cache (or checkpoint) the DataFrame that several actions share, and unpersist it after",
        "cache-not-helping.md"),
    EXPLODING_JOIN(
        "check the join keys: a many-to-many key multiplies rows; deduplicate or aggregate a side"
            + " first",
        "exploding-join.md"),
    SMALL_OUTPUT_FILES(
        "fewer, larger files: repartition by the table's partition columns or coalesce before the"
            + " write, or let the table format compact",
        "small-files.md"),
    TASK_FAILURES(
        "read the first failure: bad data (quarantine it), a bug, or memory (see the executor-oom"
            + " runbook)",
        "failed-tasks.md"),
    LOST_EXECUTORS(
        "find why they died: OOM or container killed for memory overhead, spot/preemption;"
            + " decommissioning and an external shuffle service keep shuffle files",
        "lost-executors-and-fetch-failures.md"),
    FETCH_FAILURES(
        "shuffle files were lost with their executor: stop the loss (memory, spot), enable"
            + " decommissioning or a shuffle service",
        "lost-executors-and-fetch-failures.md");

    private final String fix;
    private final String runbook;

    Rule(String fix, String runbook) {
      this.fix = fix;
      this.runbook = runbook;
    }

    public String fix() {
      return fix;
    }

    /** The runbook's path from the repository root. */
    public String runbook() {
      return "runbooks/" + runbook;
    }
  }

  /** One finding: the rule and the numbers from the run that prove it. */
  public record Diagnosis(Rule rule, String evidence) {
    @Override
    public String toString() {
      return rule
          + ": "
          + evidence
          + "\n    fix: "
          + rule.fix()
          + "\n    runbook: "
          + rule.runbook();
    }
  }

  /**
   * The limits above which a rule fires; the floors keep the doctor quiet about small numbers.
   *
   * @param skewRatio largest task's records over the median task's, in one stage
   * @param minSkewRecords records the largest task must read before skew matters
   * @param gcShare GC time over task run time
   * @param minGcMillis GC time before its share matters
   * @param tinyTaskMinTasks tasks a stage needs before "tiny tasks" applies
   * @param tinyTaskBytes median bytes read per task below which tasks are tiny
   * @param fewTasksMinRecords records a stage must read before "too few tasks" applies
   * @param broadcastMaxBytes a broadcast relation at or above this should have been a shuffle (its
   *     "data size" metric: the memory the hash relation took, pages included, so a relation of a
   *     few rows reports a whole page, up to 64 MiB with {@code spark.buffer.pageSize})
   * @param broadcastMaxRows ...and so should one of this many rows or more
   * @param smallSideMaxBytes a shuffled join side at or below this could have been broadcast...
   * @param largeSideMinBytes ...when the other side shuffled at least this much
   * @param recomputeMinRecords records a re-read input must have
   * @param explodeRatio a join's output rows over its larger input's
   * @param explodeMinRows output rows before an exploding join matters
   * @param smallFilesMinFiles files a write must produce before "small files" applies
   * @param smallFileMaxAvgBytes average file size below which a write's files are small
   */
  public record Thresholds(
      double skewRatio,
      long minSkewRecords,
      double gcShare,
      long minGcMillis,
      int tinyTaskMinTasks,
      long tinyTaskBytes,
      long fewTasksMinRecords,
      long broadcastMaxBytes,
      long broadcastMaxRows,
      long smallSideMaxBytes,
      long largeSideMinBytes,
      long recomputeMinRecords,
      double explodeRatio,
      long explodeMinRows,
      int smallFilesMinFiles,
      long smallFileMaxAvgBytes) {

    public Thresholds {
      if (skewRatio < 1 || gcShare <= 0 || gcShare >= 1 || explodeRatio < 1) {
        throw new IllegalArgumentException(
            "skewRatio and explodeRatio must be >= 1, gcShare in (0, 1)");
      }
    }

    // tag::doctor-thresholds[]
    /** For production runs: numbers that are worth an engineer's time. */
    public static Thresholds defaults() {
      return new Thresholds(
          5.0, // skew: largest task reads 5x the median...
          1_000_000, // ...and at least 1M records
          0.10, // GC above 10 % of task time...
          1_000, // ...and at least 1 s
          200, // tiny tasks: 200+ tasks in a stage...
          1L << 20, // ...whose median task reads under 1 MiB
          10_000_000, // too few tasks: a stage of 10M+ records on fewer tasks than cores
          1L << 30, // a broadcast of 1 GiB+ should have been a shuffle...
          50_000_000, // ...and so should one of 50M+ rows
          10L << 20, // a shuffled side of 10 MiB or less (the default broadcast threshold)...
          1L << 30, // ...against 1 GiB+ on the other side could have been broadcast
          1_000_000, // the same input of 1M+ records read by two or more jobs
          10.0, // a join whose output is 10x its larger input...
          100_000_000, // ...and 100M+ rows
          100, // 100+ files written...
          32L << 20); // ...of under 32 MiB on average
    }

    /**
     * For the tiny runs of this repository's tests and examples (thousands of rows). A broadcast
     * hash relation reports at least one memory page as its data size (64 MiB in a test JVM), so
     * its rows, not its bytes, judge a small broadcast. GC needs 5 s: in a test JVM a few hundred
     * milliseconds of GC are noise from other tests.
     */
    public static Thresholds smallData() {
      return new Thresholds(
          5.0, 5_000, 0.10, 5_000, 64, 16L << 10, 50_000, 1L << 30, 50_000, 1L << 20, 4L << 20,
          10_000, 10.0, 100_000, 16, 64L << 10);
    }
    // end::doctor-thresholds[]
  }

  private SparkDoctor() {}

  /** Runs {@code job}, records its events and diagnoses them. */
  public static List<Diagnosis> observe(SparkSession spark, Runnable job, Thresholds t) {
    RunFacts facts = RunEvents.parse(RunRecorder.record(spark, job)).withCores(cores(spark));
    return diagnose(facts, t);
  }

  /**
   * Task slots of a running application: N of {@code local[N]} (all cores for {@code local[*]}), or
   * the executors' cores on a cluster. A listener added after start-up never sees them added.
   */
  public static int cores(SparkSession spark) {
    String master = spark.sparkContext().master();
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("local\\[(\\d+|\\*)(,\\d+)?\\]").matcher(master);
    if (m.matches()) {
      return m.group(1).equals("*")
          ? Runtime.getRuntime().availableProcessors()
          : Integer.parseInt(m.group(1));
    }
    if (master.equals("local")) {
      return 1;
    }
    int executors = spark.sparkContext().statusTracker().getExecutorInfos().length - 1;
    return Math.max(0, executors) * spark.sparkContext().conf().getInt("spark.executor.cores", 1);
  }

  // tag::doctor-rules[]
  /** Every finding for a run, in the order of {@link Rule}. */
  public static List<Diagnosis> diagnose(RunFacts run, Thresholds t) {
    List<Diagnosis> out = new ArrayList<>();
    Map<String, List<TaskFact>> byStage = successfulTasksByStage(run);
    byStage.forEach((stage, tasks) -> skew(stage, tasks, t).ifPresent(out::add));
    spill(run).ifPresent(out::add);
    gcPressure(run, t).ifPresent(out::add);
    byStage.forEach((stage, tasks) -> tinyTasks(stage, tasks, t).ifPresent(out::add));
    byStage.forEach(
        (stage, tasks) -> tooFewTasks(stage, tasks, run.cores(), t).ifPresent(out::add));
    for (PlanNode query : run.queries()) {
      broadcastTooLarge(query, run.metricValues(), t).forEach(out::add);
      shuffleCouldBroadcast(query, run.metricValues(), t).forEach(out::add);
    }
    recomputedInput(run, t).ifPresent(out::add);
    for (PlanNode query : run.queries()) {
      explodingJoins(query, run.metricValues(), t).forEach(out::add);
      smallOutputFiles(query, run.metricValues(), t).forEach(out::add);
    }
    taskFailures(run).ifPresent(out::add);
    lostExecutors(run).ifPresent(out::add);
    fetchFailures(run).ifPresent(out::add);
    out.sort((a, b) -> a.rule().compareTo(b.rule()));
    return out;
  }

  // end::doctor-rules[]

  private static Map<String, List<TaskFact>> successfulTasksByStage(RunFacts run) {
    Map<String, List<TaskFact>> out = new TreeMap<>();
    for (TaskFact task : run.tasks()) {
      if (task.successful()) {
        String key =
            "stage "
                + task.stageId()
                + (task.stageAttempt() > 0 ? " (attempt " + task.stageAttempt() + ")" : "");
        out.computeIfAbsent(key, k -> new ArrayList<>()).add(task);
      }
    }
    return out;
  }

  private static long median(long[] values) {
    long[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted.length == 0 ? 0 : sorted[sorted.length / 2];
  }

  static Optional<Diagnosis> skew(String stage, List<TaskFact> tasks, Thresholds t) {
    if (tasks.size() < 2) {
      return Optional.empty();
    }
    long[] records = tasks.stream().mapToLong(TaskFact::recordsRead).toArray();
    long max = Arrays.stream(records).max().orElse(0);
    long median = median(records);
    double ratio = (double) max / Math.max(1, median);
    if (max < t.minSkewRecords() || ratio <= t.skewRatio()) {
      return Optional.empty();
    }
    return Optional.of(
        new Diagnosis(
            Rule.SKEW,
            String.format(
                "%s (%d tasks): the largest task read %,d records, the median task %,d (%.1fx)",
                stage, tasks.size(), max, median, ratio)));
  }

  static Optional<Diagnosis> spill(RunFacts run) {
    Map<Integer, long[]> perStage = new TreeMap<>();
    for (TaskFact task : run.tasks()) {
      long[] s = perStage.computeIfAbsent(task.stageId(), k -> new long[2]);
      s[0] += task.memorySpillBytes();
      s[1] += task.diskSpillBytes();
    }
    List<String> spilled =
        perStage.entrySet().stream()
            .filter(e -> e.getValue()[0] > 0 || e.getValue()[1] > 0)
            .map(
                e ->
                    String.format(
                        "stage %d spilled %s from memory, %s to disk",
                        e.getKey(),
                        RunMetrics.bytes(e.getValue()[0]),
                        RunMetrics.bytes(e.getValue()[1])))
            .toList();
    return spilled.isEmpty()
        ? Optional.empty()
        : Optional.of(new Diagnosis(Rule.SPILL, String.join("; ", spilled)));
  }

  static Optional<Diagnosis> gcPressure(RunFacts run, Thresholds t) {
    long gc = run.tasks().stream().mapToLong(TaskFact::gcMillis).sum();
    long runMillis = run.tasks().stream().mapToLong(TaskFact::runMillis).sum();
    double share = runMillis == 0 ? 0 : (double) gc / runMillis;
    if (gc < t.minGcMillis() || share <= t.gcShare()) {
      return Optional.empty();
    }
    return Optional.of(
        new Diagnosis(
            Rule.GC_PRESSURE,
            String.format(
                "GC took %.0f%% of task time (%,d of %,d ms)", 100 * share, gc, runMillis)));
  }

  static Optional<Diagnosis> tinyTasks(String stage, List<TaskFact> tasks, Thresholds t) {
    if (tasks.size() < t.tinyTaskMinTasks()) {
      return Optional.empty();
    }
    long median = median(tasks.stream().mapToLong(TaskFact::bytesRead).toArray());
    if (median >= t.tinyTaskBytes()) {
      return Optional.empty();
    }
    return Optional.of(
        new Diagnosis(
            Rule.TINY_TASKS,
            String.format(
                "%s ran %,d tasks; the median task read %s",
                stage, tasks.size(), RunMetrics.bytes(median))));
  }

  static Optional<Diagnosis> tooFewTasks(
      String stage, List<TaskFact> tasks, int cores, Thresholds t) {
    long records = tasks.stream().mapToLong(TaskFact::recordsRead).sum();
    if (cores <= 0 || tasks.size() >= cores || records < t.fewTasksMinRecords()) {
      return Optional.empty();
    }
    return Optional.of(
        new Diagnosis(
            Rule.TOO_FEW_TASKS,
            String.format(
                "%s read %,d records in %d task(s) with %d cores: %d core(s) idle",
                stage, records, tasks.size(), cores, cores - tasks.size())));
  }

  static List<Diagnosis> broadcastTooLarge(PlanNode query, Map<Long, Long> values, Thresholds t) {
    List<Diagnosis> out = new ArrayList<>();
    for (PlanNode n : query.all()) {
      if (n.name().equals("BroadcastExchange")) {
        long size = n.value("data size", values).orElse(0L);
        long rows = n.value("number of output rows", values).orElse(0L);
        if (size >= t.broadcastMaxBytes() || rows >= t.broadcastMaxRows()) {
          out.add(
              new Diagnosis(
                  Rule.BROADCAST_TOO_LARGE,
                  String.format(
                      "query %d broadcast a relation of %s (%,d rows)",
                      query.executionId(), RunMetrics.bytes(size), rows)));
        }
      }
    }
    return out;
  }

  static List<Diagnosis> shuffleCouldBroadcast(
      PlanNode query, Map<Long, Long> values, Thresholds t) {
    List<Diagnosis> out = new ArrayList<>();
    for (PlanNode n : query.all()) {
      if ((n.name().equals("SortMergeJoin") || n.name().equals("ShuffledHashJoin"))
          && n.children().size() == 2) {
        Optional<Long> left =
            n.children().get(0).first("Exchange").flatMap(e -> e.value("data size", values));
        Optional<Long> right =
            n.children().get(1).first("Exchange").flatMap(e -> e.value("data size", values));
        if (left.isEmpty() || right.isEmpty()) {
          continue;
        }
        long small = Math.min(left.get(), right.get());
        long large = Math.max(left.get(), right.get());
        if (small <= t.smallSideMaxBytes() && large >= t.largeSideMinBytes()) {
          out.add(
              new Diagnosis(
                  Rule.SHUFFLE_COULD_BROADCAST,
                  String.format(
                      "query %d: %s shuffled both sides, %s and %s",
                      query.executionId(),
                      n.name(),
                      RunMetrics.bytes(large),
                      RunMetrics.bytes(small))));
        }
      }
    }
    return out;
  }

  static Optional<Diagnosis> recomputedInput(RunFacts run, Thresholds t) {
    Map<Integer, Integer> jobOf = new HashMap<>();
    run.stages().forEach(s -> jobOf.put(s.stageId(), s.jobId()));
    // stage -> (records, bytes) read from files or cache
    Map<Integer, long[]> inputs = new TreeMap<>();
    for (TaskFact task : run.tasks()) {
      if (task.successful()) {
        long[] in = inputs.computeIfAbsent(task.stageId(), k -> new long[2]);
        in[0] += task.inputRecords();
        in[1] += task.inputBytes();
      }
    }
    // Matched on records, not bytes: the bytes a Parquet scan reports depend on the columns read
    // on some lines (Spark 3.5.9: 31,954 and 277,036 bytes for two jobs reading one file) and not
    // on others (4.2.0: 11,260 bytes for both).
    Map<Long, Set<Integer>> jobsByRecords = new LinkedHashMap<>();
    Map<Long, long[]> bytesByRecords = new HashMap<>(); // records -> {min, max} bytes
    inputs.forEach(
        (stage, in) -> {
          if (in[0] >= t.recomputeMinRecords()) {
            jobsByRecords
                .computeIfAbsent(in[0], k -> new TreeSet<>())
                .add(jobOf.getOrDefault(stage, -stage - 1));
            bytesByRecords.merge(
                in[0],
                new long[] {in[1], in[1]},
                (a, b) -> new long[] {Math.min(a[0], b[0]), Math.max(a[1], b[1])});
          }
        });
    List<String> repeated =
        jobsByRecords.entrySet().stream()
            .filter(e -> e.getValue().size() > 1)
            .map(
                e -> {
                  long[] bytes = bytesByRecords.get(e.getKey());
                  String read =
                      bytes[0] == bytes[1]
                          ? RunMetrics.bytes(bytes[0])
                          : RunMetrics.bytes(bytes[0])
                              + " to "
                              + RunMetrics.bytes(bytes[1])
                              + ": different columns";
                  return String.format(
                      "the same input, %,d records (%s), was read by %d jobs",
                      e.getKey(), read, e.getValue().size());
                })
            .toList();
    return repeated.isEmpty()
        ? Optional.empty()
        : Optional.of(new Diagnosis(Rule.RECOMPUTED_INPUT, String.join("; ", repeated)));
  }

  static List<Diagnosis> explodingJoins(PlanNode query, Map<Long, Long> values, Thresholds t) {
    List<Diagnosis> out = new ArrayList<>();
    for (PlanNode n : query.all()) {
      if (!n.name().contains("Join")) {
        continue;
      }
      long rows = n.value("number of output rows", values).orElse(0L);
      long largestInput =
          n.children().stream()
              .map(c -> c.firstWith("number of output rows"))
              .flatMap(Optional::stream)
              .mapToLong(c -> c.value("number of output rows", values).orElse(0L))
              .max()
              .orElse(0);
      if (rows >= t.explodeMinRows() && rows > t.explodeRatio() * largestInput) {
        out.add(
            new Diagnosis(
                Rule.EXPLODING_JOIN,
                String.format(
                    "query %d: %s produced %,d rows from inputs of at most %,d rows (%.0fx)",
                    query.executionId(),
                    n.name(),
                    rows,
                    largestInput,
                    (double) rows / Math.max(1, largestInput))));
      }
    }
    return out;
  }

  static List<Diagnosis> smallOutputFiles(PlanNode query, Map<Long, Long> values, Thresholds t) {
    List<Diagnosis> out = new ArrayList<>();
    for (PlanNode n : query.all()) {
      Optional<Long> files = n.value("number of written files", values);
      if (files.isEmpty() || files.get() < t.smallFilesMinFiles()) {
        continue;
      }
      long bytes = n.value("written output", values).orElse(0L);
      long average = bytes / files.get();
      if (average < t.smallFileMaxAvgBytes()) {
        out.add(
            new Diagnosis(
                Rule.SMALL_OUTPUT_FILES,
                String.format(
                    "query %d wrote %,d files of %s on average (%s in all)",
                    query.executionId(),
                    files.get(),
                    RunMetrics.bytes(average),
                    RunMetrics.bytes(bytes))));
      }
    }
    return out;
  }

  private static final Set<String> NOT_A_TASK_FAILURE =
      Set.of("Success", "FetchFailed", "ExecutorLostFailure", "TaskKilled", "TaskCommitDenied");

  static Optional<Diagnosis> taskFailures(RunFacts run) {
    List<TaskFact> failed =
        run.tasks().stream()
            .filter(task -> !NOT_A_TASK_FAILURE.contains(task.endReason()))
            .toList();
    if (failed.isEmpty()) {
      return Optional.empty();
    }
    TaskFact first = failed.get(0);
    return Optional.of(
        new Diagnosis(
            Rule.TASK_FAILURES,
            String.format(
                "%d of %d task attempts failed; the first in stage %d: %s %s",
                failed.size(),
                run.tasks().size(),
                first.stageId(),
                first.endReason(),
                firstLine(first.failureDetail()))));
  }

  static Optional<Diagnosis> lostExecutors(RunFacts run) {
    long lostTasks =
        run.tasks().stream().filter(task -> task.endReason().equals("ExecutorLostFailure")).count();
    if (run.executorsLost().isEmpty() && lostTasks == 0) {
      return Optional.empty();
    }
    return Optional.of(
        new Diagnosis(
            Rule.LOST_EXECUTORS,
            String.format(
                "%d executor(s) removed (%s); %d task attempt(s) failed with their executor",
                run.executorsLost().size(),
                run.executorsLost().stream()
                    .limit(3)
                    .map(SparkDoctor::firstLine)
                    .collect(Collectors.joining("; ")),
                lostTasks)));
  }

  static Optional<Diagnosis> fetchFailures(RunFacts run) {
    List<TaskFact> fetch =
        run.tasks().stream().filter(task -> task.endReason().equals("FetchFailed")).toList();
    long retried = run.stages().stream().filter(s -> s.attempt() > 0).count();
    if (fetch.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        new Diagnosis(
            Rule.FETCH_FAILURES,
            String.format(
                "%d fetch failure(s), %d stage attempt(s) re-run; the first: %s",
                fetch.size(), retried, firstLine(fetch.get(0).failureDetail()))));
  }

  private static String firstLine(String s) {
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }

  /** Stage facts by id (the last attempt), for callers that print a stage's name. */
  static Map<Integer, StageFact> stagesById(RunFacts run) {
    Map<Integer, StageFact> out = new TreeMap<>();
    run.stages().forEach(s -> out.put(s.stageId(), s));
    return out;
  }
}
