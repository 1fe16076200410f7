package dev.advancedspark.part1.cluster;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;

import dev.advancedspark.common.ExampleArgs;
import dev.advancedspark.common.Examples;
import dev.advancedspark.common.RunnableExample;
import dev.advancedspark.common.SparkSessions;
import dev.advancedspark.common.UsageException;
import dev.advancedspark.common.cluster.ExecutorProcess;
import dev.advancedspark.common.cluster.StandaloneCluster;
import dev.advancedspark.common.data.DataGenerators;
import dev.advancedspark.common.data.DataGenerators.OrdersSpec;
import dev.advancedspark.common.metrics.MetricsCollector;
import dev.advancedspark.common.metrics.MetricsCollector.Measured;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;

/**
 * Cluster managers, for real: the same aggregation on {@code local[*]} (driver and executor in one
 * JVM, tasks are threads) and on a freshly started Spark standalone cluster (a Master JVM, Worker
 * JVMs, and executor JVMs that the workers launch), all on 127.0.0.1 from the Maven classpath.
 *
 * <p>What to look at: the rows are identical; on local every task runs in the driver's own process
 * id, on the cluster in the executors' process ids, which are children of the worker processes; the
 * cluster pays seconds to start and to ship tasks, which a small job never earns back.
 *
 * <pre>
 * bin/run-example ClusterManagersExample [--rows 200k] [--workers 2] [--kill-executor true]
 * </pre>
 *
 * Expected output (figures vary with the machine):
 *
 * <pre>
 * == local[*]: driver pid 4242, tasks ran in pids {4242=...}
 * == standalone: master spark://127.0.0.1:41545 (pid ...), workers [pid ..., pid ...]
 *    executor 0 on 127.0.0.1, pid ..., child of worker pid ...
 *    tasks ran in pids {...}
 * same rows on both: true
 * == kill -9 of executor 1 (pid ...) while it ran a task of a 4000-row job slowed to 3 ms/row
 *    driver saw executors removed: [1]; failed task attempts: 1
 *    lost: stage 0 task 1 attempt 0 on executor 1 (ExecutorLostFailure)
 *    rerun: stage 0 task 1 attempt 1 on executor 0, successful
 *    job finished in ... ms; same rows as local[*]: true
 * </pre>
 */
@RunnableExample(
    "The same aggregation on local[*] and on a real 2-worker standalone cluster: rows, executor"
        + " pids, timings")
public final class ClusterManagersExample {

  static final ExampleArgs SPEC =
      ExampleArgs.forExample("ClusterManagersExample")
          .count("rows", "200k", "orders to aggregate")
          .count("workers", "2", "standalone workers to start (1 core, 1 GiB each)")
          .choice(
              "kill-executor",
              "true",
              "kill -9 one executor in the middle of a slowed job",
              "true",
              "false");

  /** Rows of the slowed-down job whose executor is killed: 3 ms each, seconds per task. */
  static final long SLOW_ROWS = 4_000;

  private ClusterManagersExample() {}

  // tag::job[]
  /**
   * The job: orders, items and revenue per order status. Revenue is summed as a decimal, so the
   * digits do not depend on the order in which partitions are added: a cluster and a laptop agree.
   */
  public static Dataset<Row> revenueByStatus(Dataset<Row> orders) {
    return orders
        .groupBy("status")
        .agg(
            count(lit(1)).as("orders"),
            sum("quantity").as("items"),
            sum(col("amount").cast("decimal(18,2)")).as("revenue"));
  }

  // end::job[]

  /** The generated orders the job reads: seeded, so every run and every cluster sees the same. */
  public static Dataset<Row> orders(SparkSession spark, long rows) {
    return DataGenerators.orders(spark, OrdersSpec.of(rows));
  }

  /**
   * The same rows, each held back {@code millisPerRow} inside the task: a job slow enough to lose
   * an executor in its middle. The filter keeps every row; it is non-deterministic so the optimizer
   * keeps it where it is.
   */
  public static Dataset<Row> slowedDown(Dataset<Row> orders, long millisPerRow) {
    UserDefinedFunction pause =
        functions
            .udf(
                (UDF1<Long, Boolean>)
                    id -> {
                      Thread.sleep(millisPerRow);
                      return true;
                    },
                DataTypes.BooleanType)
            .asNondeterministic();
    return orders.filter(pause.apply(col("order_id")));
  }

