package dev.advancedspark.part3.gc;

import dev.advancedspark.common.ExampleArgs;
import dev.advancedspark.common.Examples;
import dev.advancedspark.common.RunnableExample;
import dev.advancedspark.common.SparkSessions;
import dev.advancedspark.common.cluster.ExecutorProcess;
import dev.advancedspark.common.cluster.StandaloneCluster;
import dev.advancedspark.part3.monitoring.RunEvents;
import dev.advancedspark.part3.monitoring.RunFacts.TaskFact;
import dev.advancedspark.part3.monitoring.RunRecorder;
import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.api.java.function.Function;
import org.apache.spark.api.java.function.PairFunction;
import org.apache.spark.sql.SparkSession;
import scala.Tuple2;

/**
 * G1 against Parallel GC on executor JVMs: the same shuffle-heavy job (an RDD of pairs grouped by
 * key, so the reduce side holds every value of its keys as objects) on a standalone cluster whose
 * executors are started with {@code spark.executor.extraJavaOptions=-XX:+UseG1GC} or {@code
 * -XX:+UseParallelGC}. The collector is a JVM option of the executors, so it needs executor JVMs of
 * their own: in local mode the tasks run in the driver's JVM and its collector.
 *
 * <p>What is reported, per collector and per executor: {@code jvmGCTime} summed over the executor's
 * tasks, the tasks' run time, the job's wall time, and which collector the executor JVM really ran
 * (its {@code GarbageCollectorMXBean} names, read by a task, and its command line). This is a
 * measured report, not a benchmark: one machine, few repetitions; run it on yours.
 *
 * <p>Executor-side functions are named classes, not lambdas: a lambda is serialized as a {@code
 * SerializedLambda} that only resolves on an executor whose class path has the driver's classes
 * (here the cluster gives the executors this JVM's class path through {@code
 * spark.executor.extraClassPath}; a jar submitted with spark-submit gets the same from {@code
 * spark.jars}).
 *
 * <pre>
 * bin/run-example GcCollectorsExample --pairs 4M --runs 3
 * </pre>
 */
@RunnableExample("G1 vs Parallel GC as executor JVM options: jvmGCTime per executor, on a cluster")
public final class GcCollectorsExample {

  static final ExampleArgs ARGS =
      ExampleArgs.forExample("GcCollectorsExample")
          .count("pairs", "4M", "key-value pairs grouped by key per run")
          .count("runs", "3", "measured runs per collector (after one warm-up)")
          .count("partitions", "8", "map and reduce partitions");

  /** The collectors compared, as executor JVM options. */
  public static final Map<String, String> COLLECTORS =
      Map.of("G1", "-XX:+UseG1GC", "Parallel", "-XX:+UseParallelGC");

  private GcCollectorsExample() {}

  // tag::shuffle-heavy-job[]
  /** Pair {@code i} -> (key, i): {@code keys} keys, boxed longs, one tuple per record. */
  static final class ToPair implements PairFunction<Long, Long, Long> {
    private final long keys;

    ToPair(long keys) {
      this.keys = keys;
    }

    @Override
    public Tuple2<Long, Long> call(Long i) {
      return new Tuple2<>((i * 7919) % keys, i);
    }
  }

  /** How many values a key got: the grouped values are all on the heap at once. */
  static final class Size implements Function<Iterable<Long>, Integer> {
    @Override
    public Integer call(Iterable<Long> values) {
      int n = 0;
      for (Long ignored : values) {
        n++;
      }
      return n;
    }
  }

  /** The shuffle-heavy job: every pair crosses the shuffle, and is grouped into lists by key. */
  public static long groupedValues(SparkSession spark, long pairs, int partitions) {
    JavaPairRDD<Long, Long> byKey =
        spark.range(0, pairs, 1, partitions).javaRDD().mapToPair(new ToPair(pairs / 100));
    return byKey.groupByKey(partitions).mapValues(new Size()).values().count();
  }

  // end::shuffle-heavy-job[]

