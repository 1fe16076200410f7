package dev.advancedspark.benchmarks.caching;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;

import dev.advancedspark.benchmarks.SparkBenchmark;
import dev.advancedspark.common.io.Sinks;
import dev.advancedspark.common.io.SparkFolders;
import dev.advancedspark.common.plan.JoinStrategy;
import dev.advancedspark.common.plan.Plans;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.execution.SparkPlan;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Measures an iterative job with a long lineage ({@code steps} broadcast joins, each adding a
 * correction to a value, like an iterative algorithm), followed by three actions on the result:
 * without truncation (each action re-plans and recomputes every step), with {@code checkpoint()}
 * (reliable: written to the checkpoint folder under {@code target/}) and with {@code
 * localCheckpoint()} (kept in executor storage, lost with an executor).
 *
 * <p>A reliable checkpoint of an uncached Dataset computes it twice (once for the action, once to
 * write the files); a local checkpoint persists it instead. Set-up checks that after truncation the
 * actions read an existing RDD and run no join.
 */
@State(Scope.Benchmark)
public class CheckpointBenchmark extends SparkBenchmark {

  static final int ACTIONS = 3;

  @Param({"none", "checkpoint", "localCheckpoint"})
  public String mode;

  @Param({"15"})
  public int steps;

  @Param({"1000000"})
  public long rows;

  private Dataset<Row> corrections;

  @Setup
  public void setUp() {
    startSpark("CheckpointBenchmark", Map.of("spark.sql.shuffle.partitions", "4"));
    spark.sparkContext().setCheckpointDir(WORK.resolve("checkpoints").toString());
    corrections = corrections(spark).cache();
    Sinks.runToNoop(corrections);
    Dataset<Row> result = truncate(iterate(spark, corrections, rows, steps), mode);
    SparkPlan plan = Plans.finalPlan(action(result, 0));
    long joins =
        Plans.joinStrategies(plan).stream().filter(j -> j == JoinStrategy.BROADCAST_HASH).count();
    long expected = mode.equals("none") ? steps : 0;
    if (joins != expected) {
      throw wrongVariant(expected + " joins in the action's plan", plan.treeString());
    }
  }

  @Override
  protected void beforeStop() {
    SparkFolders.deleteRecursively(WORK.resolve("checkpoints"));
  }

  @Benchmark
  public void iterateThenAct() {
    Dataset<Row> result = truncate(iterate(spark, corrections, rows, steps), mode);
    for (int i = 0; i < ACTIONS; i++) {
      Sinks.runToNoop(action(result, i));
    }
  }

  /** 100 keys and one correction per key and step. */
  public static Dataset<Row> corrections(SparkSession spark) {
    return spark
        .range(100)
        .select(col("id").as("k"), col("id").multiply(0.001).as("delta"))
        .coalesce(1);
  }

  /** {@code steps} joins, one after the other: the lineage grows by one join per step. */
  public static Dataset<Row> iterate(
      SparkSession spark, Dataset<Row> corrections, long rows, int steps) {
    Dataset<Row> df =
        spark
            .range(rows)
            .select(col("id"), col("id").mod(100).as("k"), col("id").multiply(1.0).as("v"));
    for (int s = 0; s < steps; s++) {
      Dataset<Row> step = corrections.withColumn("delta", col("delta").plus(lit(s)));
      df =
          df.join(step.hint("broadcast"), "k")
              .select(col("id"), col("k"), col("v").plus(col("delta")).as("v"));
    }
    return df;
  }

  // tag::truncate[]
  public static Dataset<Row> truncate(Dataset<Row> df, String mode) {
    return switch (mode) {
      case "none" -> df;
      // Written to the checkpoint folder: survives executor loss, costs a second computation.
      case "checkpoint" -> df.checkpoint(true);
      // Kept in executor storage: one computation, lost if an executor goes away.
      case "localCheckpoint" -> df.localCheckpoint(true);
      default ->
          throw new IllegalArgumentException("mode must be none, checkpoint or localCheckpoint");
    };
  }

  // end::truncate[]

  public static Dataset<Row> action(Dataset<Row> result, int i) {
    return switch (i % ACTIONS) {
      case 0 -> result.groupBy("k").agg(sum("v"));
      case 1 -> result.filter(col("v").gt(1000)).select("id", "v");
      default -> result.select(col("id"), col("v").multiply(2).as("v2"));
    };
  }
}
