package dev.advancedspark.part3.sizing;

import dev.advancedspark.common.ExampleArgs;
import dev.advancedspark.common.Examples;
import dev.advancedspark.common.RunnableExample;
import dev.advancedspark.common.UsageException;
import dev.advancedspark.common.memory.SparkMemoryRules;
import java.util.List;

/**
 * Executor sizing as arithmetic: from a worker node (cores, memory) and a few choices (cores per
 * executor, what to leave to the OS and daemons, the memory overhead rule) to executors per node,
 * the heap ({@code spark.executor.memory}), the overhead ({@code spark.executor.memoryOverhead})
 * and the {@code --conf} lines to pass.
 *
 * <p>The rules: keep {@code reservedCores} and {@code reservedMemoryGiB} of each node for the OS,
 * the node manager and the shuffle service; fit as many executors of {@code coresPerExecutor} as
 * the other cores allow (about 5 keeps HDFS/S3 client throughput up without huge heaps); split the
 * rest of the memory evenly into containers; and inside a container, leave the overhead Spark asks
 * for on top of the heap: {@code max(384 MiB, 10 % of the heap)} by default (Spark's resource
 * request formula, kept once in {@link SparkMemoryRules}). Spark refuses a heap below 450 MiB (1.5
 * x its 300 MiB reserve).
 *
 * <p>On YARN, one container also goes to the application master in cluster mode: ask for one
 * executor fewer than the total below. No Spark session is started: this is a calculator.
 *
 * <pre>
 * bin/run-example ExecutorSizing --node-cores 16 --node-memory-gib 64 --nodes 6
 * bin/run-example ExecutorSizing --node-cores 8 --node-memory-gib 8 --cores-per-executor 1
 * </pre>
 *
 * Expected output for the first: 3 executors of 5 cores per node, a 21504 MiB container each (heap
 * 19549 MiB + overhead 1954 MiB), 18 executors and 90 cores over 6 nodes, and the four {@code
 * --conf} lines. For the second, the 384 MiB minimum overhead dominates: heap 640 MiB of a 1024 MiB
 * container.
 */
@RunnableExample("Executor sizing: executors per node, heap, overhead and --conf lines for a node")
public final class ExecutorSizing {

  /** Spark's minimum executor heap: 1.5 x the 300 MiB it reserves for itself. */
  public static final long MIN_HEAP_MIB =
      SparkMemoryRules.MIN_SYSTEM_MEMORY_BYTES / SparkMemoryRules.MIB;

  static final ExampleArgs ARGS =
      ExampleArgs.forTool("ExecutorSizing")
          .count("node-cores", "16", "cores of one worker node")
          .count("node-memory-gib", "64", "memory of one worker node, GiB")
          .count("nodes", "1", "worker nodes")
          .count("cores-per-executor", "5", "spark.executor.cores")
          .count("reserved-cores", "1", "cores per node left to the OS and daemons", 0)
          .count("reserved-memory-gib", "1", "memory per node left to the OS and daemons, GiB", 0)
          .fraction("overhead-factor", "0.1", "spark.executor.memoryOverheadFactor")
          .count("min-overhead-mib", "384", "spark.executor.minMemoryOverhead, MiB", 0);

  /** A worker node. */
  public record Node(int cores, double memoryGiB) {}

  /** How to cut a node into executors. */
  public record Choices(
      int coresPerExecutor,
      int reservedCores,
      double reservedMemoryGiB,
      double overheadFactor,
      long minOverheadMiB) {

    /** 5 cores per executor, 1 core and 1 GiB per node reserved, Spark's overhead defaults. */
    public static Choices defaults() {
      return new Choices(
          5,
          1,
          1.0,
          SparkMemoryRules.DEFAULT_OVERHEAD_FACTOR,
          SparkMemoryRules.DEFAULT_MIN_OVERHEAD_MIB);
    }

    public Choices withCoresPerExecutor(int cores) {
      return new Choices(cores, reservedCores, reservedMemoryGiB, overheadFactor, minOverheadMiB);
    }
  }

  /**
   * The result.
   *
   * @param executorsPerNode executors that fit on one node
   * @param coresPerExecutor {@code spark.executor.cores}
   * @param containerMiB memory per executor container (heap + overhead fit in it)
   * @param heapMiB {@code spark.executor.memory}
   * @param overheadMiB {@code spark.executor.memoryOverhead}
   * @param totalExecutors over all nodes ({@code spark.executor.instances})
   * @param totalCores tasks that can run at once over all nodes
   * @param idleCoresPerNode usable cores no executor gets (a remainder)
   */
  public record Plan(
      int executorsPerNode,
      int coresPerExecutor,
      long containerMiB,
      long heapMiB,
      long overheadMiB,
      int totalExecutors,
      int totalCores,
      int idleCoresPerNode) {

    /** What to pass to spark-submit. */
    public List<String> confLines() {
      return List.of(
          "--conf spark.executor.instances=" + totalExecutors,
          "--conf spark.executor.cores=" + coresPerExecutor,
          "--conf spark.executor.memory=" + heapMiB + "m",
          "--conf spark.executor.memoryOverhead=" + overheadMiB + "m");
    }
  }

  private ExecutorSizing() {}

