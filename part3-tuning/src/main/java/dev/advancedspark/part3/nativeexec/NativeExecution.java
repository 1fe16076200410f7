package dev.advancedspark.part3.nativeexec;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.call_udf;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;

import dev.advancedspark.common.memory.SparkMemoryRules;
import dev.advancedspark.common.plan.Plans;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.types.DataTypes;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Native execution with Apache DataFusion Comet: the same DataFrame code, with Spark's physical
 * operators replaced by Comet's (Rust, Arrow, DataFusion) where Comet supports them, and Spark's
 * own operators everywhere else.
 *
 * <p>What a session needs, and why each setting is there, is {@link #cometConf}; what the off-heap
 * pool does to an executor's memory budget is {@link #executorBudget}; which operators ran natively
 * and why the others did not is read from the executed plan ({@link #nativeOperators}, {@link
 * #fallbackReasons}). The measured report is {@link NativeExecutionExample}.
 *
 * <p>Versions: the artifact is {@code org.apache.datafusion:comet-spark-spark4.1_2.13:1.2.0}, built
 * for Spark 4.1. This repository builds on Spark 4.2.0, where the scan, aggregate, join and native
 * shuffle paths ran, and two JVM-side paths of Comet failed with linkage errors (see {@link
 * #cometConf}); both are switched off here.
 */
public final class NativeExecution {

  /** The plugin class: Comet's driver and executor plugin, which also installs its SQL rules. */
  public static final String PLUGIN_CLASS = "org.apache.spark.CometPlugin";

  /** Where {@link #PLUGIN_CLASS} comes from (native library for Linux amd64/aarch64 inside). */
  public static final String ARTIFACT = "org.apache.datafusion:comet-spark-spark4.1_2.13:1.2.0";

  /** Comet's shuffle manager: a start-only setting, like the plugin. */
  public static final String SHUFFLE_MANAGER =
      "org.apache.spark.sql.comet.execution.shuffle.CometShuffleManager";

  /** The runtime switch of the whole extension: {@code false} gives Spark's own plan back. */
  public static final String COMET_ENABLED = "spark.comet.enabled";

  /** The Java UDF of the fallback lesson: Comet has no native version of user code. */
  public static final String UDF_NAME = "bucket_of";

  private NativeExecution() {}

  // tag::comet-conf[]
  /**
   * The settings that turn Comet on for a session. The first four are read only when the
   * SparkContext starts: a running session cannot switch to Comet, so Comet needs its own session
   * (its own JVM in the tests).
   *
   * @param offHeapSize the off-heap pool Comet and Spark share, e.g. {@code 1g}: Comet's native
   *     operators reserve their memory there, and Comet disables itself when off-heap is off
   */
  public static Map<String, String> cometConf(String offHeapSize) {
    Map<String, String> conf = new LinkedHashMap<>();
    conf.put("spark.plugins", PLUGIN_CLASS);
    conf.put("spark.shuffle.manager", SHUFFLE_MANAGER);
    conf.put("spark.memory.offHeap.enabled", "true");
    conf.put("spark.memory.offHeap.size", offHeapSize);
    conf.put(COMET_ENABLED, "true"); // the default; the switch the comparisons flip
    conf.put("spark.comet.exec.enabled", "true"); // native operators, not only native scans
    conf.put("spark.comet.shuffle.enabled", "true"); // Comet's shuffle (1.2.0's name for it)
    // Comet 1.2.0 is built for Spark 4.1. On Spark 4.2.0 its JVM columnar shuffle (used when a
    // Spark operator feeds an exchange) fails with NoSuchMethodError on RDD
    // .mapPartitionsWithIndexInternal, and its JVM UDF kernels with NoClassDefFoundError
    // GeometryVal. Native shuffle only, and user code left to Spark: both fall back instead.
    conf.put("spark.comet.shuffle.mode", "native");
    conf.put("spark.comet.exec.scalaUDF.codegen.enabled", "false");
    return conf;
  }

  // end::comet-conf[]

  /**
   * The message a reader gets when the plugin is not on the class path, or empty when it is: Spark
   * would otherwise fail at start with a {@code ClassNotFoundException} deep in a stack trace.
   */
  public static Optional<String> missingPlugin(String pluginClass) {
    try {
      Class.forName(pluginClass, false, NativeExecution.class.getClassLoader());
      return Optional.empty();
    } catch (ClassNotFoundException | LinkageError e) {
      return Optional.of(
          "Comet is not on the class path ("
              + pluginClass
              + " not found): add "
              + ARTIFACT
              + " (built for Spark 4.1, Scala 2.13) to the application, e.g. spark-submit"
              + " --packages "
              + ARTIFACT);
    }
  }

  // tag::native-queries[]
  /** A scan- and aggregate-heavy query: everything in it has a native Comet operator. */
  public static Dataset<Row> totalsPerKey(Dataset<Row> table, String key) {
    return table
        .groupBy(key)
        .agg(sum("v1").as("v1"), avg("v3").as("v3"), count(lit(1)).as("n"))
        .orderBy(key);
  }

  /** The same aggregate over a key computed by a Java UDF: Comet cannot run user code natively. */
  public static Dataset<Row> totalsPerUdfBucket(Dataset<Row> table) {
    registerUdf(table.sparkSession());
    return table
        .select(call_udf(UDF_NAME, col("id4")).as("bucket"), col("v1"), col("v3"))
        .groupBy("bucket")
        .agg(sum("v1").as("v1"), avg("v3").as("v3"), count(lit(1)).as("n"))
        .orderBy("bucket");
  }

  // end::native-queries[]

  /** Registers the UDF of {@link #totalsPerUdfBucket} (ten buckets of the 1..K key). */
  public static void registerUdf(SparkSession spark) {
    spark.udf().register(UDF_NAME, (UDF1<Integer, Integer>) k -> k % 10, DataTypes.IntegerType);
  }

  /** Runs {@code body} with Comet switched off for the session's queries (Spark's own plans). */
  public static <T> T withoutComet(SparkSession spark, java.util.function.Supplier<T> body) {
    return dev.advancedspark.common.SqlConfs.with(spark, Map.of(COMET_ENABLED, "false"), body);
  }

  /**
   * Whether two collected answers agree: same rows in the same order, numbers equal up to a
   * relative {@code 1e-9} (a sum or average of doubles depends on the order rows are added in).
   */
  public static boolean sameAnswers(List<Row> a, List<Row> b) {
    if (a.size() != b.size()) {
      return false;
    }
    for (int r = 0; r < a.size(); r++) {
      Row x = a.get(r);
      Row y = b.get(r);
      if (x.size() != y.size()) {
        return false;
      }
      for (int i = 0; i < x.size(); i++) {
        Object u = x.get(i);
        Object v = y.get(i);
        boolean same =
            u instanceof Double || v instanceof Double
                ? u != null
                    && v != null
                    && Math.abs(((Number) u).doubleValue() - ((Number) v).doubleValue())
                        <= 1e-9 * Math.max(1.0, Math.abs(((Number) u).doubleValue()))
                : java.util.Objects.equals(u, v);
        if (!same) {
          return false;
        }
      }
    }
    return true;
  }

  // tag::plan-reading[]
  /** The Comet operators of a plan Spark ran (AQE's final plan), in plan order. */
  public static List<String> nativeOperators(SparkPlan plan) {
    return Plans.nodes(plan).stream()
        .map(NativeExecution::operator)
        .filter(name -> name.startsWith("Comet") && !name.equals("CometColumnarToRow"))
        .toList();
  }

  /** Transitions from Comet's Arrow batches back to Spark rows: where native execution stops. */
  public static long toRowTransitions(SparkPlan plan) {
    return Plans.nodes(plan).stream()
        .filter(node -> operator(node).equals("CometColumnarToRow"))
        .count();
  }

  /**
   * An operator's name without its details ({@code "CometNativeScan parquet "} -> the first word).
   */
  public static String operator(SparkPlan node) {
    return node.nodeName().trim().split(" ")[0];
  }

  /** Comet's own explanation of every operator it left to Spark (empty: all native). */
  public static List<String> fallbackReasons(SparkPlan plan) {
    return CollectionConverters.asJava(
        new org.apache.comet.ExtendedExplainInfo().getFallbackReasons(plan));
  }

  /**
   * The plan as Comet annotates it: each operator left to Spark with its reason, then a summary
   * ("Comet accelerated 1 out of 5 eligible operators (20%)...").
   */
  public static String explain(SparkPlan plan) {
    return new org.apache.comet.ExtendedExplainInfo().generateVerboseInfo(plan);
  }

  // end::plan-reading[]

  /**
   * One executor's memory with and without Comet's off-heap pool, by Spark's own rules ({@link
   * SparkMemoryRules}): the container a cluster manager must grant is heap + overhead + off-heap.
   */
  public record MemoryBudget(
      long heapMiB,
      long overheadMiB,
      long offHeapMiB,
      long unifiedOnHeapMiB,
      long containerWithoutMiB,
      long containerWithMiB) {

    /** The lines of the example's report. */
    public String describe() {
      return String.format(
          java.util.Locale.ROOT,
          "executor heap %,d MiB (unified on-heap pool %,d MiB) + overhead %,d MiB: container %,d"
              + " MiB%n  + Comet off-heap pool %,d MiB: container %,d MiB (%+.0f %%); Comet's"
              + " untracked native memory must fit in the %,d MiB overhead",
          heapMiB,
          unifiedOnHeapMiB,
          overheadMiB,
          containerWithoutMiB,
          offHeapMiB,
          containerWithMiB,
          100.0 * (containerWithMiB - containerWithoutMiB) / containerWithoutMiB,
          overheadMiB);
    }
  }

  // tag::memory-budget[]
  /**
   * What turning Comet on costs an executor of {@code executorMemory} (e.g. {@code 8g}) with an
   * off-heap pool of {@code offHeapSize}: the heap and its unified pool stay as they were, the
   * container grows by the whole pool, and the overhead is not raised for Comet by default.
   */
  public static MemoryBudget executorBudget(String executorMemory, String offHeapSize) {
    long heapMiB = SparkMemoryRules.parseMiB(executorMemory);
    long offHeapMiB = SparkMemoryRules.parseMiB(offHeapSize);
    long overheadMiB = SparkMemoryRules.overheadMiB(heapMiB);
    long unifiedMiB =
        SparkMemoryRules.unifiedBytes(
                heapMiB * SparkMemoryRules.MIB, SparkMemoryRules.DEFAULT_MEMORY_FRACTION)
            / SparkMemoryRules.MIB;
    return new MemoryBudget(
        heapMiB,
        overheadMiB,
        offHeapMiB,
        unifiedMiB,
        SparkMemoryRules.containerMiB(heapMiB, overheadMiB, 0),
        SparkMemoryRules.containerMiB(heapMiB, overheadMiB, offHeapMiB));
  }
  // end::memory-budget[]
}
