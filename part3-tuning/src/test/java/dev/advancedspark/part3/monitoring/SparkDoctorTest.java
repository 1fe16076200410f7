package dev.advancedspark.part3.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.advancedspark.part3.monitoring.RunFacts.PlanNode;
import dev.advancedspark.part3.monitoring.RunFacts.StageFact;
import dev.advancedspark.part3.monitoring.RunFacts.TaskFact;
import dev.advancedspark.part3.monitoring.SparkDoctor.Diagnosis;
import dev.advancedspark.part3.monitoring.SparkDoctor.Rule;
import dev.advancedspark.part3.monitoring.SparkDoctor.Thresholds;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every rule on constructed facts, with the production thresholds: fires just above its threshold,
 * stays quiet just below it.
 */
class SparkDoctorTest {

  private static final long MIB = 1L << 20;
  private static final Thresholds T = Thresholds.defaults();

  /** A task of stage {@code stage} that read {@code records} records and {@code bytes} bytes. */
  private static TaskFact task(int stage, long records, long bytes) {
    return TaskFact.of(stage, records, bytes);
  }

  private static TaskFact task(
      int stage, String reason, String detail, long run, long gc, long memSpill, long diskSpill) {
    return new TaskFact(
        stage, 0, "1", reason, detail, run, run, gc, 0, 10 * MIB, 100_000, 0, 0, 0, 0, 0, 0,
        memSpill, diskSpill);
  }

  private static RunFacts run(List<TaskFact> tasks) {
    return run(tasks, List.of(), List.of(), Map.of(), List.of());
  }

  private static RunFacts run(
      List<TaskFact> tasks,
      List<StageFact> stages,
      List<PlanNode> queries,
      Map<Long, Long> values,
      List<String> lost) {
    return new RunFacts("4.2.0", 1, 8, tasks, stages, lost, queries, values);
  }

  private static List<Rule> rules(RunFacts facts) {
    return SparkDoctor.diagnose(facts, T).stream().map(Diagnosis::rule).toList();
  }

