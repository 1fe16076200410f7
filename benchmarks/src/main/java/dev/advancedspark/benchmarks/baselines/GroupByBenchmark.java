package dev.advancedspark.benchmarks.baselines;

import dev.advancedspark.benchmarks.SparkBenchmark;
import dev.advancedspark.part3.nativeexec.NativeExecution;
import java.nio.file.Path;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The db-benchmark groupby questions q1-q5 on the id1..id6/v1..v3 table ({@code rows} rows, K =
 * 100), answered by: Spark with default settings over a cached table ({@code spark-default}), Spark
 * tuned (integer-coded keys, uncompressed cache, one partition per core, 2 shuffle partitions, AQE
 * off, a first-level aggregation hash map sized for every group: {@code spark-tuned}), the same
 * without the hash-map settings ({@code spark-tuned-default-map}), the tuned layout read from
 * Parquet without cache ({@code spark-tuned-parquet}), the same on Apache DataFusion Comet ({@code
 * spark-comet-parquet}: a session with Part 3's {@code NativeExecution.cometConf}, off-heap pool
 * {@value #COMET_OFF_HEAP}), DuckDB in process with 2 threads ({@code duckdb}) and one plain Java
 * thread over primitive arrays ({@code java}).
 *
 * <p>The Comet variant checks in set-up, at the run's size, that each question's answer equals
 * Spark's on the same files ({@code spark.comet.enabled=false} in the same session) and prints
 * Comet's fallback reasons per question.
 *
 * <p>All load the same Parquet files (written once under {@code target/bench-work}) before timing.
 * {@code GroupByAnswersTest} checks that they give the same answers. A question's time includes
 * planning and materializing the result (Spark: {@code noop} sink; DuckDB: a temporary table).
 */
@State(Scope.Benchmark)
@Warmup(iterations = 5)
@Measurement(iterations = 10)
public class GroupByBenchmark extends SparkBenchmark {

  static final int DUCKDB_THREADS = 2;

  /** Comet's off-heap pool (on top of the fork's 4 GiB heap). */
  static final String COMET_OFF_HEAP = "1g";

  @Param({
    "spark-default",
    "spark-tuned",
    "spark-tuned-default-map",
    "spark-tuned-parquet",
    "spark-comet-parquet",
    "duckdb",
    "java"
  })
  public String engine;

  @Param({"10000000"})
  public long rows;

  private GroupByEngine impl;

  @Setup
  public void setUp() {
    Path data = GroupByData.parquet(WORK, rows, GroupByData.K);
    boolean sparkEngine = engine.startsWith("spark");
    if (sparkEngine || !GroupByData.exists(data)) {
      boolean comet = engine.equals("spark-comet-parquet");
      startSpark(
          "GroupByBenchmark",
          comet ? NativeExecution.cometConf(COMET_OFF_HEAP) : Map.<String, String>of());
      GroupByData.ensure(spark, data, rows, GroupByData.K);
    }
    if (!sparkEngine) {
      // DuckDB and plain Java need no Spark: do not let an idle session share the cores.
      stopSpark();
    }
    impl = create(engine, spark, data);
    impl.verify();
    if (impl instanceof SparkGroupByEngine s
        && s.name().equals(SparkGroupByEngine.Variant.COMET_PARQUET.label())) {
      s.checkAgainstSpark()
          .forEach(
              (q, reasons) ->
                  System.out.println(
                      "Comet " + q + ": same answer as Spark; fallbacks: " + reasons));
    }
    long loaded = impl.rows();
    if (loaded != rows) {
      throw wrongVariant(rows + " rows", loaded + " rows");
    }
  }

  /** Builds an engine by its result name. */
  public static GroupByEngine create(String engine, SparkSession spark, Path data) {
    return switch (engine) {
      case "spark-default" ->
          new SparkGroupByEngine(spark, data, SparkGroupByEngine.Variant.DEFAULT, WORK);
      case "spark-tuned" ->
          new SparkGroupByEngine(spark, data, SparkGroupByEngine.Variant.TUNED, WORK);
      case "spark-tuned-default-map" ->
          new SparkGroupByEngine(spark, data, SparkGroupByEngine.Variant.TUNED_DEFAULT_MAP, WORK);
      case "spark-tuned-parquet" ->
          new SparkGroupByEngine(spark, data, SparkGroupByEngine.Variant.TUNED_PARQUET, WORK);
      case "spark-comet-parquet" ->
          new SparkGroupByEngine(spark, data, SparkGroupByEngine.Variant.COMET_PARQUET, WORK);
      case "duckdb" -> new DuckDbGroupByEngine(data, DUCKDB_THREADS);
      case "java" -> new SingleThreadGroupByEngine(data);
      default -> throw new IllegalArgumentException("unknown engine " + engine);
    };
  }

  @Override
  protected void beforeStop() {
    if (impl != null) {
      impl.close();
      impl = null;
    }
  }

  @Benchmark
  public Object q1() {
    return impl.run(Question.Q1);
  }

  @Benchmark
  public Object q2() {
    return impl.run(Question.Q2);
  }

  @Benchmark
  public Object q3() {
    return impl.run(Question.Q3);
  }

  @Benchmark
  public Object q4() {
    return impl.run(Question.Q4);
  }

  @Benchmark
  public Object q5() {
    return impl.run(Question.Q5);
  }
}
