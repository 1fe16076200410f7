package dev.advancedspark.part3.memory;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.sum;

import dev.advancedspark.common.ExampleArgs;
import dev.advancedspark.common.Examples;
import dev.advancedspark.common.RunnableExample;
import dev.advancedspark.common.SparkSessions;
import dev.advancedspark.common.cluster.StandaloneCluster;
import dev.advancedspark.common.memory.SparkMemoryRules;
import dev.advancedspark.part3.monitoring.RunEvents;
import dev.advancedspark.part3.monitoring.RunRecorder;
import dev.advancedspark.part3.monitoring.SparkDoctor;
import dev.advancedspark.part3.monitoring.SparkDoctor.Diagnosis;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.SparkSession;

/**
 * An executor out of memory, for real: on a standalone cluster each executor is its own JVM with
 * its own {@code -Xmx} ({@code spark.executor.memory}), so a task that keeps more user objects than
 * that heap holds fails with {@code java.lang.OutOfMemoryError: Java heap space} and takes its
 * executor down with it (Spark's uncaught-exception handler exits the JVM with code 52). In local
 * mode the "executor" is the driver's JVM, which is why this lesson needs separate executor JVMs.
 *
 * <p>The state is user memory: objects a function keeps (here a {@code byte[]} of 1 MiB per row
 * held until the partition ends, as a {@code groupByKey} buffer or a map built in {@code
 * mapPartitions} does; arrays this large are allocated straight into the old generation, so the
 * heap fills without the collector copying them back and forth first). Spark's memory manager
 * neither sees nor spills it; only execution memory (sorts, aggregations, joins) spills. The fixes:
 * fewer rows per task (more partitions), less state per row (aggregate as you go instead of holding
 * rows), or a bigger heap.
 *
 * <p>A container killed for memory overhead is the other way an executor dies of memory on YARN or
 * Kubernetes: its heap is fine, but heap + off-heap use (netty buffers, thread stacks, native
 * libraries) grows past the container, whose size is {@code spark.executor.memory +
 * spark.executor.memoryOverhead} (default {@code max(384 MiB, 0.10 x heap)}) + off-heap; {@link
 * #containerMiB} prints it (the arithmetic is {@code common}'s {@link SparkMemoryRules}, tested
 * against Spark's {@code ResourceProfile}).
 *
 * <pre>
 * bin/run-example ExecutorOomExample                       # 1 partition: OOM; 16: fine
 * bin/run-example ExecutorOomExample --state-mib 256       # less state: fine on 1 partition
 * </pre>
 */
@RunnableExample(
    "Executor OOM on a standalone cluster: a task holding more than the executor heap, and the"
        + " fixes; container size with memory overhead")
public final class ExecutorOomExample {

  static final ExampleArgs ARGS =
      ExampleArgs.forExample("ExecutorOomExample")
          .count("rows", "768", "rows of the job")
          .count("state-mib", "768", "MiB of per-row state the job holds in total")
          .count("partitions", "16", "partitions of the fixed run");

  /** The executors' heap: a worker of 1 GiB offers 512 MiB (StandaloneCluster caps it there). */
  public static final String EXECUTOR_MEMORY = "512m";

  private ExecutorOomExample() {}

  // tag::per-row-state[]
  /** Keeps a {@code bytesPerRow} array for every row of its partition until the partition ends. */
  static final class HoldEveryRow implements MapPartitionsFunction<Long, Long> {
    private final int bytesPerRow;

    HoldEveryRow(int bytesPerRow) {
      this.bytesPerRow = bytesPerRow;
    }

    @Override
    public Iterator<Long> call(Iterator<Long> ids) {
      List<byte[]> held = new ArrayList<>();
      while (ids.hasNext()) {
        byte[] state = new byte[bytesPerRow];
        state[0] = (byte) (long) ids.next();
        held.add(state); // user memory: Spark cannot spill it
      }
      return List.of((long) held.size()).iterator();
    }
  }

  /** The fix in code: the same answer, folding each row's state away instead of holding it. */
  static final class FoldEveryRow implements MapPartitionsFunction<Long, Long> {
    private final int bytesPerRow;

    FoldEveryRow(int bytesPerRow) {
      this.bytesPerRow = bytesPerRow;
    }

    @Override
    public Iterator<Long> call(Iterator<Long> ids) {
      long rows = 0;
      while (ids.hasNext()) {
        byte[] state = new byte[bytesPerRow];
        state[0] = (byte) (long) ids.next();
        rows += state.length == bytesPerRow ? 1 : 0; // used, then garbage
      }
      return List.of(rows).iterator();
    }
  }

  /** Rows counted by tasks that each hold every row's state: {@code partitions} tasks. */
  public static long holdingState(SparkSession spark, long rows, int bytesPerRow, int partitions) {
    return spark
        .range(0, rows, 1, partitions)
        .mapPartitions(new HoldEveryRow(bytesPerRow), Encoders.LONG())
        .agg(sum(col("value")))
        .first()
        .getLong(0);
  }