  /** A task's answer: its JVM's pid and the names of the JVM's garbage collectors. */
  static final class CollectorProbe implements FlatMapFunction<Iterator<Long>, String> {
    @Override
    public Iterator<String> call(Iterator<Long> ignored) {
      List<String> names = new ArrayList<>();
      for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
        names.add(gc.getName());
      }
      return List.of(ProcessHandle.current().pid() + "=" + String.join(",", names)).iterator();
    }
  }

  /** Pid -> the collectors its JVM runs, from the executors that ran one of {@code tasks} tasks. */
  public static Map<Long, String> collectorsSeenByTasks(SparkSession spark, int tasks) {
    Map<Long, String> out = new TreeMap<>();
    for (String answer :
        spark.range(0, tasks, 1, tasks).javaRDD().mapPartitions(new CollectorProbe()).collect()) {
      int eq = answer.indexOf('=');
      out.put(Long.parseLong(answer.substring(0, eq)), answer.substring(eq + 1));
    }
    return out;
  }

  /** The {@code -XX:+Use...GC} options on an executor's command line. */
  public static List<String> gcOptionsOnCommandLine(ExecutorProcess executor) {
    Path cmdline = Path.of("/proc", String.valueOf(executor.pid()), "cmdline");
    String[] args;
    try {
      args =
          Files.isReadable(cmdline)
              ? Files.readString(cmdline, StandardCharsets.UTF_8).split("\0")
              : executor.process().info().arguments().orElse(new String[0]);
    } catch (IOException e) {
      args = new String[0];
    }
    return Arrays.stream(args).filter(a -> a.matches("-XX:\\+Use\\w+GC")).distinct().toList();
  }

  /**
   * One measured run.
   *
   * @param wallMillis the job's wall time
   * @param gcMillisByExecutor executor id -> summed {@code jvmGCTime} of its tasks
   * @param runMillisByExecutor executor id -> summed task run time
   * @param groups the job's answer (keys)
   */
  public record Run(
      long wallMillis,
      Map<String, Long> gcMillisByExecutor,
      Map<String, Long> runMillisByExecutor,
      long groups) {

    public long gcMillis() {
      return gcMillisByExecutor.values().stream().mapToLong(Long::longValue).sum();
    }

    public long runMillis() {
      return runMillisByExecutor.values().stream().mapToLong(Long::longValue).sum();
    }
  }

  /** Runs the job once and reads GC and run time per executor from its task metrics. */
  public static Run measure(SparkSession spark, long pairs, int partitions) {
    long[] groups = new long[1];
    long start = System.nanoTime();
    List<String> events =
        RunRecorder.record(spark, () -> groups[0] = groupedValues(spark, pairs, partitions));
    long wall = (System.nanoTime() - start) / 1_000_000;
    Map<String, Long> gc = new TreeMap<>();
    Map<String, Long> run = new TreeMap<>();
    for (TaskFact t : RunEvents.parse(events).tasks()) {
      gc.merge(t.executorId(), t.gcMillis(), Long::sum);
      run.merge(t.executorId(), t.runMillis(), Long::sum);
    }
    return new Run(wall, gc, run, groups[0]);
  }

  /**
   * The settings of an application whose executors run {@code collector} (a key of {@link
   * #COLLECTORS}).
   */
  public static Map<String, String> appConf(String collector) {
    String option = COLLECTORS.get(collector);
    if (option == null) {
      throw new IllegalArgumentException(
          "Unknown collector " + collector + "; one of " + new TreeSet<>(COLLECTORS.keySet()));
    }
    return Map.of("spark.executor.extraJavaOptions", option);
  }

  public static void main(String[] args) {
    Examples.runTool(
        args,
        ARGS,
        opts -> {
          long pairs = opts.getPositiveLong("pairs");
          int runs = opts.getPositiveInt("runs");
          int partitions = opts.getPositiveInt("partitions");
          System.out.printf(
              Locale.ROOT,
              "%,d pairs grouped by key, %d partitions, %d runs per collector; 2 executors of"
                  + " 1 core and 512 MiB heap; load average %s%n",
              pairs,
              partitions,
              runs,
              loadAverage());
          try (StandaloneCluster cluster =
              StandaloneCluster.builder()
                  .workers(2)
                  .coresPerWorker(1)
                  .memoryPerWorker("1g")
                  .workDir(SparkSessions.TARGET.resolve("gc-collectors-cluster"))
                  .start()) {
            for (String collector : List.of("G1", "Parallel")) {
              SparkSession spark = cluster.session("GcCollectors-" + collector, appConf(collector));
              try {
                List<ExecutorProcess> executors =
                    cluster.awaitRegisteredExecutors(spark, 2, Duration.ofMinutes(2));
                System.out.printf(
                    "== %s: executors' command line %s, their GC beans %s%n",
                    collector,
                    executors.stream().map(GcCollectorsExample::gcOptionsOnCommandLine).toList(),
                    new TreeSet<>(collectorsSeenByTasks(spark, 8).values()));
                measure(spark, pairs / 4, partitions); // warm-up
                for (int i = 1; i <= runs; i++) {
                  Run r = measure(spark, pairs, partitions);
                  System.out.printf(
                      Locale.ROOT,
                      "   run %d: wall %,d ms, task time %,d ms, GC %,d ms (%.1f %%) per executor"
                          + " %s%n",
                      i,
                      r.wallMillis(),
                      r.runMillis(),
                      r.gcMillis(),
                      100.0 * r.gcMillis() / Math.max(1, r.runMillis()),
                      r.gcMillisByExecutor());
                }
              } finally {
                spark.stop();
              }
            }
          }
          System.out.println("load average at the end " + loadAverage());
        });
  }

  private static String loadAverage() {
    return String.format(
        Locale.ROOT, "%.1f", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
  }
}
