package dev.advancedspark.benchmarks.baselines;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.substring;

import dev.advancedspark.benchmarks.SparkBenchmark;
import dev.advancedspark.common.SqlConfs;
import dev.advancedspark.common.io.Sinks;
import dev.advancedspark.common.plan.Plans;
import dev.advancedspark.part3.nativeexec.NativeExecution;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.execution.SparkPlan;

/**
 * The groupby questions on Spark SQL, in three set-ups.
 *
 * <ul>
 *   <li>{@code DEFAULT}: the table as generated (string keys), cached with {@code cache()}, Spark's
 *       default settings (200 shuffle partitions, AQE on, compressed cache).
 *   <li>{@code TUNED}: integer-coded keys ({@code "id042"} stored as 42, turned back into strings
 *       on the small result only), cached uncompressed in one partition per core, 2 shuffle
 *       partitions, AQE off (its extra stage planning costs more than it saves on 2 cores), and a
 *       first-level aggregation hash map large enough for every group of a task.
 *   <li>{@code TUNED_PARQUET}: the same integer-coded layout read straight from Parquet (two files,
 *       one per core) with the vectorized reader, no cache.
 *   <li>{@code TUNED_DEFAULT_MAP}: {@code TUNED} without the two hash-map settings, to show what
 *       they alone are worth.
 *   <li>{@code COMET_PARQUET}: {@code TUNED_PARQUET} (the same files, the same settings) in a
 *       session with Apache DataFusion Comet ({@code NativeExecution.cometConf} of Part 3), so the
 *       native engine is the only difference. Comet does not read Spark's cache natively by
 *       default, hence the Parquet layout.
 * </ul>
 *
 * <p>A variant's settings apply while it loads its table and while it answers a question, and are
 * restored after each: variants can share one session.
 */
public final class SparkGroupByEngine implements GroupByEngine {

  /** The layouts and settings compared. */
  public enum Variant {
    DEFAULT("spark-default"),
    TUNED("spark-tuned"),
    TUNED_PARQUET("spark-tuned-parquet"),
    TUNED_DEFAULT_MAP("spark-tuned-default-map"),
    COMET_PARQUET("spark-comet-parquet");

    private final String label;

    Variant(String label) {
      this.label = label;
    }

    public String label() {
      return label;
    }
  }

  // tag::tuned-conf[]
  /**
   * Session settings of the tuned variants (all runtime SQL settings). The last two size the
   * aggregation's first-level hash map: by default it holds 2^16 = 65,536 groups, fewer than the
   * 100,000 of q3 and q5, so a third of the groups went to the slower general map. 2^17 holds them
   * all, and the columnar (vectorized) version of that map is the faster one. Both settings are
   * internal to Spark (no compatibility promise): re-measure after an upgrade.
   */
  public static final Map<String, String> TUNED_CONF =
      Map.of(
          "spark.sql.shuffle.partitions", "2",
          "spark.sql.adaptive.enabled", "false",
          "spark.sql.inMemoryColumnarStorage.compressed", "false",
          "spark.sql.codegen.aggregate.fastHashMap.capacityBit", "17",
          "spark.sql.codegen.aggregate.map.vectorized.enable", "true");

  // end::tuned-conf[]

  /** The settings of {@link #TUNED_CONF} that size the aggregation hash map. */
  static final Set<String> AGG_MAP_KEYS =
      Set.of(
          "spark.sql.codegen.aggregate.fastHashMap.capacityBit",
          "spark.sql.codegen.aggregate.map.vectorized.enable");

  private final SparkSession spark;
  private final Variant variant;
  private final String view;
  private final Dataset<Row> table;
  private final Map<String, String> conf;