  /** Collects the job's rows sorted by status, for printing and comparing. */
  public static List<Row> collectSorted(Dataset<Row> result) {
    return result.collectAsList().stream()
        .sorted(Comparator.comparing(r -> r.getString(0)))
        .toList();
  }

  /** Which OS processes ran the tasks of a job with {@code partitions} tasks: pid -> tasks. */
  public static Map<Long, Long> taskPids(SparkSession spark, int partitions) {
    List<Long> pids =
        spark
            .range(0, partitions, 1, partitions)
            .map((MapFunction<Long, Long>) i -> ProcessHandle.current().pid(), Encoders.LONG())
            .collectAsList();
    return new TreeMap<>(
        pids.stream().collect(Collectors.groupingBy(p -> p, Collectors.counting())));
  }

  /**
   * The job on the session's own master (local mode).
   *
   * @param master the master URL
   * @param driverPid this JVM's pid
   * @param taskPids pid -> tasks of a 4-task job
   * @param cold the first run of the job
   * @param warm the second run
   * @param slowRows the rows of the small job the executor-loss run repeats, for comparison
   */
  public record LocalRun(
      String master,
      long driverPid,
      Map<Long, Long> taskPids,
      Measured<List<Row>> cold,
      Measured<List<Row>> warm,
      List<Row> slowRows) {}

  /** Runs the job twice on {@code spark} and notes which processes ran the tasks. */
  public static LocalRun onLocal(SparkSession spark, long rows) {
    Measured<List<Row>> cold =
        MetricsCollector.measure(spark, () -> collectSorted(revenueByStatus(orders(spark, rows))));
    Measured<List<Row>> warm =
        MetricsCollector.measure(spark, () -> collectSorted(revenueByStatus(orders(spark, rows))));
    return new LocalRun(
        spark.sparkContext().master(),
        ProcessHandle.current().pid(),
        taskPids(spark, 4),
        cold,
        warm,
        collectSorted(revenueByStatus(orders(spark, SLOW_ROWS))));
  }

  /**
   * The job on a standalone cluster started for the run.
   *
   * @param masterUrl the master's URL
   * @param masterPid the master's pid
   * @param workerPids the workers' pids
   * @param logs the folder of the daemons' logs
   * @param startMillis time to start the cluster
   * @param executors the registered executors
   * @param sessionMillis time until the session and its executors were ready
   * @param taskPids pid -> tasks of a job with two tasks per executor
   * @param cold the first run of the job
   * @param warm the second run
   * @param loss the executor-loss run, or null when not asked for
   */
  public record ClusterRun(
      String masterUrl,
      long masterPid,
      List<Long> workerPids,
      Path logs,
      long startMillis,
      List<ExecutorProcess> executors,
      long sessionMillis,
      Map<Long, Long> taskPids,
      Measured<List<Row>> cold,
      Measured<List<Row>> warm,
      ExecutorLoss.Report loss) {}

  /**
   * Starts a standalone cluster of {@code workers} one-core workers, runs the job twice on it and,
   * with {@code killExecutor}, kills one executor in the middle of a slowed job. Every process it
   * starts is stopped when it returns.
   */
  public static ClusterRun onStandalone(
      int workers, Map<String, String> extraConf, long rows, boolean killExecutor) {
    long start = System.nanoTime();
    try (StandaloneCluster cluster =
        StandaloneCluster.builder()
            .workers(workers)
            .coresPerWorker(1)
            .memoryPerWorker("1g")
            .workDir(SparkSessions.TARGET.resolve("standalone-cluster"))
            .start()) {
      long startMillis = (System.nanoTime() - start) / 1_000_000;
      long sessionStart = System.nanoTime();
      Map<String, String> conf = new LinkedHashMap<>();
      // Two tasks per executor core, so that a killed executor leaves work for the others.
      conf.put("spark.default.parallelism", String.valueOf(2 * workers));
      conf.putAll(extraConf);
      SparkSession onCluster = cluster.session("ClusterManagersExample", conf);
      try {
        List<ExecutorProcess> executors =
            cluster.awaitRegisteredExecutors(onCluster, workers, Duration.ofMinutes(2));
        long sessionMillis = (System.nanoTime() - sessionStart) / 1_000_000;
        Measured<List<Row>> cold =
            MetricsCollector.measure(
                onCluster, () -> collectSorted(revenueByStatus(orders(onCluster, rows))));
        Measured<List<Row>> warm =
            MetricsCollector.measure(
                onCluster, () -> collectSorted(revenueByStatus(orders(onCluster, rows))));
        Map<Long, Long> pids = taskPids(onCluster, 2 * executors.size());
        ExecutorLoss.Report loss =
            killExecutor
                ? ExecutorLoss.killOneExecutorMidJob(
                    onCluster,
                    cluster,
                    () ->
                        collectSorted(revenueByStatus(slowedDown(orders(onCluster, SLOW_ROWS), 3))),
                    Duration.ofMinutes(3))
                : null;
        return new ClusterRun(
            cluster.masterUrl(),
            cluster.masterProcess().pid(),
            cluster.workerProcesses().stream().map(ProcessHandle::pid).toList(),
            cluster.workDir().resolve("logs"),
            startMillis,
            executors,
            sessionMillis,
            pids,
            cold,
            warm,
            loss);
      } finally {
        onCluster.stop();
      }
    }
  }

