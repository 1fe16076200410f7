package dev.advancedspark.part4.cost;

import dev.advancedspark.common.ExampleArgs;
import dev.advancedspark.common.Examples;
import dev.advancedspark.common.RunnableExample;
import dev.advancedspark.common.UsageException;
import dev.advancedspark.common.memory.SparkMemoryRules;
import dev.advancedspark.part4.lint.NodeTypes;
import dev.advancedspark.part4.lint.NodeTypes.NodeType;
import java.io.PrintStream;
import java.util.Locale;

/**
 * Sizing and cost of one run: from a workload measured in task-hours (the sum of task times of a
 * run, e.g. from Part 3's metrics) and a deadline, on a node type of the lint's catalog, to
 * executors, heap and overhead (Spark's rules, {@code common}'s {@link SparkMemoryRules}), the
 * nodes needed, and the cost of the run on demand and on spot.
 *
 * <p>The cost model, all of it: the run keeps {@code nodes x slots} cores busy, so it takes {@code
 * taskHours / (nodes x slots)} hours; on demand it costs {@code nodes x hours x onDemandPrice}. On
 * spot, each reclaimed node loses {@code reworkNodeHours} of work that is done again (small with
 * decommissioning, which migrates shuffle blocks; larger without), and a node is reclaimed with
 * probability {@code interruptionRate} per hour: the expected node-hours grow by a factor {@code 1
 * + interruptionRate x reworkNodeHours}. Spot stops paying at the break-even rate {@code
 * (onDemandPrice / spotPrice - 1) / reworkNodeHours}. Billing granularity, start-up time and the
 * driver node are left out. The default prices are examples, not quotes: pass your own.
 *
 * <p>Serverless, for comparison: EMR Serverless bills each worker's vCPU-hours and GB-hours; a
 * worker runs one executor with as many cores as it has vCPUs and a heap that leaves room for
 * Spark's overhead in the worker's memory ({@link ServerlessWorkers}, which refuses a size the
 * vendor does not offer). The same task-hours then cost {@code taskHours / vcpus x (vcpus x
 * vcpuHourPrice + gb x gbHourPrice)}: the deadline buys workers, not worker-hours, and memory per
 * vCPU is the lever. Per-second billing with its one-minute minimum and the driver's worker are
 * left out.
 *
 * <pre>
 * bin/run-example ClusterCost --node-type m5.2xlarge --task-hours 64 --deadline-hours 1
 * </pre>
 */
@RunnableExample(
    "Sizing and cost of a run: executors per node, nodes for a deadline, on-demand vs spot")
public final class ClusterCost {

  static final ExampleArgs ARGS =
      ExampleArgs.forTool("ClusterCost")
          .option("node-type", "m5.2xlarge", "a node type of the lint's catalog (node-types.csv)")
          .option("task-hours", "64", "core-hours of task time of one run (measured)")
          .option("deadline-hours", "1", "the run must finish within this many hours")
          .option("cores-per-executor", "4", "spark.executor.cores")
          .option("reserved-cores", "0", "cores per node kept from executors")
          .option("on-demand-price", "0.384", "price per node-hour on demand (example)")
          .option("spot-price", "0.15", "price per node-hour on spot (example)")
          .option("interruption-rate", "0.05", "chance a spot node is reclaimed per hour (example)")
          .option("rework-node-hours", "0.25", "node-hours of work redone per reclaimed node")
          .option("serverless-worker", "4x16", "EMR Serverless worker, VCPUSxGB (e.g. 4x30)")
          .option("vcpu-hour-price", "0.052624", "serverless price per vCPU-hour (example)")
          .option("gb-hour-price", "0.0057785", "serverless price per GB-hour (example)");

  /** The inputs. */
  public record Workload(
      double taskHours,
      double deadlineHours,
      int coresPerExecutor,
      int reservedCores,
      double onDemandPrice,
      double spotPrice,
      double interruptionRate,
      double reworkNodeHours) {}

  /** The result. */
  public record Plan(
      int executorsPerNode,
      long containerMiB,
      long heapMiB,
      long overheadMiB,
      int nodes,
      double runHours,
      double onDemandCost,
      double spotCost,
      double breakEvenInterruptionRate) {}