  /** The same count, folding the state away row by row. */
  public static long foldingState(SparkSession spark, long rows, int bytesPerRow, int partitions) {
    return spark
        .range(0, rows, 1, partitions)
        .mapPartitions(new FoldEveryRow(bytesPerRow), Encoders.LONG())
        .agg(sum(col("value")))
        .first()
        .getLong(0);
  }

  // end::per-row-state[]

  /**
   * The settings of the reproduction: one executor of {@link #EXECUTOR_MEMORY}, and a task is not
   * retried ({@code spark.task.maxFailures=1}), so the job fails at the first OOM instead of
   * killing three more executors.
   */
  public static Map<String, String> oomAppConf() {
    return Map.of(
        "spark.executor.memory", EXECUTOR_MEMORY,
        "spark.cores.max", "1",
        "spark.task.maxFailures", "1");
  }

  /**
   * What happened to one run.
   *
   * @param rows the job's answer, or -1 when it failed
   * @param failure the first line of the failure that reached the driver, or null
   * @param findings what the doctor says about the run
   */
  public record Outcome(long rows, String failure, List<Diagnosis> findings) {
    public boolean failed() {
      return failure != null;
    }
  }

  /** Runs {@code job} (returning a row count) under the doctor and notes how it ended. */
  public static Outcome run(SparkSession spark, java.util.function.LongSupplier job) {
    long[] rows = {-1};
    String[] failure = {null};
    List<String> events =
        RunRecorder.record(
            spark,
            () -> {
              try {
                rows[0] = job.getAsLong();
              } catch (Exception e) { // SparkException is checked in Java, thrown all the same
                failure[0] = oomLine(e);
              }
            });
    List<Diagnosis> findings =
        SparkDoctor.diagnose(RunEvents.parse(events), SparkDoctor.Thresholds.smallData());
    return new Outcome(rows[0], failure[0], findings);
  }

  /** The line of a job failure that says why the task died. */
  static String oomLine(Throwable e) {
    String message = String.valueOf(e.getMessage());
    for (String line : message.split("\n")) {
      if (line.contains("OutOfMemoryError") || line.contains("exited with code")) {
        return line.trim();
      }
    }
    return message.lines().findFirst().orElse(message);
  }

  /**
   * The container YARN or Kubernetes grants an executor of {@code executorMemoryMiB}, default
   * overhead, no off-heap.
   */
  public static long containerMiB(long executorMemoryMiB) {
    return SparkMemoryRules.containerMiB(
        executorMemoryMiB, SparkMemoryRules.overheadMiB(executorMemoryMiB), 0);
  }

  public static void main(String[] args) {
    Examples.runTool(
        args,
        ARGS,
        opts -> {
          long rows = opts.getPositiveLong("rows");
          long stateBytes = opts.getPositiveLong("state-mib") * SparkMemoryRules.MIB;
          int bytesPerRow = (int) Math.max(1, Math.min(Integer.MAX_VALUE - 16, stateBytes / rows));
          int partitions = opts.getPositiveInt("partitions");
          long heapMiB = SparkMemoryRules.parseMiB(EXECUTOR_MEMORY);
          System.out.printf(
              "executor heap %d MiB; on YARN/Kubernetes its container would be %d MiB (overhead"
                  + " max(384 MiB, 10%%) = %d MiB)%n",
              heapMiB, containerMiB(heapMiB), SparkMemoryRules.overheadMiB(heapMiB));
          System.out.printf(
              "%,d rows, %,d bytes of state per row (%d MiB in all)%n",
              rows, bytesPerRow, stateBytes / SparkMemoryRules.MIB);
          try (StandaloneCluster cluster =
              StandaloneCluster.builder()
                  .workers(1)
                  .coresPerWorker(1)
                  .memoryPerWorker("1g")
                  .workDir(SparkSessions.TARGET.resolve("executor-oom-cluster"))
                  .start()) {
            SparkSession spark = cluster.session("ExecutorOomExample", oomAppConf());
            try {
              report(
                  "1 partition, holding every row",
                  cluster,
                  spark,
                  () -> holdingState(spark, rows, bytesPerRow, 1));
              report(
                  partitions + " partitions, holding every row",
                  cluster,
                  spark,
                  () -> holdingState(spark, rows, bytesPerRow, partitions));
              report(
                  "1 partition, folding each row",
                  cluster,
                  spark,
                  () -> foldingState(spark, rows, bytesPerRow, 1));
            } finally {
              spark.stop();
            }
          }
        });
  }

  private static void report(
      String what,
      StandaloneCluster cluster,
      SparkSession spark,
      java.util.function.LongSupplier job) {
    cluster.awaitRegisteredExecutors(spark, 1, Duration.ofMinutes(2));
    Outcome outcome = run(spark, job);
    System.out.println(
        "== "
            + what
            + ": "
            + (outcome.failed() ? "FAILED " + outcome.failure() : outcome.rows() + " rows"));
    outcome.findings().forEach(d -> System.out.println("   " + d.rule() + ": " + d.evidence()));
  }
}
