package dev.advancedspark.benchmarks.baselines;

import dev.advancedspark.benchmarks.SparkBenchmark;
import dev.advancedspark.part3.nativeexec.NativeExecution;
import java.nio.file.Path;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * The ten db-benchmark groupby questions (methods {@code q1}..{@code q10}; q1-q5 are db-benchmark's
 * basic group, q6-q10 its advanced one: {@link Question#group}) on the id1..id6/v1..v3 table
 * ({@code rows} rows, K = 100), in two independent dimensions:
 *
 * <ul>
 *   <li>{@code engine}, the engine and its settings: Spark with default settings over a cached
 *       table ({@code spark-default}), Spark tuned (uncompressed cache, one partition per core, 2
 *       shuffle partitions, AQE off, a first-level aggregation hash map sized for every group:
 *       {@code spark-tuned}), the same without the hash-map settings ({@code
 *       spark-tuned-default-map}), the tuned settings over Parquet without cache ({@code
 *       spark-tuned-parquet}), the same on Apache DataFusion Comet ({@code spark-comet-parquet}:
 *       Part 3's {@code NativeExecution.cometConf}, off-heap pool {@value #COMET_OFF_HEAP}), DuckDB
 *       in process with one thread per core ({@code duckdb}), one plain Java thread with dense
 *       arrays ({@code java-dense}, perfect hashing: a best case) and with a generic {@code
 *       HashMap} ({@code java-hash});
 *   <li>{@code layout}, the keys every engine gets, loaded before timing: {@code string} (as
 *       generated) or {@code int-coded} ({@link Layout}).
 * </ul>
 *
 * <p>The dense-array baseline cannot answer q10 (group by all six ids: no array holds that key
 * space), so q10 runs with the {@link AllIds} engine list, which leaves {@code java-dense} out;
 * every other engine answers every question.
 *
 * <p>Set-up (per trial, before timing) loads the table into the engine, checks the engine runs the
 * variant it is named after, and checks the engine's answer to the trial's question, at the trial's
 * size, against a reference computed by DuckDB straight from the Parquet files ({@link
 * AnswerCheck}): a mismatch fails the run, naming engine, layout, question and both answers. A
 * question's time includes planning and materializing the result (Spark: {@code noop} sink; DuckDB:
 * a temporary table, dropped after each run outside the timed region).
 */
@State(Scope.Benchmark)
@Warmup(iterations = 5)
@Measurement(iterations = 10)
public class GroupByBenchmark extends SparkBenchmark {

  /** Comet's off-heap pool (on top of the fork's 4 GiB heap). */
  static final String COMET_OFF_HEAP = "1g";

  /** DuckDB's threads: one per core, as db-benchmark runs it. */
  static final int DUCKDB_THREADS = Runtime.getRuntime().availableProcessors();

  /** What a trial holds: the engine, loaded in its layout, and the question it times. */
  public abstract static class Trial extends SparkBenchmark {

    @Param({"string", "int-coded"})
    public String layout;

    @Param({"10000000"})
    public long rows;

    GroupByEngine impl;

    /** The trial's engine name (the {@code engine} parameter of the concrete state). */
    abstract String engine();

    @Setup(Level.Trial)
    public void setUp(BenchmarkParams params) {
      Question q = Question.ofMethod(params.getBenchmark());
      Path data = GroupByData.parquet(WORK, rows, GroupByData.K);
      boolean sparkEngine = engine().startsWith("spark");
      if (sparkEngine || !GroupByData.exists(data)) {
        boolean comet = engine().equals("spark-comet-parquet");
        startSpark(
            "GroupByBenchmark",
            comet ? NativeExecution.cometConf(COMET_OFF_HEAP) : Map.<String, String>of());
        GroupByData.ensure(spark, data, rows, GroupByData.K);
      }
      if (!sparkEngine) {
        // DuckDB and plain Java need no Spark: do not let an idle session share the cores.
        stopSpark();
      }
      impl = create(engine(), Layout.of(layout), spark, data);
      if (!impl.supports(q)) {
        throw new IllegalStateException(impl.name() + " cannot answer " + q.method());
      }
      impl.verify();
      long loaded = impl.rows();
      if (loaded != rows) {
        throw wrongVariant(rows + " rows", loaded + " rows");
      }
      AnswerCheck.check(impl, q, AnswerCheck.reference(data, q));
      if (impl instanceof SparkGroupByEngine s
          && s.name().equals(SparkGroupByEngine.Variant.COMET_PARQUET.label())) {
        System.out.println("Comet " + q.method() + " (" + layout + "): " + s.cometCoverage(q));
      }
    }

    /** Drops what a run left behind (DuckDB's answer table), outside the timed region. */
    @TearDown(Level.Invocation)
    public void afterRun() {
      impl.afterRun();
    }

    @Override
    protected void beforeStop() {
      if (impl != null) {
        impl.close();
        impl = null;
      }
    }
  }

  /** The engines of q1-q9: all of them. */
  @State(Scope.Benchmark)
  public static class Engines extends Trial {
    @Param({
      "spark-default",
      "spark-tuned",
      "spark-tuned-default-map",
      "spark-tuned-parquet",
      "spark-comet-parquet",
      "duckdb",
      "java-dense",
      "java-hash"
    })
    public String engine;

    @Override
    String engine() {
      return engine;
    }
  }

  /** The engines of q10 (group by all six ids): all but {@code java-dense}, which cannot. */
  @State(Scope.Benchmark)
  public static class AllIds extends Trial {
    @Param({
      "spark-default",
      "spark-tuned",
      "spark-tuned-default-map",
      "spark-tuned-parquet",
      "spark-comet-parquet",
      "duckdb",
      "java-hash"
    })
    public String engine;

    @Override
    String engine() {
      return engine;
    }
  }

  /** Builds an engine by its result name, in a layout. */
  public static GroupByEngine create(String engine, Layout layout, SparkSession spark, Path data) {
    return switch (engine) {
      case "spark-default" -> spark(spark, data, SparkGroupByEngine.Variant.DEFAULT, layout);
      case "spark-tuned" -> spark(spark, data, SparkGroupByEngine.Variant.TUNED, layout);
      case "spark-tuned-default-map" ->
          spark(spark, data, SparkGroupByEngine.Variant.TUNED_DEFAULT_MAP, layout);
      case "spark-tuned-parquet" ->
          spark(spark, data, SparkGroupByEngine.Variant.TUNED_PARQUET, layout);
      case "spark-comet-parquet" ->
          spark(spark, data, SparkGroupByEngine.Variant.COMET_PARQUET, layout);
      case "duckdb" -> new DuckDbGroupByEngine(data, layout, DUCKDB_THREADS);
      case "java-dense" -> new SingleThreadGroupByEngine(data, layout);
      case "java-hash" -> new HashMapGroupByEngine(data, layout);
      default -> throw new IllegalArgumentException("unknown engine " + engine);
    };
  }

  private static GroupByEngine spark(
      SparkSession spark, Path data, SparkGroupByEngine.Variant variant, Layout layout) {
    return new SparkGroupByEngine(spark, data, variant, layout, WORK);
  }

  @Benchmark
  public Object q1(Engines t) {
    return t.impl.run(Question.Q1);
  }

  @Benchmark
  public Object q2(Engines t) {
    return t.impl.run(Question.Q2);
  }

  @Benchmark
  public Object q3(Engines t) {
    return t.impl.run(Question.Q3);
  }

  @Benchmark
  public Object q4(Engines t) {
    return t.impl.run(Question.Q4);
  }

  @Benchmark
  public Object q5(Engines t) {
    return t.impl.run(Question.Q5);
  }

  @Benchmark
  public Object q6(Engines t) {
    return t.impl.run(Question.Q6);
  }

  @Benchmark
  public Object q7(Engines t) {
    return t.impl.run(Question.Q7);
  }

  @Benchmark
  public Object q8(Engines t) {
    return t.impl.run(Question.Q8);
  }

  @Benchmark
  public Object q9(Engines t) {
    return t.impl.run(Question.Q9);
  }

  @Benchmark
  public Object q10(AllIds t) {
    return t.impl.run(Question.Q10);
  }
}