  /** The serverless result: workers for the deadline, run time and cost. */
  public record ServerlessPlan(
      ServerlessWorkers.Worker worker, int workers, double runHours, double cost) {}

  private ClusterCost() {}

  /** Prices the same task-hours on serverless workers of one size, within the deadline. */
  public static ServerlessPlan serverless(
      ServerlessWorkers.Worker worker,
      double taskHours,
      double deadlineHours,
      double vcpuHourPrice,
      double gbHourPrice) {
    require(taskHours > 0, "task-hours must be > 0, got " + taskHours);
    require(deadlineHours > 0, "deadline-hours must be > 0, got " + deadlineHours);
    require(
        vcpuHourPrice > 0 && gbHourPrice > 0,
        "serverless prices must be > 0, got " + vcpuHourPrice + " and " + gbHourPrice);
    int workers = (int) Math.ceil(taskHours / (deadlineHours * worker.vcpus()) - 1e-9);
    double runHours = taskHours / ((double) workers * worker.vcpus());
    double cost =
        workers * runHours * (worker.vcpus() * vcpuHourPrice + worker.memoryGb() * gbHourPrice);
    return new ServerlessPlan(worker, workers, runHours, cost);
  }

  /** Sizes executors on {@code node} and prices the run; explains inputs that cannot work. */
  public static Plan plan(NodeType node, Workload w) {
    require(w.taskHours() > 0, "task-hours must be > 0, got " + w.taskHours());
    require(w.deadlineHours() > 0, "deadline-hours must be > 0, got " + w.deadlineHours());
    require(w.coresPerExecutor() >= 1, "cores-per-executor must be >= 1");
    require(
        w.onDemandPrice() > 0 && w.spotPrice() > 0,
        "prices must be > 0, got " + w.onDemandPrice() + " and " + w.spotPrice());
    require(
        w.interruptionRate() >= 0 && w.interruptionRate() <= 1 && w.reworkNodeHours() >= 0,
        "interruption-rate must be in [0, 1] and rework-node-hours >= 0");
    int usable = node.vcpus() - w.reservedCores();
    if (usable < w.coresPerExecutor()) {
      throw new IllegalArgumentException(
          String.format(
              "a %s has %d vCPUs, %d left after %d reserved: fewer than the %d cores per executor",
              node.name(), node.vcpus(), usable, w.reservedCores(), w.coresPerExecutor()));
    }
    int executorsPerNode = usable / w.coresPerExecutor();
    long container = node.allocatableMib() / executorsPerNode;
    long heap =
        SparkMemoryRules.largestHeapMiBFitting(
            container,
            SparkMemoryRules.DEFAULT_OVERHEAD_FACTOR,
            SparkMemoryRules.DEFAULT_MIN_OVERHEAD_MIB);
    SparkMemoryRules.requireEnoughHeap(Math.max(0, heap) * SparkMemoryRules.MIB);
    long overhead = SparkMemoryRules.overheadMiB(heap);
    int slotsPerNode = executorsPerNode * w.coresPerExecutor();
    int nodes = (int) Math.ceil(w.taskHours() / (w.deadlineHours() * slotsPerNode) - 1e-9);
    double runHours = w.taskHours() / ((double) nodes * slotsPerNode);
    double nodeHours = nodes * runHours;
    double onDemand = nodeHours * w.onDemandPrice();
    double spot = nodeHours * (1 + w.interruptionRate() * w.reworkNodeHours()) * w.spotPrice();
    double breakEven =
        w.reworkNodeHours() == 0
            ? Double.POSITIVE_INFINITY
            : (w.onDemandPrice() / w.spotPrice() - 1) / w.reworkNodeHours();
    return new Plan(
        executorsPerNode, container, heap, overhead, nodes, runHours, onDemand, spot, breakEven);
  }

