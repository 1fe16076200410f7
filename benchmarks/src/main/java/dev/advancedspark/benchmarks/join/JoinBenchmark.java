package dev.advancedspark.benchmarks.join;

import static org.apache.spark.sql.functions.col;

import dev.advancedspark.benchmarks.SparkBenchmark;
import dev.advancedspark.common.data.DataGenerators;
import dev.advancedspark.common.data.DataGenerators.OrdersSpec;
import dev.advancedspark.common.io.Sinks;
import dev.advancedspark.common.io.SparkFolders;
import dev.advancedspark.common.plan.JoinStrategy;
import dev.advancedspark.common.plan.Plans;
import dev.advancedspark.part2.joins.JoinStrategiesExample;
import dev.advancedspark.part2.layout.BucketedJoinExample;
import dev.advancedspark.part3.nativeexec.NativeExecution;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.execution.InputAdapter;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.WholeStageCodegenExec;
import org.apache.spark.sql.execution.adaptive.AdaptiveSparkPlanExec;
import org.apache.spark.sql.execution.adaptive.QueryStageExec;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Measures one equi-join (orders to customers on {@code customer_id}) with each of Spark's join
 * strategies: broadcast hash, shuffled hash, sort-merge, and sort-merge over tables bucketed on the
 * join key (no shuffle at all), with adaptive execution on and off.
 *
 * <p>Two shapes: {@code small-dim} joins {@code rows} orders to {@code rows / 100} customers (the
 * star-schema case where broadcasting wins); {@code two-large} joins {@code rows} orders to {@code
 * rows / 2} customers (where a broadcast has to ship and hash half the data to every task).
 *
 * <p>The joins and the bucketed tables are Part 2's own: {@link JoinStrategiesExample}'s {@code
 * broadcastHashJoin}, {@code shuffledHashJoin} and {@code sortMergeJoin} (each pins its strategy
 * with a hint), and {@link BucketedJoinExample#saveBucketed}, so a change to the lesson changes the
 * measurement. With {@code autoBroadcastJoinThreshold=-1} (both the static and the adaptive one)
 * only the hint decides, and set-up runs the query once and reads AQE's final plan: if Spark ran
 * another strategy, the trial fails instead of measuring the wrong thing.
 *
 * <p>{@code engine}: {@code spark}, or {@code comet}, a session with Apache DataFusion Comet (Part
 * 3's {@code NativeExecution.cometConf}, off-heap pool {@value #COMET_OFF_HEAP}) over the same
 * cached inputs. Comet cannot read Spark's cached batches natively, so the Comet session converts
 * them to Arrow ({@value #COMET_CONVERT_CACHE}=true); without it every operator stays Spark's.
 * Set-up checks that Comet's operator for the strategy ran ({@code CometBroadcastHashJoin}, {@code
 * CometHashJoin}, {@code CometSortMergeJoin}) and that the join returns as many rows as Spark's.
 *
 * <p>Run: {@code benchmarks/run-suite.sh JoinBenchmark} (see the module README).
 */
@State(Scope.Benchmark)
public class JoinBenchmark extends SparkBenchmark {

  /** The variants, as named in the results. */
  public enum Strategy {
    BROADCAST_HASH,
    SHUFFLED_HASH,
    SORT_MERGE,
    BUCKETED_SORT_MERGE
  }

  /** Comet's off-heap pool (on top of the fork's 4 GiB heap). */
  static final String COMET_OFF_HEAP = "1g";

  /** Lets Comet's operators read Spark's cached batches (converted to Arrow). */
  static final String COMET_CONVERT_CACHE = "spark.comet.convert.inMemoryCache.enabled";

  /** Shuffle partitions and buckets: a multiple of the 2 cores, large enough for 20M rows. */
  static final int PARTITIONS = 16;

  @Param({"BROADCAST_HASH", "SHUFFLED_HASH", "SORT_MERGE", "BUCKETED_SORT_MERGE"})
  public Strategy strategy;

  @Param({"small-dim", "two-large"})
  public String shape;

  @Param({"true", "false"})
  public boolean aqe;

  @Param({"spark", "comet"})
  public String engine;

  /** Orders (the large side). */
  @Param({"4000000"})
  public long rows;

  private Dataset<Row> orders;
  private Dataset<Row> customers;

  @Setup
  public void setUp() {
    boolean comet = engine.equals("comet");
    if (!comet && !engine.equals("spark")) {
      throw new IllegalArgumentException("engine must be spark or comet: " + engine);
    }
    startSpark(
        "JoinBenchmark",
        comet ? NativeExecution.cometConf(COMET_OFF_HEAP) : Map.<String, String>of());
    conf(aqe).forEach(spark.conf()::set);
    if (comet) {
      spark.conf().set(COMET_CONVERT_CACHE, "true");
    }
    long dimRows = dimensionRows(shape, rows);
    Dataset<Row> o = orders(spark, rows, dimRows);
    Dataset<Row> c = customers(spark, dimRows);
    if (strategy == Strategy.BUCKETED_SORT_MERGE) {
      orders = saveBucketed(spark, o, "bench_orders_bucketed");
      customers = saveBucketed(spark, c, "bench_customers_bucketed");
    } else {
      orders = o.cache();
      customers = c.cache();
      Sinks.runToNoop(orders);
      Sinks.runToNoop(customers);
    }
    if (comet) {
      CometCoverage coverage = verifyComet(spark, join(orders, customers, strategy), strategy);
      System.out.println(
          "JoinBenchmark shape="
              + shape
              + " aqe="
              + aqe
              + " rows="
              + rows
              + ": "
              + coverage.describe());
    } else {
      verify(join(orders, customers, strategy), strategy);
    }
  }

  /** The Comet operator of each strategy, as it appears in an executed plan. */
  static String cometOperator(Strategy s) {
    return switch (s) {
      case BROADCAST_HASH -> "CometBroadcastHashJoin";
      case SHUFFLED_HASH -> "CometHashJoin";
      case SORT_MERGE, BUCKETED_SORT_MERGE -> "CometSortMergeJoin";
    };
  }

  /**
   * Where one join ran under Comet, read from the plan that ran: the operators Comet ran natively,
   * the conversions of Spark's rows or cached batches into Comet's Arrow batches ({@code
   * CometSpark...ToColumnar}), the operators left to Spark (the fallbacks), Comet's own reasons
   * (which also cover the plans that filled the cache, outside the timed region), the transitions
   * from Comet back to Spark rows, and Comet's summary line.
   */
  public record CometCoverage(
      Strategy strategy,
      List<String> nativeOperators,
      List<String> conversions,
      List<String> sparkOperators,
      long toRowTransitions,
      List<String> fallbackReasons,
      String summary) {

    /** One line for the set-up's output. */
    public String describe() {
      return "Comet "
          + strategy
          + ": native "
          + nativeOperators
          + "; converted into Comet "
          + conversions
          + "; left to Spark "
          + sparkOperators
          + "; Comet-to-row transitions "
          + toRowTransitions
          + (fallbackReasons.isEmpty() ? "" : "; Comet's reasons " + fallbackReasons)
          + (summary.isEmpty() ? "" : "; " + summary);
    }
  }

  /** What ran natively and what fell back to Spark in {@code plan} (AQE's final plan). */
  public static CometCoverage cometCoverage(SparkPlan plan, Strategy s) {
    List<String> spark =
        Plans.nodes(plan).stream()
            .filter(
                n ->
                    !(n instanceof AdaptiveSparkPlanExec
                        || n instanceof QueryStageExec
                        || n instanceof WholeStageCodegenExec
                        || n instanceof InputAdapter))
            .map(NativeExecution::operator)
            .filter(name -> !name.startsWith("Comet"))
            .toList();
    List<String> comet = NativeExecution.nativeOperators(plan);
    return new CometCoverage(
        s,
        comet.stream().filter(op -> !op.endsWith("ToColumnar")).toList(),
        comet.stream().filter(op -> op.endsWith("ToColumnar")).toList(),
        spark,
        NativeExecution.toRowTransitions(plan),
        NativeExecution.fallbackReasons(plan).stream().distinct().toList(),
        NativeExecution.explain(plan).lines().reduce((a, b) -> b).orElse("").trim());
  }

  /**
   * Runs the join once on Comet and checks that Comet's operator for the strategy ran, and that the
   * join returns as many rows as with {@code spark.comet.enabled=false}; returns what ran natively
   * and what fell back ({@link #cometCoverage}).
   */
  public static CometCoverage verifyComet(SparkSession spark, Dataset<Row> joined, Strategy s) {
    SparkPlan plan = Plans.finalPlan(joined);
    CometCoverage coverage = cometCoverage(plan, s);
    if (!coverage.nativeOperators().contains(cometOperator(s))) {
      throw wrongVariant(
          cometOperator(s) + " (Comet's " + s + ")",
          coverage.describe() + "\n" + plan.treeString());
    }
    long rows = joined.count();
    long sparkRows = NativeExecution.withoutComet(spark, joined::count);
    if (rows != sparkRows) {
      throw wrongVariant(sparkRows + " joined rows, as Spark", rows + " rows");
    }
    return coverage;
  }

  @Benchmark
  public void join() {
    Sinks.runToNoop(join(orders, customers, strategy));
  }

  /** The SQL settings of the suite: no automatic broadcast, the strategy comes from the hint. */
  public static Map<String, String> conf(boolean aqe) {
    return Map.of(
        "spark.sql.adaptive.enabled",
        Boolean.toString(aqe),
        "spark.sql.autoBroadcastJoinThreshold",
        "-1",
        "spark.sql.adaptive.autoBroadcastJoinThreshold",
        "-1",
        "spark.sql.shuffle.partitions",
        Integer.toString(PARTITIONS));
  }

  public static long dimensionRows(String shape, long rows) {
    return switch (shape) {
      case "small-dim" -> Math.max(1, rows / 100);
      case "two-large" -> Math.max(1, rows / 2);
      default ->
          throw new IllegalArgumentException("shape must be small-dim or two-large: " + shape);
    };
  }

  /** The large side: only the columns the join reads, so the test measures the join. */
  public static Dataset<Row> orders(SparkSession spark, long rows, long customers) {
    return DataGenerators.orders(spark, OrdersSpec.of(rows).withCustomers(customers))
        .select("order_id", "customer_id", "amount");
  }

  public static Dataset<Row> customers(SparkSession spark, long rows) {
    return DataGenerators.customers(spark, rows, 42L).select("customer_id", "country", "segment");
  }

  /**
   * The join of the variant: Part 2's function for the strategy ({@link JoinStrategiesExample}),
   * then the columns the suite writes.
   */
  public static Dataset<Row> join(Dataset<Row> orders, Dataset<Row> customers, Strategy s) {
    // tag::join-hints[]
    Dataset<Row> joined =
        switch (s) {
          case BROADCAST_HASH -> JoinStrategiesExample.broadcastHashJoin(orders, customers);
          case SHUFFLED_HASH -> JoinStrategiesExample.shuffledHashJoin(orders, customers);
          case SORT_MERGE, BUCKETED_SORT_MERGE ->
              JoinStrategiesExample.sortMergeJoin(orders, customers);
        };
    return joined.select(col("order_id"), col("amount"), col("country"), col("segment"));
    // end::join-hints[]
  }

  /**
   * Writes {@code df} with Part 2's {@link BucketedJoinExample#saveBucketed} ({@value #PARTITIONS}
   * buckets on {@code customer_id}, one file per bucket) and returns the table. A table or folder
   * left by an earlier trial is dropped first: the in-memory catalog forgets tables between JVMs,
   * their folders stay.
   */
  public static Dataset<Row> saveBucketed(SparkSession spark, Dataset<Row> df, String table) {
    BucketedJoinExample.dropTables(spark, table);
    SparkFolders.deleteRecursively(
        java.nio.file.Path.of(spark.conf().get("spark.sql.warehouse.dir").replace("file:", ""))
            .resolve(table));
    BucketedJoinExample.saveBucketed(df, table, "customer_id", PARTITIONS);
    return spark.table(table);
  }

  /**
   * Runs the join once and checks the plan that ran: the named strategy, and for the bucketed case
   * no shuffle at all.
   */
  public static SparkPlan verify(Dataset<Row> joined, Strategy s) {
    SparkPlan plan = Plans.finalPlan(joined);
    JoinStrategy expected =
        switch (s) {
          case BROADCAST_HASH -> JoinStrategy.BROADCAST_HASH;
          case SHUFFLED_HASH -> JoinStrategy.SHUFFLED_HASH;
          case SORT_MERGE, BUCKETED_SORT_MERGE -> JoinStrategy.SORT_MERGE;
        };
    List<JoinStrategy> ran = Plans.joinStrategies(plan);
    if (!ran.equals(List.of(expected))) {
      throw wrongVariant(expected.toString(), ran + "\n" + plan.treeString());
    }
    int shuffles = Plans.shuffleCount(plan);
    if (s == Strategy.BUCKETED_SORT_MERGE && shuffles != 0) {
      throw wrongVariant("a bucketed join without shuffle", shuffles + " shuffles");
    }
    if ((s == Strategy.SORT_MERGE || s == Strategy.SHUFFLED_HASH) && shuffles != 2) {
      throw wrongVariant("both sides shuffled", shuffles + " shuffles");
    }
    return plan;
  }
}
