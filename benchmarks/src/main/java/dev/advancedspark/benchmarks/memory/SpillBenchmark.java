package dev.advancedspark.benchmarks.memory;

import dev.advancedspark.benchmarks.SparkBenchmark;
import dev.advancedspark.common.data.DataGenerators;
import dev.advancedspark.common.data.DataGenerators.OrdersSpec;
import dev.advancedspark.common.io.Sinks;
import dev.advancedspark.common.metrics.RunMetrics;
import dev.advancedspark.part3.memory.SpillExample;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Part 3's spill lesson, measured: {@link SpillExample}'s sort of cached orders within {@code
 * partitions} hash partitions, with a tiny unified memory pool ({@code spark.memory.fraction} 0.005
 * of the heap) into 2 partitions (it spills: baseline) and 64 partitions (it fits), and with the
 * default fraction 0.6 into 2 partitions (it fits).
 *
 * <p>{@code spark.memory.fraction} is read at start, so each variant starts its own session. The
 * suite's size is its own parameter ({@code sortRows}), not the shared {@code rows}: a smoke run's
 * 20,000 rows would fit in any pool. Set-up runs the sort once and fails unless it spilled exactly
 * in the variant that should.
 */
@State(Scope.Benchmark)
public class SpillBenchmark extends SparkBenchmark {

  /** Memory fraction and partitions, e.g. {@code 0.005x2}. */
  @Param({"0.005x2", "0.005x64", "0.6x2"})
  public String variant;

  @Param({"1000000"})
  public long sortRows;

  private Dataset<Row> orders;
  private int partitions;

  @Setup
  public void setUp() {
    String[] parts = variant.split("x");
    partitions = Integer.parseInt(parts[1]);
    startSpark("SpillBenchmark", Map.of("spark.memory.fraction", parts[0]));
    orders = DataGenerators.orders(spark, OrdersSpec.of(sortRows)).cache();
    Sinks.runToNoop(orders);
    RunMetrics once = SpillExample.sortAndMeasure(spark, orders, partitions);
    boolean shouldSpill = variant.equals("0.005x2");
    if (once.spilled() != shouldSpill) {
      throw wrongVariant(
          variant + (shouldSpill ? " spilling" : " without spill"),
          "memory spill " + once.memorySpillBytes() + " B, disk spill " + once.diskSpillBytes());
    }
  }

  @Benchmark
  public void sort() {
    Sinks.runToNoop(SpillExample.sortedPerCustomer(orders, partitions));
  }
}