  private static void require(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException(message);
    }
  }

  /** The serverless plan as the tool prints it. */
  public static String describe(ServerlessPlan s) {
    ServerlessWorkers.Worker w = s.worker();
    return String.format(
        Locale.ROOT,
        "serverless (EMR Serverless %dx%d GB workers): %d workers, %.2f h, cost per run %.2f;"
            + " heap %d + overhead %d MiB per worker%n"
            + "  --conf spark.executor.cores=%d --conf spark.executor.memory=%dm%n",
        w.vcpus(),
        w.memoryGb(),
        s.workers(),
        s.runHours(),
        s.cost(),
        w.heapMiB(),
        w.overheadMiB(),
        w.vcpus(),
        w.heapMiB());
  }

  /** The plan as the tool prints it. */
  public static String describe(NodeType node, Workload w, Plan p) {
    StringBuilder sb = new StringBuilder();
    sb.append(
        String.format(
            Locale.ROOT,
            "%s: %d vCPUs, %.1f GiB, %d MiB allocatable%n",
            node.name(),
            node.vcpus(),
            node.memoryGib(),
            node.allocatableMib()));
    sb.append(
        String.format(
            Locale.ROOT,
            "executors per node: %d x %d cores; container %d MiB = heap %d + overhead %d MiB%n",
            p.executorsPerNode(),
            w.coresPerExecutor(),
            p.containerMiB(),
            p.heapMiB(),
            p.overheadMiB()));
    sb.append(
        String.format(
            Locale.ROOT,
            "%.1f task-hours within %.2f h: %d nodes, %.2f h%n",
            w.taskHours(),
            w.deadlineHours(),
            p.nodes(),
            p.runHours()));
    sb.append(
        String.format(
            Locale.ROOT,
            "cost per run: on demand %.2f, spot %.2f (interruption rate %.2f/h, %.2f node-hours"
                + " redone each); %s%n",
            p.onDemandCost(),
            p.spotCost(),
            w.interruptionRate(),
            w.reworkNodeHours(),
            p.breakEvenInterruptionRate() >= 1
                ? "spot pays at any interruption rate"
                : String.format(
                    Locale.ROOT,
                    "spot stops paying above %.2f interruptions per node-hour",
                    p.breakEvenInterruptionRate())));
    sb.append(
        String.format(
            Locale.ROOT,
            "  --conf spark.executor.cores=%d --conf spark.executor.memory=%dm"
                + " --conf spark.executor.instances=%d%n",
            w.coresPerExecutor(),
            p.heapMiB(),
            p.nodes() * p.executorsPerNode()));
    return sb.toString();
  }

  /** Parses, computes, prints; returns 0, or 2 for a usage error (message and usage on err). */
  static int run(String[] args, PrintStream out, PrintStream err) {
    try {
      ExampleArgs.Parsed o = ARGS.parse(args);
      String name = o.get("node-type");
      NodeType node =
          NodeTypes.builtIn().all().stream()
              .filter(t -> t.name().equals(name))
              .findFirst()
              .orElseThrow(
                  () ->
                      new UsageException(
                          "unknown node type '"
                              + name
                              + "'; known: "
                              + NodeTypes.builtIn().all().stream().map(NodeType::name).toList(),
                          ARGS.usage()));
      Workload w =
          new Workload(
              o.getDouble("task-hours"),
              o.getDouble("deadline-hours"),
              o.getInt("cores-per-executor"),
              o.getInt("reserved-cores"),
              o.getDouble("on-demand-price"),
              o.getDouble("spot-price"),
              o.getDouble("interruption-rate"),
              o.getDouble("rework-node-hours"));
      Plan p;
      ServerlessPlan s;
      try {
        p = plan(node, w);
        s =
            serverless(
                ServerlessWorkers.parse(o.get("serverless-worker")),
                w.taskHours(),
                w.deadlineHours(),
                o.getDouble("vcpu-hour-price"),
                o.getDouble("gb-hour-price"));
      } catch (IllegalArgumentException e) {
        throw new UsageException(e.getMessage(), ARGS.usage());
      }
      out.print(describe(node, w, p));
      out.print(describe(s));
      return 0;
    } catch (UsageException e) {
      return Examples.report(e, out, err);
    }
  }

  public static void main(String[] args) {
    // Parsed first (the bad-arguments test stops there); run() returns 1 for findings, 2 for usage.
    Examples.runTool(args, ARGS, ClusterCost::run);
  }
}
