package dev.advancedspark.part3.gc;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.pmod;
import static org.apache.spark.sql.functions.sum;

import dev.advancedspark.common.ExampleArgs;
import dev.advancedspark.common.Examples;
import dev.advancedspark.common.RunnableExample;
import dev.advancedspark.common.metrics.RunMetrics;
import dev.advancedspark.part3.monitoring.RunEvents;
import dev.advancedspark.part3.monitoring.RunFacts;
import dev.advancedspark.part3.monitoring.RunFacts.TaskFact;
import dev.advancedspark.part3.monitoring.RunRecorder;
import dev.advancedspark.part3.serialization.Order;
import java.lang.management.ManagementFactory;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import scala.Tuple2;

/**
 * Garbage collection comes from objects: the same job (revenue per customer over {@code n} orders)
 * written over an RDD of {@link Order} objects and as a DataFrame. The RDD version makes an object
 * per order, a boxed key, a boxed amount and a tuple per record; the DataFrame version works on
 * Tungsten's binary rows and aggregates into a hash map in managed (on- or off-heap) pages, so the
 * JVM sees a fraction of the allocations and the GC has less to do.
 *
 * <p>What is measured, in one run: the bytes the JVM allocated (in local mode the executor's task
 * threads are threads of this JVM; {@code com.sun.management.ThreadMXBean}), per extra order
 * between a run of n/2 and one of n orders so that a job's fixed costs cancel out, and from the
 * task metrics the GC time ({@code jvmGCTime}), the task run time and the peak execution memory.
 * Allocation is close to the same on every run; GC time depends on heap size and on what else the
 * machine does, so it is printed, not asserted.
 *
 * <p>{@code spark.memory.offHeap.enabled=true} with {@code spark.memory.offHeap.size} moves
 * Tungsten's execution memory (the aggregation's pages) and cached DataFrame blocks off the heap:
 * less for the GC to scan, but the executor container must grow by that size (it is part of the
 * container, next to {@code spark.executor.memoryOverhead}). It does nothing for RDDs of objects:
 * those objects live on the heap whatever the setting.
 *
 * <pre>
 * bin/run-example GcExample --orders 2M
 * bin/run-example GcExample --orders 2M --conf spark.memory.offHeap.enabled=true \
 *     --conf spark.memory.offHeap.size=512m
 * </pre>
 */
@RunnableExample("GC: an RDD of objects vs a DataFrame, allocation and jvmGCTime; off-heap memory")
public final class GcExample {

  static final ExampleArgs ARGS =
      ExampleArgs.forExample("GcExample")
          .option("orders", "2000000", "orders aggregated per customer")
          .count("partitions", "4", "partitions (tasks) of the input");

  /**
   * What one version of the job cost.
   *
   * @param allocatedBytes bytes the JVM allocated while the job ran (all threads)
   * @param gcMillis summed {@code jvmGCTime} of the tasks
   * @param runMillis summed task run time
   * @param peakExecutionMemory the largest peak execution memory of a task
   * @param offHeapExecution true when execution memory was off-heap
   * @param customers rows of the result (one per customer)
   */
  public record GcRun(
      long allocatedBytes,
      long gcMillis,
      long runMillis,
      long peakExecutionMemory,
      boolean offHeapExecution,
      long customers) {

    @Override
    public String toString() {
      return String.format(
          "allocated %s, GC %,d ms of %,d ms task time, peak execution memory %s (%s)",
          RunMetrics.bytes(allocatedBytes),
          gcMillis,
          runMillis,
          RunMetrics.bytes(peakExecutionMemory),
          offHeapExecution ? "off-heap" : "on-heap");
    }
  }

  private GcExample() {}

  // tag::same-job-two-ways[]
  /** The job over Java objects: an Order per record, a boxed key and a tuple per record. */
  public static long perCustomerWithObjects(SparkSession spark, long n, int partitions) {
    JavaPairRDD<Long, Double> perOrder =
        spark
            .range(0, n, 1, partitions)
            .javaRDD()
            .map(GcExample::order)
            .mapToPair(o -> new Tuple2<>(o.customerId(), o.amount()));
    return perOrder.reduceByKey(Double::sum).count();
  }

