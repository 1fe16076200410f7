package dev.advancedspark.part3.nativeexec;

import dev.advancedspark.common.ExampleArgs;
import dev.advancedspark.common.Examples;
import dev.advancedspark.common.RunnableExample;
import dev.advancedspark.common.SparkSessions;
import dev.advancedspark.common.data.DataGenerators;
import dev.advancedspark.common.io.Sinks;
import dev.advancedspark.common.plan.Plans;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.execution.SparkPlan;

/**
 * Vanilla Spark against Comet on the same Parquet files, in one session: each query runs with
 * {@code spark.comet.enabled=false} (Spark's own plan) and {@code true} (Comet's), alternately,
 * after a warm-up run of each; the report prints the medians, the Comet operators that ran, Comet's
 * fallback reasons, and whether both answers agree. Then the executor memory budget with Comet's
 * off-heap pool.
 *
 * <pre>
 * bin/run-example NativeExecutionExample --rows 10M --runs 5
 * </pre>
 *
 * Expected output: the two plain group-bys run as {@code CometNativeScan -> CometHashAggregate ->
 * CometExchange -> CometHashAggregate -> CometSort} with no fallback; the group-by over a Java UDF
 * keeps only the scan native, then a {@code CometColumnarToRow} transition and Spark's operators,
 * with Comet's reason for each. Times depend on the machine: compare the two columns of one run.
 * Without the Comet jar on the class path the example prints one line naming the artifact and exits
 * with status 2.
 */
@RunnableExample("Native execution: the same queries on Spark and on Apache DataFusion Comet")
public final class NativeExecutionExample {

  static final ExampleArgs ARGS =
      ExampleArgs.forExample("NativeExecutionExample")
          .count("rows", "5000000", "rows of the db-benchmark groupby table (K = 100)")
          .count("runs", "5", "timed runs of each query and engine, after one warm-up run each")
          .size("off-heap", "1g", "the off-heap pool Comet and Spark share")
          .size("executor-memory", "8g", "executor heap for the memory-budget lines");

  private NativeExecutionExample() {}

  /** One query of the report. */
  record Query(String name, Function<Dataset<Row>, Dataset<Row>> build) {}

  static final List<Query> QUERIES =
      List.of(
          new Query("sum/avg by id1 (100 groups)", t -> NativeExecution.totalsPerKey(t, "id1")),
          new Query(
              "sum/avg by id3 (rows/100 groups)", t -> NativeExecution.totalsPerKey(t, "id3")),
          new Query("sum/avg by a Java UDF's bucket", NativeExecution::totalsPerUdfBucket));

  /** What one query did on each engine. */
  record Outcome(
      String query,
      long sparkMedianMs,
      long cometMedianMs,
      List<String> nativeOperators,
      long toRowTransitions,
      List<String> fallbackReasons,
      boolean sameAnswers) {}

  /**
   * Runs {@code q} {@code runs} times on each engine (alternately, after a warm-up) and compares.
   */
  static Outcome measure(SparkSession spark, Dataset<Row> table, Query q, int runs) {
    Dataset<Row> query = q.build().apply(table);
    List<Row> sparkAnswer = NativeExecution.withoutComet(spark, query::collectAsList);
    List<Row> cometAnswer = query.collectAsList();
    long[] sparkMs = new long[runs];
    long[] cometMs = new long[runs];
    for (int i = 0; i < runs; i++) {
      sparkMs[i] = NativeExecution.withoutComet(spark, () -> timeMs(q.build().apply(table)));
      cometMs[i] = timeMs(q.build().apply(table));
    }
    Dataset<Row> last = q.build().apply(table);
    Sinks.runToNoop(last);
    SparkPlan plan = Plans.finalPlan(last);
    return new Outcome(
        q.name(),
        median(sparkMs),
        median(cometMs),
        NativeExecution.nativeOperators(plan),
        NativeExecution.toRowTransitions(plan),
        NativeExecution.fallbackReasons(plan),
        NativeExecution.sameAnswers(sparkAnswer, cometAnswer));
  }

