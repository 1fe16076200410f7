package dev.advancedspark.benchmarks.shuffle;

import dev.advancedspark.benchmarks.SparkBenchmark;
import dev.advancedspark.common.data.DataGenerators;
import dev.advancedspark.common.data.DataGenerators.OrdersSpec;
import dev.advancedspark.common.io.Sinks;
import dev.advancedspark.common.plan.Plans;
import dev.advancedspark.part2.shuffles.AqeCoalescingExample;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.adaptive.AQEShuffleReadExec;
import org.apache.spark.sql.execution.exchange.ShuffleExchangeExec;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Measures Part 2's aggregation ({@code AqeCoalescingExample.revenuePerCustomer}: orders grouped by
 * customer, sum and count) under three shuffle settings: Spark's default {@code
 * spark.sql.shuffle.partitions=200} with AQE off, a right-sized count (4: two tasks per core, a few
 * MB each at the documented size) with AQE off, and 200 with AQE coalescing the small partitions
 * after the map stage (the first and last are {@code AqeCoalescingExample.settings}, so a change to
 * the lesson changes the measurement).
 *
 * <p>Set-up checks the final plan: the exchange's partition count for the static cases, an AQE
 * coalesced shuffle read for the adaptive one.
 */
@State(Scope.Benchmark)
public class ShufflePartitionsBenchmark extends SparkBenchmark {

  /** Right-sized for {@code local[2]}: two tasks per core. */
  public static final int RIGHT_SIZED = 4;

  @Param({"200", "right-sized", "aqe-coalesce"})
  public String mode;

  @Param({"4000000"})
  public long rows;

  private Dataset<Row> orders;

  @Setup
  public void setUp() {
    startSpark("ShufflePartitionsBenchmark", Map.of());
    conf(mode).forEach(spark.conf()::set);
    orders =
        DataGenerators.orders(spark, OrdersSpec.of(rows).withCustomers(Math.max(1, rows / 4)))
            .select("customer_id", "amount")
            .cache();
    Sinks.runToNoop(orders);
    // printed with the fork's output: with AQE the count is decided at run time (1 at 4M rows here)
    System.out.println(mode + ": " + verify(aggregate(orders), mode) + " reduce tasks");
  }

  @Benchmark
  public void aggregate() {
    Sinks.runToNoop(aggregate(orders));
  }

  // tag::shuffle-modes[]
  /**
   * The SQL settings of each mode: the fixed 200 and AQE's coalescing are Part 2's ({@link
   * AqeCoalescingExample#settings}), right-sized is the hand-tuned count.
   */
  public static Map<String, String> conf(String mode) {
    return switch (mode) {
      case "200" -> AqeCoalescingExample.settings(false);
      case "right-sized" ->
          Map.of(
              "spark.sql.adaptive.enabled",
              "false",
              "spark.sql.shuffle.partitions",
              Integer.toString(RIGHT_SIZED));
      case "aqe-coalesce" -> AqeCoalescingExample.settings(true);
      default ->
          throw new IllegalArgumentException(
              "mode must be 200, right-sized or aqe-coalesce: " + mode);
    };
  }

  // end::shuffle-modes[]

  /** Part 2's aggregation ({@link AqeCoalescingExample#revenuePerCustomer}). */
  public static Dataset<Row> aggregate(Dataset<Row> orders) {
    return AqeCoalescingExample.revenuePerCustomer(orders);
  }

  /** Checks the plan that ran and returns the number of reduce tasks it used. */
  public static int verify(Dataset<Row> aggregated, String mode) {
    SparkPlan plan = Plans.finalPlan(aggregated);
    List<ShuffleExchangeExec> exchanges = Plans.find(plan, ShuffleExchangeExec.class);
    if (exchanges.size() != 1) {
      throw wrongVariant("one shuffle", exchanges.size() + " shuffles");
    }
    int planned = exchanges.get(0).outputPartitioning().numPartitions();
    List<AQEShuffleReadExec> reads = Plans.find(plan, AQEShuffleReadExec.class);
    if (mode.equals("aqe-coalesce")) {
      if (reads.isEmpty() || !reads.get(0).hasCoalescedPartition()) {
        throw wrongVariant("an AQE coalesced shuffle read", plan.treeString());
      }
      return reads.get(0).partitionSpecs().size();
    }
    int expected = mode.equals("200") ? 200 : RIGHT_SIZED;
    if (planned != expected || !reads.isEmpty()) {
      throw wrongVariant(expected + " static shuffle partitions", plan.treeString());
    }
    return planned;
  }
}
