package dev.advancedspark.part3.gc;

import dev.advancedspark.common.ExampleArgs;
import dev.advancedspark.common.RunnableExample;
import dev.advancedspark.common.UsageException;
import dev.advancedspark.common.cluster.StandaloneCluster;
import dev.advancedspark.part3.monitoring.RunEvents;
import dev.advancedspark.part3.monitoring.RunFacts;
import dev.advancedspark.part3.monitoring.RunFacts.TaskFact;
import dev.advancedspark.part3.monitoring.RunRecorder;
import java.io.PrintStream;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.SparkSession;

/**
 * G1 against Parallel GC for a shuffle-heavy job of objects ({@link GcExample}'s RDD version), as
 * what they are: options of the executor JVMs ({@code spark.executor.extraJavaOptions}). In local
 * mode the executors are threads of the driver's JVM, so executor options change nothing; this
 * example starts a standalone cluster (a Master and a Worker JVM from {@code common}, executors in
 * their own JVMs) and runs the job once per collector, each in a new application.
 *
 * <pre>
 * bin/run-example GcCollectorsExample --orders 2M
 * </pre>
 *
 * Expected output: for each collector, the collector names the executors report (proof that the
 * option reached them), then the job's summed {@code jvmGCTime}, task time and wall time. A
 * measured report, not a verdict: one run on one machine; compare them side by side, several times.
 */
@RunnableExample("GC collectors: G1 vs Parallel GC as executor JVM options on a standalone cluster")
public final class GcCollectorsExample {

  static final ExampleArgs ARGS =
      ExampleArgs.forTool("GcCollectorsExample")
          .option("orders", "2000000", "orders aggregated per customer")
          .option("executor-memory", "512m", "heap of each executor JVM");

  /** A collector and the executor JVM flag that picks it. */
  public enum Collector {
    G1("-XX:+UseG1GC"),
    PARALLEL("-XX:+UseParallelGC");

    private final String flag;

    Collector(String flag) {
      this.flag = flag;
    }

    public String flag() {
      return flag;
    }
  }

  private GcCollectorsExample() {}

  // tag::executor-gc-options[]
  /** The settings that pick a collector for the executors only; the driver keeps its own JVM. */
  public static Map<String, String> executorConf(Collector collector, String executorMemory) {
    return Map.of(
        "spark.executor.extraJavaOptions",
        collector.flag(),
        "spark.executor.memory",
        executorMemory);
  }

  // end::executor-gc-options[]

  /** The garbage collectors of the JVMs that run this session's tasks, by their MXBean names. */
  public static List<String> executorCollectors(SparkSession spark) {
    List<String> names =
        spark
            .range(0, 4, 1, 4)
            .mapPartitions(
                (MapPartitionsFunction<Long, String>)
                    ignored -> {
                      List<String> out = new ArrayList<>();
                      for (GarbageCollectorMXBean gc :
                          ManagementFactory.getGarbageCollectorMXBeans()) {
                        out.add(gc.getName());
                      }
                      Iterator<String> it = out.iterator();
                      return it;
                    },
                Encoders.STRING())
            .collectAsList();
    return List.copyOf(new TreeSet<>(names));
  }

  /** This JVM's (the driver's) collectors. */
  public static List<String> driverCollectors() {
    TreeSet<String> names = new TreeSet<>();
    ManagementFactory.getGarbageCollectorMXBeans().forEach(gc -> names.add(gc.getName()));
    return List.copyOf(names);
  }

  /** What one collector did for the job. */
  public record CollectorRun(
      Collector collector,
      List<String> executorCollectors,
      long gcMillis,
      long runMillis,
      long wallMillis) {}

  /** Runs the object job on {@code spark} and sums the task metrics. */
  public static CollectorRun measure(SparkSession spark, Collector collector, long orders) {
    List<String> names = executorCollectors(spark);
    GcExample.perCustomerWithObjects(spark, orders / 10, 8); // warm-up
    long start = System.nanoTime();
    RunFacts facts =
        RunEvents.parse(
            RunRecorder.record(spark, () -> GcExample.perCustomerWithObjects(spark, orders, 8)));
    long wall = (System.nanoTime() - start) / 1_000_000;
    return new CollectorRun(
        collector,
        names,
        facts.tasks().stream().mapToLong(TaskFact::gcMillis).sum(),
        facts.tasks().stream().mapToLong(TaskFact::runMillis).sum(),
        wall);
  }

  public static void main(String[] args) {
    int status = run(args, System.out, System.err);
    if (status != 0) {
      System.exit(status);
    }
  }

  static int run(String[] args, PrintStream out, PrintStream err) {
    long orders;
    String memory;
    try {
      ExampleArgs.Parsed opts = ARGS.parse(args);
      orders = opts.getPositiveLong("orders");
      memory = opts.get("executor-memory");
      if (!memory.matches("\\d+[mg]")) {
        throw new UsageException(
            "--executor-memory must look like 512m or 1g, got '" + memory + "'.", ARGS.usage());
      }
    } catch (UsageException e) {
      if (e.helpRequested()) {
        out.print(e.usage());
        return 0;
      }
      err.println("error: " + e.getMessage());
      err.print(e.usage());
      return 2;
    }
    out.println("driver JVM collectors: " + driverCollectors());
    try (StandaloneCluster cluster =
        StandaloneCluster.builder()
            .workers(1)
            .coresPerWorker(2)
            .memoryPerWorker("2g")
            .workDir(Path.of("target", "gc-collectors"))
            .start()) {
      for (Collector c : Collector.values()) {
        SparkSession spark = cluster.session("gc-" + c, executorConf(c, memory));
        try {
          CollectorRun r = measure(spark, c, orders);
          out.printf(
              "%-8s executors run %s: GC %,d ms of %,d ms task time, wall %,d ms%n",
              c, r.executorCollectors(), r.gcMillis(), r.runMillis(), r.wallMillis());
        } finally {
          spark.stop();
          SparkSession.clearActiveSession();
          SparkSession.clearDefaultSession();
        }
      }
    }
    return 0;
  }
}