  private static long timeMs(Dataset<Row> ds) {
    long start = System.nanoTime();
    Sinks.runToNoop(ds);
    return (System.nanoTime() - start) / 1_000_000;
  }

  static long median(long[] values) {
    long[] sorted = values.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }

  /** The groupby table as Parquet under {@code target/}, written once per size (Comet off). */
  static Dataset<Row> table(SparkSession spark, long rows) {
    Path dir = SparkSessions.TARGET.resolve("native-execution").resolve("groupby-" + rows);
    String path = dir.toAbsolutePath().toString();
    if (!Files.isDirectory(dir)) {
      NativeExecution.withoutComet(
          spark,
          () -> {
            DataGenerators.groupBy(spark, rows, 100, 42L)
                .write()
                .mode(SaveMode.Overwrite)
                .parquet(path);
            return null;
          });
    }
    return spark.read().parquet(path);
  }

  /** Comet's settings first, so that the reader's own {@code --conf} pairs win. */
  static String[] withCometConf(String[] args, String offHeap) {
    Stream<String> conf =
        NativeExecution.cometConf(offHeap).entrySet().stream()
            .flatMap(e -> Stream.of("--conf", e.getKey() + "=" + e.getValue()));
    return Stream.concat(conf, Arrays.stream(args)).toArray(String[]::new);
  }

  /** The value of {@code --off-heap} before parsing (the session settings need it). */
  static String offHeapArg(String[] args) {
    for (int i = 0; i + 1 < args.length; i++) {
      if (args[i].equals("--off-heap")) {
        return args[i + 1];
      }
      if (args[i].startsWith("--off-heap=")) {
        return args[i].substring("--off-heap=".length());
      }
    }
    return "1g";
  }

  public static void main(String[] args) {
    run(args, NativeExecution.PLUGIN_CLASS);
  }

  /** The main, with the plugin class to look for (a test passes one that does not exist). */
  static void run(String[] args, String pluginClass) {
    // tag::missing-plugin[]
    Optional<String> missing = NativeExecution.missingPlugin(pluginClass);
    if (missing.isPresent()) {
      System.err.println("error: " + missing.get());
      Examples.exit(2);
      return;
    }
    // end::missing-plugin[]
    Examples.run(
        withCometConf(args, offHeapArg(args)),
        ARGS,
        (spark, opts) -> {
          long rows = opts.getPositiveLong("rows");
          int runs = opts.getPositiveInt("runs");
          Dataset<Row> table = table(spark, rows);
          System.out.printf(
              "%,d rows, %s, Spark %s, Comet %s, off-heap %s; medians of %d warm runs%n",
              rows,
              spark.sparkContext().master(),
              spark.version(),
              NativeExecution.ARTIFACT.substring(NativeExecution.ARTIFACT.lastIndexOf(':') + 1),
              spark.conf().get("spark.memory.offHeap.size"),
              runs);
          List<Outcome> outcomes = new ArrayList<>();
          for (Query q : QUERIES) {
            outcomes.add(measure(spark, table, q, runs));
          }
          for (Outcome o : outcomes) {
            System.out.printf(
                "%-34s spark %6d ms  comet %6d ms  (%.2fx)  same answers: %s%n",
                o.query(),
                o.sparkMedianMs(),
                o.cometMedianMs(),
                (double) o.sparkMedianMs() / Math.max(1, o.cometMedianMs()),
                o.sameAnswers());
            System.out.printf(
                "    native: %s; transitions to rows: %d%n",
                String.join(" -> ", reversed(o.nativeOperators())), o.toRowTransitions());
            o.fallbackReasons().forEach(r -> System.out.println("    fallback: " + r));
          }
          System.out.println(
              NativeExecution.executorBudget(
                      opts.get("executor-memory"), spark.conf().get("spark.memory.offHeap.size"))
                  .describe());
        });
  }

  private static List<String> reversed(List<String> operators) {
    List<String> out = new ArrayList<>(operators);
    java.util.Collections.reverse(out);
    return out;
  }
}