  /**
   * Loads {@code parquet} in the given layout; for the tuned Parquet layout, the integer-coded copy
   * is written to {@code workDir}.
   */
  public SparkGroupByEngine(SparkSession spark, Path parquet, Variant variant, Path workDir) {
    this.spark = spark;
    this.variant = variant;
    this.view = "x_" + variant.name().toLowerCase(java.util.Locale.ROOT);
    this.conf = settings(variant);
    this.table = SqlConfs.with(spark, conf, () -> load(parquet, workDir));
    table.createOrReplaceTempView(view);
  }

  /** The SQL settings a variant runs with (none for the default variant). */
  static Map<String, String> settings(Variant variant) {
    return switch (variant) {
      case DEFAULT -> Map.of();
      // Comet: the session's own switch (on), so that checkAgainstSpark can turn it off
      case TUNED, TUNED_PARQUET, COMET_PARQUET -> TUNED_CONF;
      case TUNED_DEFAULT_MAP -> {
        Map<String, String> all = new TreeMap<>(TUNED_CONF);
        all.keySet().removeAll(AGG_MAP_KEYS);
        yield all;
      }
    };
  }

  private Dataset<Row> load(Path parquet, Path workDir) {
    Dataset<Row> raw = spark.read().parquet(parquet.toAbsolutePath().toString());
    int cores = spark.sparkContext().defaultParallelism();
    Dataset<Row> loaded =
        switch (variant) {
          case DEFAULT -> raw.cache();
          case TUNED, TUNED_DEFAULT_MAP -> integerCoded(raw).repartition(cores).cache();
          case TUNED_PARQUET, COMET_PARQUET -> {
            Path coded = workDir.resolve(parquet.getFileName() + "-int-" + cores);
            integerCoded(raw)
                .repartition(cores)
                .write()
                .mode(SaveMode.Overwrite)
                .parquet(coded.toAbsolutePath().toString());
            yield spark.read().parquet(coded.toAbsolutePath().toString());
          }
        };
    Sinks.runToNoop(loaded);
    return loaded;
  }

  // tag::int-coding[]
  /** "id042" -> 42: an int key hashes and compares faster than a string, and takes 4 bytes. */
  static Dataset<Row> integerCoded(Dataset<Row> raw) {
    return raw.select(
        substring(col("id1"), 3, 3).cast("int").as("id1"),
        substring(col("id2"), 3, 3).cast("int").as("id2"),
        substring(col("id3"), 3, 10).cast("int").as("id3"),
        col("id4"),
        col("id5"),
        col("id6"),
        col("v1"),
        col("v2"),
        col("v3"));
  }

  // end::int-coding[]

  /** The SQL this variant runs: the tuned ones aggregate on ints and format the keys afterwards. */
  String sql(Question q) {
    String sql = q.sql().replace("FROM x ", "FROM " + view + " ");
    if (variant == Variant.DEFAULT) {
      return sql;
    }
    return switch (q) {
      case Q1 -> "SELECT format_string('id%03d', id1) AS id1, v1 FROM (" + sql + ")";
      case Q2 ->
          "SELECT format_string('id%03d', id1) AS id1, format_string('id%03d', id2) AS id2, v1"
              + " FROM ("
              + sql
              + ")";
      case Q3 -> "SELECT format_string('id%010d', id3) AS id3, v1, v3 FROM (" + sql + ")";
      case Q4, Q5 -> sql;
    };
  }

  /** The question as a Dataset; run it inside {@link #withSettings}, as planning reads them too. */
  public Dataset<Row> query(Question q) {
    return spark.sql(sql(q));
  }

  /** Runs {@code body} with this variant's SQL settings, restoring the session's afterwards. */
  public <T> T withSettings(Supplier<T> body) {
    return SqlConfs.with(spark, conf, body);
  }

  @Override
  public Object run(Question q) {
    SqlConfs.with(spark, conf, () -> Sinks.runToNoop(query(q)));
    return null;
  }

