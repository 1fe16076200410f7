package dev.advancedspark.benchmarks.shuffle;

import dev.advancedspark.benchmarks.SparkBenchmark;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import org.apache.spark.Dependency;
import org.apache.spark.ShuffleDependency;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.SparkSession;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import scala.Tuple2;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Measures a per-key sum on an RDD of {@code (key, value)} pairs: {@code reduceByKey} (combines on
 * the map side, ships one partial sum per key and task) against {@code groupByKey} then a sum
 * (ships every value, then builds each key's list in memory).
 *
 * <p>{@code rows} pairs over {@code rows / 400} keys, cached and materialized in set-up. Set-up
 * checks that the shuffle dependency has map-side combine on for reduceByKey and off for
 * groupByKey. RDD actions are opaque to Spark's optimizer, so {@code count()} runs the whole
 * aggregation here (unlike a DataFrame's count).
 */
@State(Scope.Benchmark)
public class ReduceByKeyBenchmark extends SparkBenchmark {

  static final int PARTITIONS = 8;

  @Param({"reduceByKey", "groupByKey"})
  public String op;

  @Param({"4000000"})
  public long rows;

  private JavaPairRDD<Long, Long> pairs;

  @Setup
  public void setUp() {
    startSpark("ReduceByKeyBenchmark", Map.of());
    pairs = pairs(spark, rows).cache();
    pairs.count();
    JavaPairRDD<Long, Long> summed = sumByKey(pairs, op);
    boolean combine = mapSideCombine(summed.rdd());
    if (combine != op.equals("reduceByKey")) {
      throw wrongVariant(op, "mapSideCombine=" + combine);
    }
  }

  @Benchmark
  public long sumPerKey() {
    return sumByKey(pairs, op).count();
  }

  /** {@code rows} pairs, {@code rows / 400} distinct keys, deterministic. */
  public static JavaPairRDD<Long, Long> pairs(SparkSession spark, long rows) {
    long keys = Math.max(1, rows / 400);
    return spark
        .range(0, rows, 1, PARTITIONS)
        .toJavaRDD()
        .mapToPair(i -> new Tuple2<>(Math.floorMod(i * 0x9E3779B97F4A7C15L, keys), i));
  }

  // tag::reduce-vs-group[]
  public static JavaPairRDD<Long, Long> sumByKey(JavaPairRDD<Long, Long> pairs, String op) {
    return switch (op) {
      // Partial sums per map task: one record per key and task crosses the shuffle.
      case "reduceByKey" -> pairs.reduceByKey(Long::sum, PARTITIONS);
      // Every value crosses the shuffle, then each key's values are held in one list.
      case "groupByKey" ->
          pairs
              .groupByKey(PARTITIONS)
              .mapValues(
                  values -> {
                    long total = 0;
                    for (long v : values) {
                      total += v;
                    }
                    return total;
                  });
      default -> throw new IllegalArgumentException("op must be reduceByKey or groupByKey: " + op);
    };
  }

  // end::reduce-vs-group[]

  /** Whether the nearest shuffle in the lineage of {@code rdd} combines on the map side. */
  public static boolean mapSideCombine(RDD<?> rdd) {
    Deque<RDD<?>> todo = new ArrayDeque<>();
    todo.add(rdd);
    while (!todo.isEmpty()) {
      RDD<?> next = todo.poll();
      for (Dependency<?> dep : CollectionConverters.asJava(next.dependencies())) {
        if (dep instanceof ShuffleDependency<?, ?, ?> shuffle) {
          return shuffle.mapSideCombine();
        }
        todo.add(dep.rdd());
      }
    }
    throw new IllegalArgumentException("no shuffle in the lineage of " + rdd);
  }
}