  /** Cuts {@code nodes} nodes like {@code node} into executors; explains impossible inputs. */
  public static Plan plan(Node node, int nodes, Choices c) {
    validate(node, nodes, c);
    int usableCores = node.cores() - c.reservedCores();
    if (c.coresPerExecutor() > usableCores) {
      throw new IllegalArgumentException(
          String.format(
              "a node with %d cores, %d reserved, has %d cores for executors: fewer than the %d"
                  + " cores per executor asked for; use %d or fewer cores per executor",
              node.cores(), c.reservedCores(), usableCores, c.coresPerExecutor(), usableCores));
    }
    int executorsPerNode = usableCores / c.coresPerExecutor();
    long usableMiB = (long) Math.floor((node.memoryGiB() - c.reservedMemoryGiB()) * 1024);
    long containerMiB = usableMiB / executorsPerNode;
    long heapMiB = largestHeapThatFits(containerMiB, c);
    if (heapMiB < MIN_HEAP_MIB) {
      throw new IllegalArgumentException(
          String.format(
              "%d executors per node get a %d MiB container each, leaving %d MiB of heap; Spark"
                  + " needs at least %d MiB: use more cores per executor (fewer executors) or a"
                  + " node with more memory",
              executorsPerNode, containerMiB, Math.max(0, heapMiB), MIN_HEAP_MIB));
    }
    int totalExecutors = Math.multiplyExact(executorsPerNode, nodes);
    return new Plan(
        executorsPerNode,
        c.coresPerExecutor(),
        containerMiB,
        heapMiB,
        overheadMiB(heapMiB, c),
        totalExecutors,
        Math.multiplyExact(totalExecutors, c.coresPerExecutor()),
        usableCores % c.coresPerExecutor());
  }

  /** Spark's rule: {@code max(minOverhead, factor x heap)}, in whole MiB. */
  public static long overheadMiB(long heapMiB, Choices c) {
    return SparkMemoryRules.overheadMiB(heapMiB, c.overheadFactor(), c.minOverheadMiB());
  }

  /** The largest heap whose heap + overhead fits in the container. */
  static long largestHeapThatFits(long containerMiB, Choices c) {
    return SparkMemoryRules.largestHeapMiBFitting(
        containerMiB, c.overheadFactor(), c.minOverheadMiB());
  }

  private static void validate(Node node, int nodes, Choices c) {
    require(node.cores() >= 1, "a node needs at least 1 core, got " + node.cores());
    require(node.memoryGiB() > 0, "a node needs memory, got " + node.memoryGiB() + " GiB");
    require(nodes >= 1, "at least 1 node is needed, got " + nodes);
    require(
        c.coresPerExecutor() >= 1, "cores per executor must be >= 1, got " + c.coresPerExecutor());
    require(
        c.reservedCores() >= 0 && c.reservedCores() < node.cores(),
        "reserved cores must be >= 0 and below the node's "
            + node.cores()
            + ", got "
            + c.reservedCores());
    require(
        c.reservedMemoryGiB() >= 0 && c.reservedMemoryGiB() < node.memoryGiB(),
        "reserved memory must be >= 0 and below the node's "
            + node.memoryGiB()
            + " GiB, got "
            + c.reservedMemoryGiB());
    require(
        c.overheadFactor() >= 0 && c.overheadFactor() < 1,
        "the overhead factor must be in [0, 1), got " + c.overheadFactor());
    require(
        c.minOverheadMiB() >= 0, "the minimum overhead must be >= 0, got " + c.minOverheadMiB());
  }

  private static void require(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException(message);
    }
  }

  /** The plan as the example prints it. */
  public static String describe(Node node, int nodes, Choices c, Plan p) {
    StringBuilder sb = new StringBuilder();
    sb.append(
        String.format(
            "node: %d cores, %.1f GiB (left to the OS and daemons: %d of the cores, %.1f GiB)%n",
            node.cores(), node.memoryGiB(), c.reservedCores(), c.reservedMemoryGiB()));
    sb.append(
        String.format(
            "executors per node: %d of %d cores (%d cores idle)%n",
            p.executorsPerNode(), p.coresPerExecutor(), p.idleCoresPerNode()));
    sb.append(
        String.format(
            "container per executor: %d MiB = heap %d MiB + overhead %d MiB"
                + " (max(%d MiB, %.0f%% of heap))%n",
            p.containerMiB(),
            p.heapMiB(),
            p.overheadMiB(),
            c.minOverheadMiB(),
            100 * c.overheadFactor()));
    sb.append(
        String.format(
            "%d nodes: %d executors, %d cores%n", nodes, p.totalExecutors(), p.totalCores()));
    p.confLines().forEach(line -> sb.append("  ").append(line).append('\n'));
    return sb.toString();
  }

  /**
   * The report for parsed arguments; an impossible combination (more cores per executor than a node
   * has) is a usage error.
   */
  static String report(ExampleArgs.Parsed opts) {
    Node node = new Node(opts.getInt("node-cores"), opts.getDouble("node-memory-gib"));
    Choices choices =
        new Choices(
            opts.getInt("cores-per-executor"),
            opts.getInt("reserved-cores"),
            opts.getDouble("reserved-memory-gib"),
            opts.getDouble("overhead-factor"),
            opts.getLong("min-overhead-mib"));
    int nodes = opts.getInt("nodes");
    try {
      return describe(node, nodes, choices, plan(node, nodes, choices));
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage(), ARGS.usage());
    }
  }

  /** No Spark session: {@code Examples.runTool} parses, reports usage errors and exits. */
  public static void main(String[] args) {
    Examples.runTool(args, ARGS, opts -> System.out.print(report(opts)));
  }
}