  @Override
  public Answer answer(Question q) {
    Map<String, double[]> groups = new LinkedHashMap<>();
    for (Row row : withSettings(() -> query(q).collectAsList())) {
      List<String> key = new ArrayList<>();
      for (int i = 0; i < q.keyColumns(); i++) {
        key.add(String.valueOf(row.get(i)));
      }
      double[] values = new double[row.size() - q.keyColumns()];
      for (int i = 0; i < values.length; i++) {
        values[i] = ((Number) row.get(q.keyColumns() + i)).doubleValue();
      }
      groups.put(String.join("|", key), values);
    }
    return Answer.of(groups);
  }

  @Override
  public long rows() {
    return table.count();
  }

  @Override
  public String name() {
    return variant.label();
  }

  @Override
  public void verify() {
    // The settings in force while a question runs: the variant's own, the rest at their defaults.
    Map<String, String> seen =
        withSettings(
            () -> {
              Map<String, String> now = new TreeMap<>();
              TUNED_CONF.keySet().forEach(k -> now.put(k, spark.conf().get(k, null)));
              return now;
            });
    Map<String, String> expected = new TreeMap<>();
    TUNED_CONF.keySet().forEach(k -> expected.put(k, conf.get(k)));
    boolean tunedConf =
        expected.entrySet().stream()
                .allMatch(e -> e.getValue() == null || e.getValue().equals(seen.get(e.getKey())))
            && (variant != Variant.TUNED_DEFAULT_MAP
                || AGG_MAP_KEYS.stream().allMatch(k -> seen.get(k) == null));
    SparkPlan plan = withSettings(() -> Plans.finalPlan(query(Question.Q1)));
    boolean cache = Plans.readsCache(plan);
    boolean intKeys = table.schema().apply("id1").dataType().typeName().equals("integer");
    boolean ok =
        switch (variant) {
          case DEFAULT -> cache && !intKeys && tunedConf;
          case TUNED, TUNED_DEFAULT_MAP -> cache && intKeys && tunedConf;
          case TUNED_PARQUET -> !cache && intKeys && tunedConf && Plans.hasColumnarScan(plan);
          case COMET_PARQUET -> !cache && intKeys && tunedConf && cometRunsNatively(plan);
        };
    if (!ok) {
      throw SparkBenchmark.wrongVariant(
          name()
              + " (cache="
              + (variant != Variant.TUNED_PARQUET && variant != Variant.COMET_PARQUET)
              + ", int keys="
              + intKeys
              + ", tuned settings="
              + tunedConf
              + ")",
          plan.treeString());
    }
  }

  /** Comet's scan and aggregation ran (so the session has Comet's plugin and rules). */
  private static boolean cometRunsNatively(SparkPlan plan) {
    List<String> ops = NativeExecution.nativeOperators(plan);
    return ops.contains("CometNativeScan") && ops.contains("CometHashAggregate");
  }

  /**
   * For {@code COMET_PARQUET}: each question's answer with Comet and with {@code
   * spark.comet.enabled=false} in the same session, on the same files (the run's size), and Comet's
   * fallback reasons per question. Throws at the first answer that differs.
   *
   * @return question -> Comet's fallback reasons (empty: every operator native)
   */
  public Map<Question, List<String>> checkAgainstSpark() {
    if (variant != Variant.COMET_PARQUET) {
      throw new IllegalStateException(name() + " is not a Comet variant");
    }
    Map<Question, List<String>> fallbacks = new java.util.EnumMap<>(Question.class);
    for (Question q : Question.values()) {
      Answer comet = answer(q);
      Answer spark = NativeExecution.withoutComet(this.spark, () -> answer(q));
      String diff = comet.firstDifference(spark, 1e-9);
      if (diff != null) {
        throw SparkBenchmark.wrongVariant(q + ": the same answer as Spark", diff);
      }
      fallbacks.put(
          q,
          withSettings(
              () -> {
                Dataset<Row> query = query(q);
                Sinks.runToNoop(query);
                return NativeExecution.fallbackReasons(Plans.finalPlan(query));
              }));
    }
    return fallbacks;
  }

  @Override
  public void close() {
    table.unpersist(true);
    spark.catalog().dropTempView(view);
  }
}