  /** 8 even tasks of stage 1, 10 MiB and 100,000 records each: nothing to say. */
  private static List<TaskFact> evenStage() {
    List<TaskFact> tasks = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      tasks.add(task(1, 100_000, 10 * MIB));
    }
    return tasks;
  }

  @Test
  void aHealthyRunHasNoFindings() {
    assertThat(SparkDoctor.diagnose(run(evenStage()), T)).isEmpty();
  }

  @Test
  void skewFiresAboveFiveTimesTheMedianAndAMillionRecords() {
    List<TaskFact> above = evenStage();
    above.set(0, task(1, 1_000_000, 100 * MIB)); // 10x the median, 1M records
    List<TaskFact> below = evenStage();
    below.set(0, task(1, 500_000, 50 * MIB)); // 5x: not more than 5x
    List<TaskFact> small = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      small.add(task(1, i == 0 ? 90_000 : 1_000, 1024)); // 90x, but 90,000 records
    }

    List<Diagnosis> found = SparkDoctor.diagnose(run(above), T);
    assertThat(found).extracting(Diagnosis::rule).containsExactly(Rule.SKEW);
    assertThat(found.get(0).evidence())
        .isEqualTo(
            "stage 1 (8 tasks): the largest task read 1,000,000 records, the median task 100,000"
                + " (10.0x)");
    assertThat(rules(run(below))).isEmpty();
    assertThat(rules(run(small))).isEmpty();
  }

  @Test
  void spillFiresOnAnyByteSpilled() {
    List<TaskFact> tasks = evenStage();
    tasks.add(task(2, "Success", "", 1_000, 0, 2048 * MIB, 300 * MIB));

    List<Diagnosis> found = SparkDoctor.diagnose(run(tasks), T);
    assertThat(found).extracting(Diagnosis::rule).containsExactly(Rule.SPILL);
    assertThat(found.get(0).evidence())
        .isEqualTo("stage 2 spilled 2.0 GiB from memory, 300.0 MiB to disk");
    assertThat(rules(run(evenStage()))).isEmpty();
  }

  @Test
  void gcPressureFiresAboveTenPercentAndOneSecond() {
    List<Diagnosis> found =
        SparkDoctor.diagnose(run(List.of(task(1, "Success", "", 10_000, 1_100, 0, 0))), T);
    assertThat(found).extracting(Diagnosis::rule).containsExactly(Rule.GC_PRESSURE);
    assertThat(found.get(0).evidence()).isEqualTo("GC took 11% of task time (1,100 of 10,000 ms)");
    // 10 % exactly, and 50 % of a short run
    assertThat(rules(run(List.of(task(1, "Success", "", 10_000, 1_000, 0, 0))))).isEmpty();
    assertThat(rules(run(List.of(task(1, "Success", "", 1_000, 500, 0, 0))))).isEmpty();
  }

  @Test
  void tinyTasksFireFromTwoHundredTasksOfUnderOneMiB() {
    List<TaskFact> tiny = new ArrayList<>();
    List<TaskFact> fewer = new ArrayList<>();
    List<TaskFact> bigger = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      tiny.add(task(3, 10, 64 * 1024));
      bigger.add(task(3, 10, MIB));
      if (i < 199) {
        fewer.add(task(3, 10, 64 * 1024));
      }
    }
    List<Diagnosis> found = SparkDoctor.diagnose(run(tiny), T);
    assertThat(found).extracting(Diagnosis::rule).containsExactly(Rule.TINY_TASKS);
    assertThat(found.get(0).evidence())
        .isEqualTo("stage 3 ran 200 tasks; the median task read 64.0 KiB");
    assertThat(rules(run(fewer))).isEmpty();
    assertThat(rules(run(bigger))).isEmpty();
  }

  @Test
  void tooFewTasksFireWhenABigStageHasFewerTasksThanCores() {
    // 8 cores; one task of 10M records
    List<Diagnosis> found = SparkDoctor.diagnose(run(List.of(task(4, 10_000_000, 100 * MIB))), T);
    assertThat(found).extracting(Diagnosis::rule).containsExactly(Rule.TOO_FEW_TASKS);
    assertThat(found.get(0).evidence())
        .isEqualTo("stage 4 read 10,000,000 records in 1 task(s) with 8 cores: 7 core(s) idle");
    assertThat(rules(run(List.of(task(4, 9_999_999, 100 * MIB))))).isEmpty();
    List<TaskFact> eight = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      eight.add(task(4, 10_000_000, 100 * MIB));
    }
    assertThat(rules(run(eight))).isEmpty();
  }

  /** A join node over two exchanges whose "data size" metrics are ids 1 and 2; output rows id 3. */
  private static PlanNode join(String name, String exchange) {
    PlanNode left =
        new PlanNode(
            7,
            exchange,
            exchange.equals("BroadcastExchange")
                ? Map.of("data size", 1L, "number of output rows", 11L)
                : Map.of("data size", 1L),
            List.of(
                new PlanNode(7, "Scan parquet", Map.of("number of output rows", 4L), List.of())));
    PlanNode right =
        new PlanNode(
            7,
            "Exchange",
            Map.of("data size", 2L),
            List.of(
                new PlanNode(7, "Scan parquet", Map.of("number of output rows", 5L), List.of())));
    return new PlanNode(
        7,
        "WholeStageCodegen (3)",
        Map.of(),
        List.of(new PlanNode(7, name, Map.of("number of output rows", 3L), List.of(left, right))));
  }

  private static RunFacts query(PlanNode plan, Map<Long, Long> values) {
    return run(evenStage(), List.of(), List.of(plan), values, List.of());
  }

  @Test
  void aBroadcastOfOneGiBShouldHaveBeenAShuffle() {
    PlanNode plan = join("BroadcastHashJoin", "BroadcastExchange");
    RunFacts above = query(plan, Map.of(1L, 1024 * MIB, 11L, 9_000_000L, 2L, 0L));
    RunFacts below = query(plan, Map.of(1L, 1023 * MIB, 11L, 9_000_000L, 2L, 0L));

    List<Diagnosis> found = SparkDoctor.diagnose(above, T);
    assertThat(found).extracting(Diagnosis::rule).containsExactly(Rule.BROADCAST_TOO_LARGE);
    assertThat(found.get(0).evidence())
        .isEqualTo("query 7 broadcast a relation of 1.0 GiB (9,000,000 rows)");
    assertThat(rules(below)).isEmpty();
    // 50M rows is too many to broadcast whatever the bytes
    assertThat(rules(query(plan, Map.of(1L, 64 * MIB, 11L, 50_000_000L, 2L, 0L))))
        .containsExactly(Rule.BROADCAST_TOO_LARGE);
    assertThat(rules(query(plan, Map.of(1L, 64 * MIB, 11L, 49_999_999L, 2L, 0L)))).isEmpty();
  }

  @Test
  void aSortMergeJoinOfATenMiBSideAgainstAGiBCouldHaveBeenABroadcast() {
    PlanNode plan = join("SortMergeJoin", "Exchange");
    List<Diagnosis> found =
        SparkDoctor.diagnose(query(plan, Map.of(1L, 10 * MIB, 2L, 1024 * MIB)), T);
    assertThat(found).extracting(Diagnosis::rule).containsExactly(Rule.SHUFFLE_COULD_BROADCAST);
    assertThat(found.get(0).evidence())
        .isEqualTo("query 7: SortMergeJoin shuffled both sides, 1.0 GiB and 10.0 MiB");
    assertThat(rules(query(plan, Map.of(1L, 11 * MIB, 2L, 1024 * MIB)))).isEmpty();
    assertThat(rules(query(plan, Map.of(1L, 10 * MIB, 2L, 1023 * MIB)))).isEmpty();
  }

  @Test
  void aJoinWhoseOutputIsTenTimesItsLargerInputExplodes() {
    PlanNode plan = join("SortMergeJoin", "Exchange");
    Map<Long, Long> exploded = new HashMap<>(Map.of(1L, 0L, 2L, 0L, 4L, 5_000_000L, 5L, 1_000L));
    exploded.put(3L, 100_000_000L);
    Map<Long, Long> fine = new HashMap<>(exploded);
    fine.put(3L, 50_000_000L); // exactly 10x
    Map<Long, Long> few = new HashMap<>(exploded);
    few.put(4L, 100L);
    few.put(3L, 99_999_999L); // a million-fold, below 100M rows

    List<Diagnosis> found = SparkDoctor.diagnose(query(plan, exploded), T);
    assertThat(found).extracting(Diagnosis::rule).containsExactly(Rule.EXPLODING_JOIN);
    assertThat(found.get(0).evidence())
        .isEqualTo(
            "query 7: SortMergeJoin produced 100,000,000 rows from inputs of at most 5,000,000"
                + " rows (20x)");
    assertThat(rules(query(plan, fine))).isEmpty();
    assertThat(rules(query(plan, few))).isEmpty();
  }

  @Test
  void aWriteOfAHundredFilesUnder32MiBHasSmallFiles() {
    PlanNode write =
        new PlanNode(
            9,
            "Execute InsertIntoHadoopFsRelationCommand",
            Map.of("number of written files", 21L, "written output", 22L),
            List.of());
    RunFacts small = query(write, Map.of(21L, 100L, 22L, 100 * 31 * MIB));
    RunFacts fewFiles = query(write, Map.of(21L, 99L, 22L, 99 * MIB));
    RunFacts bigFiles = query(write, Map.of(21L, 100L, 22L, 100 * 32 * MIB));

    List<Diagnosis> found = SparkDoctor.diagnose(small, T);
    assertThat(found).extracting(Diagnosis::rule).containsExactly(Rule.SMALL_OUTPUT_FILES);
    assertThat(found.get(0).evidence())
        .isEqualTo("query 9 wrote 100 files of 31.0 MiB on average (3.0 GiB in all)");
    assertThat(rules(fewFiles)).isEmpty();
    assertThat(rules(bigFiles)).isEmpty();
  }

  @Test
  void theSameInputReadByTwoJobsIsARecomputation() {
    List<TaskFact> tasks = List.of(task(1, 1_000_000, 40 * MIB), task(5, 1_000_000, 40 * MIB));
    List<StageFact> twoJobs =
        List.of(new StageFact(1, 0, "count", 1, 0, ""), new StageFact(5, 0, "count", 1, 1, ""));
    List<StageFact> oneJob =
        List.of(new StageFact(1, 0, "join", 1, 0, ""), new StageFact(5, 0, "join", 1, 0, ""));
    List<TaskFact> smaller = List.of(task(1, 999_999, 40 * MIB), task(5, 999_999, 40 * MIB));

    List<Diagnosis> found =
        SparkDoctor.diagnose(run(tasks, twoJobs, List.of(), Map.of(), List.of()), T);
    assertThat(found).extracting(Diagnosis::rule).containsExactly(Rule.RECOMPUTED_INPUT);
    assertThat(found.get(0).evidence())
        .isEqualTo("the same input, 1,000,000 records (40.0 MiB), was read by 2 jobs");
    assertThat(rules(run(tasks, oneJob, List.of(), Map.of(), List.of()))).isEmpty();
    assertThat(rules(run(smaller, twoJobs, List.of(), Map.of(), List.of()))).isEmpty();
    // Two jobs reading different columns of one file report different bytes on some Spark lines
    // (3.5): matched on records, named with the range
    List<TaskFact> otherColumns =
        List.of(task(1, 1_000_000, 4 * MIB), task(5, 1_000_000, 40 * MIB));
    List<Diagnosis> columns =
        SparkDoctor.diagnose(run(otherColumns, twoJobs, List.of(), Map.of(), List.of()), T);
    assertThat(columns.get(0).evidence())
        .isEqualTo(
            "the same input, 1,000,000 records (4.0 MiB to 40.0 MiB: different columns), was read"
                + " by 2 jobs");
  }

  @Test
  void failedTasksLostExecutorsAndFetchFailuresAreNamedApart() {
    List<TaskFact> tasks = new ArrayList<>(evenStage());
    tasks.add(
        task(1, "ExceptionFailure", "java.lang.IllegalStateException: bad row 7", 10, 0, 0, 0));
    tasks.add(task(2, "ExecutorLostFailure", "Command exited with code 137", 10, 0, 0, 0));
    tasks.add(task(2, "FetchFailed", "Failed to connect to /10.0.0.7:7337", 10, 0, 0, 0));
    List<StageFact> stages = List.of(new StageFact(2, 1, "reduce", 4, 0, ""));

    List<Diagnosis> found =
        SparkDoctor.diagnose(
            run(
                tasks,
                stages,
                List.of(),
                Map.of(),
                List.of("executor 3: Command exited with code 137")),
            T);

    assertThat(found)
        .extracting(Diagnosis::rule)
        .containsExactly(Rule.TASK_FAILURES, Rule.LOST_EXECUTORS, Rule.FETCH_FAILURES);
    assertThat(found.get(0).evidence())
        .isEqualTo(
            "1 of 11 task attempts failed; the first in stage 1: ExceptionFailure"
                + " java.lang.IllegalStateException: bad row 7");
    assertThat(found.get(1).evidence())
        .isEqualTo(
            "1 executor(s) removed (executor 3: Command exited with code 137); 1 task attempt(s)"
                + " failed with their executor");
    assertThat(found.get(2).evidence())
        .isEqualTo(
            "1 fetch failure(s), 1 stage attempt(s) re-run; the first: Failed to connect to"
                + " /10.0.0.7:7337");
    // a killed (speculative) attempt is not a failure
    List<TaskFact> killed = new ArrayList<>(evenStage());
    killed.add(task(1, "TaskKilled", "another attempt succeeded", 10, 0, 0, 0));
    assertThat(rules(run(killed))).isEmpty();
  }

  @Test
  void everyRuleNamesARunbookThatExists() {
    // Maven runs the tests in the module folder; the runbooks are at the repository root
    for (Rule rule : Rule.values()) {
      assertThat(java.nio.file.Path.of("..").resolve(rule.runbook())).as(rule.name()).exists();
    }
  }
}
