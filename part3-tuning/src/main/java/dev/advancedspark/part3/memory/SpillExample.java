package dev.advancedspark.part3.memory;

import static org.apache.spark.sql.functions.col;

import dev.advancedspark.common.ExampleArgs;
import dev.advancedspark.common.Examples;
import dev.advancedspark.common.RunnableExample;
import dev.advancedspark.common.data.DataGenerators;
import dev.advancedspark.common.data.DataGenerators.OrdersSpec;
import dev.advancedspark.common.metrics.MetricsCollector;
import dev.advancedspark.common.metrics.RunMetrics;
import java.util.Arrays;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Spill: a sort whose partition does not fit in the execution memory of its task writes sorted runs
 * to disk and merges them back ({@code memoryBytesSpilled}, {@code diskBytesSpilled} in the task
 * metrics). Two fixes: more partitions, so each task sorts a slice that fits, or more memory per
 * task.
 *
 * <p>Execution memory per task is between 1/(2N) and 1/N of the unified pool ({@code
 * spark.memory.fraction} of the heap minus 300 MiB) when N tasks run at once. In local mode the
 * executor is the driver JVM, whose heap is fixed at launch, so this example shrinks the pool with
 * {@code spark.memory.fraction=0.005} (its default here; pass your own {@code --conf
 * spark.memory.fraction=...} to override it). On a cluster you would look at {@code
 * spark.executor.memory} and {@code spark.executor.cores} instead.
 *
 * <p>The partition count is given explicitly ({@code repartition(n, col)}), so adaptive execution
 * does not coalesce the partitions of the fixed run back into a few big ones. With {@code
 * spark.sql.shuffle.partitions} instead, mind {@code
 * spark.sql.adaptive.advisoryPartitionSizeInBytes} (64 MiB): AQE coalesces toward it, and it must
 * fit in a task's memory too.
 *
 * <pre>
 * bin/run-example SpillExample --rows 1M
 * bin/run-example SpillExample --rows 1M --conf spark.memory.fraction=0.6   # the memory fix
 * </pre>
 *
 * Expected output (measured, 4 GiB heap): a unified pool of 19.0 MiB, then one line per run: the
 * sort into 2 partitions spills 77.0 MiB (memory) and 27.8 MiB (disk); into 64 partitions, nothing.
 * With {@code spark.memory.fraction=0.6} neither run spills.
 */
@RunnableExample("Spill: a sort larger than execution memory spills; more partitions stop it")
public final class SpillExample {

  /** The default pool for this lesson: about 15-20 MiB with a 3-4 GiB heap. */
  static final String SMALL_MEMORY_FRACTION = "0.005";

  static final ExampleArgs ARGS =
      ExampleArgs.forExample("SpillExample")
          .count("rows", "1000000", "orders to sort")
          .count("partitions", "2", "partitions of the run that spills")
          .count("fixed-partitions", "64", "partitions of the fixed run");

  private SpillExample() {}

  // tag::spill-sort[]
  /** Orders sorted by customer and time within each of {@code partitions} hash partitions. */
  public static Dataset<Row> sortedPerCustomer(Dataset<Row> orders, int partitions) {
    return orders
        .repartition(partitions, col("customer_id"))
        .sortWithinPartitions("customer_id", "order_ts");
  }

  /** Runs the sort to the end (noop sink: nothing collected) and returns what its tasks did. */
  public static RunMetrics sortAndMeasure(SparkSession spark, Dataset<Row> orders, int partitions) {
    return MetricsCollector.metricsOfFullRun(sortedPerCustomer(orders, partitions));
  }

  // end::spill-sort[]

  /**
   * The unified (execution + storage) memory of the executors, as their block managers report it
   * when nothing is cached: the pool that tasks share.
   */
  public static long unifiedMemoryBytes(SparkSession spark) {
    return CollectionConverters.asJava(spark.sparkContext().getExecutorMemoryStatus())
        .values()
        .stream()
        .mapToLong(maxAndRemaining -> (Long) maxAndRemaining._1())
        .sum();
  }

  /** Adds {@code --conf spark.memory.fraction=0.005} unless the reader set the fraction. */
  static String[] withSmallMemoryUnlessSet(String[] args) {
    if (Arrays.stream(args).anyMatch(a -> a.startsWith("spark.memory.fraction="))) {
      return args;
    }
    String[] out = Arrays.copyOf(args, args.length + 2);
    out[args.length] = "--conf";
    out[args.length + 1] = "spark.memory.fraction=" + SMALL_MEMORY_FRACTION;
    return out;
  }

  public static void main(String[] args) {
    Examples.run(
        withSmallMemoryUnlessSet(args),
        ARGS,
        (spark, opts) -> {
          long rows = opts.getPositiveLong("rows");
          int[] runs = {opts.getPositiveInt("partitions"), opts.getPositiveInt("fixed-partitions")};
          Dataset<Row> orders = DataGenerators.orders(spark, OrdersSpec.of(rows));
          System.out.printf(
              "unified memory pool: %s (spark.memory.fraction=%s, heap %s), rows: %,d%n",
              RunMetrics.bytes(unifiedMemoryBytes(spark)),
              spark.sparkContext().getConf().get("spark.memory.fraction", "0.6"),
              RunMetrics.bytes(Runtime.getRuntime().maxMemory()),
              rows);
          for (int partitions : runs) {
            long start = System.nanoTime();
            RunMetrics r = sortAndMeasure(spark, orders, partitions);
            long millis = (System.nanoTime() - start) / 1_000_000;
            System.out.printf(
                "%3d partitions  tasks=%3d  spill memory=%10s disk=%10s  time=%6d ms%n",
                partitions,
                r.tasks(),
                RunMetrics.bytes(r.memorySpillBytes()),
                RunMetrics.bytes(r.diskSpillBytes()),
                millis);
          }
        });
  }
}