  public static void main(String[] args) {
    Examples.run(
        args,
        SPEC,
        (spark, opts) -> {
          int workers = opts.getInt("workers");
          if (workers > 8) {
            throw new UsageException("Option '--workers' must be at most 8.", SPEC.usage());
          }
          LocalRun local = onLocal(spark, opts.getLong("rows"));
          System.out.printf(
              "== %s: driver pid %d, tasks ran in pids %s%n",
              local.master(), local.driverPid(), local.taskPids());
          print(local.cold().result());
          System.out.printf(
              "   first run %d ms, second run %d ms (%s)%n",
              local.cold().wallMillis(),
              local.warm().wallMillis(),
              local.warm().metrics().summary());
          // One SparkContext per JVM: stop the local one before connecting to the cluster.
          spark.stop();

          ClusterRun c =
              onStandalone(
                  workers,
                  opts.conf(),
                  opts.getLong("rows"),
                  opts.get("kill-executor").equals("true"));
          System.out.printf(
              "== standalone: master %s (pid %d), workers %s; started in %d ms%n",
              c.masterUrl(),
              c.masterPid(),
              c.workerPids().stream().map(p -> "pid " + p).toList(),
              c.startMillis());
          System.out.println("   logs: " + c.logs());
          System.out.printf(
              "   session and %d executors ready in %d ms%n",
              c.executors().size(), c.sessionMillis());
          for (ExecutorProcess e : c.executors()) {
            System.out.printf(
                "   executor %s on %s, pid %d, child of worker pid %d%n",
                e.executorId(),
                e.host(),
                e.pid(),
                e.process().parent().map(ProcessHandle::pid).orElse(-1L));
          }
          System.out.printf("   tasks ran in pids %s%n", c.taskPids());
          print(c.cold().result());
          System.out.printf(
              "   first run %d ms, second run %d ms (%s)%n",
              c.cold().wallMillis(), c.warm().wallMillis(), c.warm().metrics().summary());
          System.out.println(
              "same rows on both: " + c.cold().result().equals(local.cold().result()));
          if (c.loss() != null) {
            printExecutorLoss(c.loss(), local.slowRows());
          }
        });
  }

  private static void printExecutorLoss(ExecutorLoss.Report loss, List<Row> expected) {
    System.out.printf(
        "== kill -9 of executor %s (pid %d) while it ran a task of a %d-row job slowed to 3 ms/row%n",
        loss.killed().executorId(), loss.killed().pid(), SLOW_ROWS);
    System.out.printf(
        "   driver saw executors removed: %s; failed task attempts: %d%n",
        loss.removedExecutors(), loss.metrics().failedTasks());
    for (ExecutorLoss.TaskEnd t : loss.lostTasks()) {
      System.out.printf(
          "   lost: stage %d task %d attempt %d on executor %s (%s)%n",
          t.stageId(), t.index(), t.attempt(), t.executorId(), t.reason());
    }
    for (ExecutorLoss.TaskEnd t : loss.reruns()) {
      System.out.printf(
          "   rerun: stage %d task %d attempt %d on executor %s, successful%n",
          t.stageId(), t.index(), t.attempt(), t.executorId());
    }
    System.out.printf(
        "   job finished in %d ms; same rows as local[*]: %s%n",
        loss.wallMillis(), loss.rows().equals(expected));
  }

  private static void print(List<Row> rows) {
    System.out.printf("   %-10s %8s %8s %16s%n", "status", "orders", "items", "revenue");
    for (Row r : rows) {
      System.out.printf(
          "   %-10s %8d %8d %16s%n", r.getString(0), r.getLong(1), r.getLong(2), r.get(3));
    }
  }
}
