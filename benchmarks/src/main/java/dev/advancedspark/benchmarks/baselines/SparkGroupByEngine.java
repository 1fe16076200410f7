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
 * The groupby questions on Spark SQL. The settings (the {@link Variant}) and the key layout ({@link
 * Layout}: string keys as generated, or int-coded) are independent: every variant runs on both.
 *
 * <ul>
 *   <li>{@code DEFAULT}: the table read from Parquet and cached with {@code cache()}, Spark's
 *       default settings (200 shuffle partitions, AQE on, compressed cache).
 *   <li>{@code TUNED}: cached uncompressed in one partition per core, 2 shuffle partitions, AQE off
 *       (its extra stage planning costs more than it saves on 2 cores), and a first-level
 *       aggregation hash map large enough for every group of a task.
 *   <li>{@code TUNED_PARQUET}: the same settings, the table read straight from Parquet (re-written
 *       once as one file per core) with the vectorized reader, no cache.
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

  /** Numbers the views, so two engines of the same variant in one session keep their own. */
  private static final java.util.concurrent.atomic.AtomicInteger VIEWS =
      new java.util.concurrent.atomic.AtomicInteger();

  private final SparkSession spark;
  private final Variant variant;
  private final Layout layout;
  private final String view;
  private final Dataset<Row> table;
  private final Map<String, String> conf;

  /**
   * Loads {@code parquet} in the given layout; for the Parquet variants, the copy (one file per
   * core) is written to {@code workDir}.
   */
  public SparkGroupByEngine(
      SparkSession spark, Path parquet, Variant variant, Layout layout, Path workDir) {
    this.spark = spark;
    this.variant = variant;
    this.layout = layout;
    this.view =
        "x_"
            + variant.name().toLowerCase(java.util.Locale.ROOT)
            + "_"
            + layout.name().toLowerCase(java.util.Locale.ROOT)
            + "_"
            + VIEWS.incrementAndGet();
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
    Dataset<Row> keyed = layout.stringKeys() ? raw : integerCoded(raw);
    int cores = spark.sparkContext().defaultParallelism();
    Dataset<Row> loaded =
        switch (variant) {
          case DEFAULT -> keyed.cache();
          case TUNED, TUNED_DEFAULT_MAP -> keyed.repartition(cores).cache();
          case TUNED_PARQUET, COMET_PARQUET -> {
            Path copy = workDir.resolve(parquet.getFileName() + "-" + layout.label() + "-" + cores);
            if (!GroupByData.exists(copy)) {
              keyed
                  .repartition(cores)
                  .write()
                  .mode(SaveMode.Overwrite)
                  .parquet(copy.toAbsolutePath().toString());
            }
            yield spark.read().parquet(copy.toAbsolutePath().toString());
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

  /** The question's SQL on this variant's view. */
  String sql(Question q) {
    return q.sql()
        .replace("FROM x ", "FROM " + view + " ")
        .replace("FROM x)", "FROM " + view + ")");
  }

  /** The question as a Dataset; run it inside {@link #withSettings}, as planning reads them too. */
  public Dataset<Row> query(Question q) {
    return spark.sql(sql(q));
  }

  /** Runs {@code body} with this variant's SQL settings, restoring the session's afterwards. */
  public <T> T withSettings(Supplier<T> body) {
    return SqlConfs.with(spark, conf, body);
  }

  // tag::q9-ansi[]
  /**
   * The settings question {@code q} runs with: the variant's, and for q9 ANSI mode off. Under ANSI
   * mode (Spark 4's default) {@code corr()} over a group where v1 or v2 is constant fails the query
   * with {@code DIVIDE_BY_ZERO} instead of returning NaN (DuckDB: NULL; db-benchmark counts either
   * as missing). Groups of a few rows hit it (the smoke run's 20,000 rows: 2 rows per q9 group).
   */
  Map<String, String> settings(Question q) {
    if (q != Question.Q9) {
      return conf;
    }
    Map<String, String> q9 = new TreeMap<>(conf);
    q9.put("spark.sql.ansi.enabled", "false");
    return q9;
  }

  // end::q9-ansi[]

  @Override
  public Object run(Question q) {
    SqlConfs.with(spark, settings(q), () -> Sinks.runToNoop(query(q)));
    return null;
  }

  @Override
  public Answer answer(Question q) {
    Row row =
        SqlConfs.with(
            spark,
            settings(q),
            () -> spark.sql(Answer.sql(q, "(" + sql(q) + ")", layout.stringKeys())).first());
    List<Number> values = new ArrayList<>();
    for (int i = 0; i < row.size(); i++) {
      values.add((Number) row.get(i));
    }
    return Answer.of(q, values);
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
  public Layout layout() {
    return layout;
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
    boolean rightLayout = intKeys != layout.stringKeys();
    boolean ok =
        rightLayout
            && tunedConf
            && switch (variant) {
              case DEFAULT, TUNED, TUNED_DEFAULT_MAP -> cache;
              case TUNED_PARQUET -> !cache && Plans.hasColumnarScan(plan);
              case COMET_PARQUET -> !cache && cometRunsNatively(plan);
            };
    if (!ok) {
      throw SparkBenchmark.wrongVariant(
          name()
              + " (cache="
              + (variant != Variant.TUNED_PARQUET && variant != Variant.COMET_PARQUET)
              + ", layout="
              + layout.label()
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
   * For {@code COMET_PARQUET}: how much of {@code q} ran on Comet, from the plan of one run:
   * Comet's summary line ("Comet accelerated n out of m eligible operators"), its fallback reasons
   * (empty: none given) and the transitions from Comet's batches back to Spark rows.
   */
  public String cometCoverage(Question q) {
    if (variant != Variant.COMET_PARQUET) {
      throw new IllegalStateException(name() + " is not a Comet variant");
    }
    return SqlConfs.with(
        spark,
        settings(q),
        () -> {
          Dataset<Row> query = query(q);
          Sinks.runToNoop(query);
          SparkPlan plan = Plans.finalPlan(query);
          String[] explain = NativeExecution.explain(plan).strip().split("\n");
          return explain[explain.length - 1].strip()
              + "; fallbacks "
              + NativeExecution.fallbackReasons(plan)
              + "; to-row transitions "
              + NativeExecution.toRowTransitions(plan);
        });
  }

  @Override
  public void close() {
    table.unpersist(true);
    spark.catalog().dropTempView(view);
  }
}