  /** The same job as a DataFrame: the same values, as columns of binary rows. */
  public static Dataset<Row> perCustomerAsDataFrame(SparkSession spark, long n, int partitions) {
    Dataset<Row> orders =
        spark
            .range(0, n, 1, partitions)
            .select(
                pmod(col("id").multiply(7919), lit(1_000)).plus(1).as("customer_id"),
                lit(10.0).plus(pmod(col("id"), lit(500)).multiply(0.25)).as("amount"));
    return orders.groupBy("customer_id").agg(sum("amount").as("revenue"));
  }

  // end::same-job-two-ways[]

  private static final String[] STATUSES = {
    "placed", "shipped", "delivered", "cancelled", "returned"
  };

  /** The order {@code id} as an object: the customer and amount of the DataFrame version. */
  static Order order(long id) {
    return new Order(
        id,
        1 + (id * 7919) % 1_000,
        1 + (int) (id % 10),
        10.0 + (id % 500) * 0.25,
        STATUSES[(int) (id % 5)],
        null);
  }

  /** Runs the object version and measures it. */
  public static GcRun measureObjects(SparkSession spark, long n, int partitions) {
    long[] customers = new long[1];
    return measure(
        spark, () -> customers[0] = perCustomerWithObjects(spark, n, partitions), customers);
  }

  /** Runs the DataFrame version to the end (noop sink) and measures it. */
  public static GcRun measureDataFrame(SparkSession spark, long n, int partitions) {
    long[] customers = new long[1];
    return measure(
        spark,
        () -> {
          Dataset<Row> result = perCustomerAsDataFrame(spark, n, partitions);
          result.write().format("noop").mode("overwrite").save();
          customers[0] = 1_000; // Order.sample's customers; the test checks the rows themselves
        },
        customers);
  }

  private static GcRun measure(SparkSession spark, Runnable job, long[] customers) {
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long before = threads.getTotalThreadAllocatedBytes();
    RunFacts facts = RunEvents.parse(RunRecorder.record(spark, job));
    long allocated = threads.getTotalThreadAllocatedBytes() - before;
    return new GcRun(
        allocated,
        facts.tasks().stream().mapToLong(TaskFact::gcMillis).sum(),
        facts.tasks().stream().mapToLong(TaskFact::runMillis).sum(),
        facts.tasks().stream().mapToLong(TaskFact::peakExecutionMemory).max().orElse(0),
        spark.sparkContext().conf().getBoolean("spark.memory.offHeap.enabled", false),
        customers[0]);
  }

  /**
   * Bytes allocated per extra order between a run of {@code smaller} and one of {@code larger}
   * orders: the fixed costs of a job (planning, code generation, task launch, Tungsten's first
   * memory pages, which are large {@code long[]} arrays when on-heap) cancel out.
   */
  public static double bytesPerOrder(GcRun smaller, GcRun larger, long extraOrders) {
    return (double) (larger.allocatedBytes() - smaller.allocatedBytes()) / extraOrders;
  }

  public static void main(String[] args) {
    Examples.run(
        args,
        ARGS,
        "GcExample",
        (spark, opts) -> {
          long n = opts.getPositiveLong("orders");
          int partitions = opts.getPositiveInt("partitions");
          System.out.printf(
              "%,d orders, %d partitions, heap %s%n",
              n, partitions, RunMetrics.bytes(Runtime.getRuntime().maxMemory()));
          // a warm-up of each, so class loading and code generation are not measured
          measureObjects(spark, n / 10, partitions);
          measureDataFrame(spark, n / 10, partitions);
          GcRun objectsHalf = measureObjects(spark, n / 2, partitions);
          GcRun objects = measureObjects(spark, n, partitions);
          GcRun frameHalf = measureDataFrame(spark, n / 2, partitions);
          GcRun frame = measureDataFrame(spark, n, partitions);
          System.out.printf(
              "RDD of objects: %s; %.0f bytes per order%n",
              objects, bytesPerOrder(objectsHalf, objects, n - n / 2));
          System.out.printf(
              "DataFrame:      %s; %.0f bytes per order%n",
              frame, bytesPerOrder(frameHalf, frame, n - n / 2));
        });
  }
}
