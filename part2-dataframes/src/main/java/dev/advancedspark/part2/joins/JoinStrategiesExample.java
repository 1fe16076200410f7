package dev.advancedspark.part2.joins;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.sequence;
import static org.apache.spark.sql.functions.udf;

import dev.advancedspark.common.ExampleArgs;
import dev.advancedspark.common.Examples;
import dev.advancedspark.common.RunnableExample;
import dev.advancedspark.common.SqlConfs;
import dev.advancedspark.common.data.DataGenerators;
import dev.advancedspark.common.data.DataGenerators.OrdersSpec;
import dev.advancedspark.common.metrics.MetricsCollector;
import dev.advancedspark.common.metrics.MetricsCollector.Measured;
import dev.advancedspark.common.metrics.RunMetrics;
import dev.advancedspark.common.plan.JoinStrategy;
import dev.advancedspark.common.plan.Plans;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF2;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.util.LongAccumulator;

/**
 * The four join strategies Spark picks from, how to ask for one (hints and {@code
 * spark.sql.autoBroadcastJoinThreshold}), and why a non-equi join is dangerous.
 *
 * <ul>
 *   <li>Broadcast hash join: the small side is sent whole to every executor, the big side is not
 *       shuffled. Chosen when a side's estimated size is under {@code autoBroadcastJoinThreshold}
 *       (10 MB by default) or hinted with {@code broadcast(df)}.
 *   <li>Shuffled hash join: both sides shuffled by key, a hash table built per partition from the
 *       smaller side, no sort. Hint {@code shuffle_hash}.
 *   <li>Sort-merge join: both sides shuffled and sorted by key, then merged; scales to any size
 *       because it can spill. The default for two big sides. Hint {@code merge}.
 *   <li>Broadcast nested loop join: the only choice (with a cartesian product) when the condition
 *       has no equality. Every row of one side is compared with every row of the other: {@code
 *       |left| x |right|} evaluations of the condition. The fix is to add an equality, e.g. a
 *       bucket of the range, so a hash join finds the few candidate pairs ({@link
 *       #amountBandJoinBucketed}).
 * </ul>
 *
 * <pre>
 * bin/run-example JoinStrategiesExample
 * bin/run-example JoinStrategiesExample --rows 2M --customers 100k
 * </pre>
 *
 * Expected output: per variant the strategy in the plan that ran, shuffle bytes, wall time and
 * tasks (broadcast: no shuffle of the orders; sort-merge and shuffled hash: both sides shuffled),
 * then the band join's plan (BroadcastNestedLoopJoin) with its condition evaluations vs the
 * bucketed hash join's candidate pairs.
 */
@RunnableExample("Join strategies: broadcast hash, shuffled hash, sort-merge, nested loop; hints")
public final class JoinStrategiesExample {

  static final ExampleArgs ARGS =
      ExampleArgs.forExample("JoinStrategiesExample")
          .count("rows", "200000", "generated orders")
          .count("customers", "10000", "generated customers")
          .count("bands", "200", "amount bands in the range join")
          .count(
              "band-orders",
              "20000",
              "orders in the range join (nested loop: orders x bands condition checks)");

  /** Order amounts lie in [1, 2000): the bands cover [0, 2000). */
  static final double MAX_AMOUNT = 2000.0;

  private JoinStrategiesExample() {}

  public static Dataset<Row> broadcastHashJoin(Dataset<Row> orders, Dataset<Row> customers) {
    return orders.join(broadcast(customers), "customer_id");
  }

  public static Dataset<Row> shuffledHashJoin(Dataset<Row> orders, Dataset<Row> customers) {
    return orders.join(customers.hint("shuffle_hash"), "customer_id");
  }

  public static Dataset<Row> sortMergeJoin(Dataset<Row> orders, Dataset<Row> customers) {
    return orders.join(customers.hint("merge"), "customer_id");
  }

  /** No hint: the strategy follows {@code spark.sql.autoBroadcastJoinThreshold} and statistics. */
  public static Dataset<Row> plainJoin(Dataset<Row> orders, Dataset<Row> customers) {
    return orders.join(customers, "customer_id");
  }

  /** {@code count} amount bands [lo, hi) of equal width covering 0 to 2,000, for a range join. */
  public static Dataset<Row> amountBands(SparkSession spark, int count) {
    double width = MAX_AMOUNT / count;
    return spark
        .range(0, count)
        .select(
            col("id").as("band"),
            col("id").multiply(width).as("lo"),
            col("id").plus(1).multiply(width).as("hi"));
  }

  /** Each order with its amount band: a range condition, no equality. */
  public static Dataset<Row> amountBandJoin(Dataset<Row> orders, Dataset<Row> bands) {
    return orders.join(
        bands,
        orders.col("amount").geq(bands.col("lo")).and(orders.col("amount").lt(bands.col("hi"))));
  }

  /**
   * How many (order, band) pairs a band join evaluated its range condition on, counted on the
   * executors: a UDF that counts and returns true is placed in front of the condition. {@code
   * bucketWidth} 0 measures the nested loop join, a positive width the bucketed hash join.
   */
  public static long rangeChecks(
      SparkSession spark, Dataset<Row> orders, Dataset<Row> bands, double bucketWidth) {
    LongAccumulator checks = spark.sparkContext().longAccumulator("range checks");
    // Takes a column of each side, so the optimizer cannot push it down to one side of the join.
    UserDefinedFunction counted =
        udf(
            (UDF2<Double, Double, Boolean>)
                (amount, lo) -> {
                  checks.add(1);
                  return true;
                },
            DataTypes.BooleanType);
    Dataset<Row> join =
        bucketWidth > 0
            ? amountBandJoinBucketed(orders, bands, bucketWidth, counted)
            : orders.join(
                bands,
                counted
                    .apply(orders.col("amount"), bands.col("lo"))
                    .and(orders.col("amount").geq(bands.col("lo")))
                    .and(orders.col("amount").lt(bands.col("hi"))));
    join.write().format("noop").mode("overwrite").save();
    return checks.value();
  }

  /**
   * The same answer with an equality added: each order falls in bucket {@code floor(amount /
   * bucketWidth)}, each band is listed under every bucket it overlaps, and the range check only
   * runs on pairs that share a bucket. A bucket as wide as a band leaves two candidates per order.
   */
  public static Dataset<Row> amountBandJoinBucketed(
      Dataset<Row> orders, Dataset<Row> bands, double bucketWidth) {
    return amountBandJoinBucketed(orders, bands, bucketWidth, null);
  }

  private static Dataset<Row> amountBandJoinBucketed(
      Dataset<Row> orders, Dataset<Row> bands, double bucketWidth, UserDefinedFunction counted) {
    Dataset<Row> bucketedOrders =
        orders.withColumn("bucket", floor(col("amount").divide(bucketWidth)));
    Dataset<Row> bucketedBands =
        bands.withColumn(
            "bucket",
            explode(
                sequence(
                    floor(col("lo").divide(bucketWidth)), floor(col("hi").divide(bucketWidth)))));
    Column sameBucket = bucketedOrders.col("bucket").equalTo(bucketedBands.col("bucket"));
    if (counted != null) {
      sameBucket =
          sameBucket.and(counted.apply(bucketedOrders.col("amount"), bucketedBands.col("lo")));
    }
    return bucketedOrders
        .join(
            bucketedBands,
            sameBucket
                .and(bucketedOrders.col("amount").geq(bucketedBands.col("lo")))
                .and(bucketedOrders.col("amount").lt(bucketedBands.col("hi"))))
        .drop("bucket");
  }

  /** Candidate pairs the bucketed join checks: rows that share a bucket, before the range test. */
  public static long bucketedCandidatePairs(
      Dataset<Row> orders, Dataset<Row> bands, double bucketWidth) {
    Dataset<Row> o = orders.select(floor(col("amount").divide(bucketWidth)).as("bucket"));
    Dataset<Row> b =
        bands.select(
            explode(
                    sequence(
                        floor(col("lo").divide(bucketWidth)), floor(col("hi").divide(bucketWidth))))
                .as("bucket"));
    return o.join(b, "bucket").count();
  }

  /** A plan's join strategies, with what the run cost. */
  public record VariantRun(String name, List<JoinStrategy> strategies, Measured<SparkPlan> run) {}

  /** Runs each variant once (written to the no-op sink) and collects its plan and metrics. */
  public static List<VariantRun> runVariants(
      SparkSession spark, Map<String, Supplier<Dataset<Row>>> variants) {
    return variants.entrySet().stream()
        .map(
            e -> {
              Dataset<Row> query = e.getValue().get();
              Measured<SparkPlan> m = MetricsCollector.measure(spark, () -> Plans.finalPlan(query));
              return new VariantRun(e.getKey(), Plans.joinStrategies(m.result()), m);
            })
        .toList();
  }

  static void print(List<VariantRun> runs) {
    for (VariantRun r : runs) {
      RunMetrics m = r.run().metrics();
      System.out.printf(
          "%-34s %-24s shuffle write=%-9s wall=%5d ms tasks=%3d taskMax/median=%d/%d ms%n",
          r.name(),
          r.strategies(),
          RunMetrics.bytes(m.shuffleWriteBytes()),
          r.run().wallMillis(),
          m.tasks(),
          m.maxTaskMillis(),
          m.medianTaskMillis());
    }
  }

  /**
   * What the example prints.
   *
   * @param warmUp the four equi-join variants, first run (JIT, class loading)
   * @param measured the same, run again
   * @param noBroadcast the unhinted join with every broadcast threshold off
   * @param bandRuns the band join as a nested loop join and bucketed
   * @param bandOrders orders in the band join
   * @param bands bands in the band join
   * @param nestedLoopChecks range checks the nested loop join made (measured)
   * @param bucketedChecks range checks the bucketed join made (measured)
   */
  public record Report(
      List<VariantRun> warmUp,
      List<VariantRun> measured,
      List<VariantRun> noBroadcast,
      List<VariantRun> bandRuns,
      long bandOrders,
      long bands,
      long nestedLoopChecks,
      long bucketedChecks) {}

  /** The lesson end to end, for {@code main}. */
  public static Report compare(
      SparkSession spark, long rows, long customersN, int bandCount, long bandOrdersN) {
    Dataset<Row> orders =
        DataGenerators.orders(spark, OrdersSpec.of(rows).withCustomers(customersN));
    Dataset<Row> customers = DataGenerators.customers(spark, customersN, 42);
    Map<String, Supplier<Dataset<Row>>> variants = new LinkedHashMap<>();
    variants.put("broadcast(customers)", () -> broadcastHashJoin(orders, customers));
    variants.put("hint shuffle_hash", () -> shuffledHashJoin(orders, customers));
    variants.put("hint merge", () -> sortMergeJoin(orders, customers));
    variants.put("no hint, threshold 10MB", () -> plainJoin(orders, customers));
    List<VariantRun> warmUp = runVariants(spark, variants);
    List<VariantRun> measured = runVariants(spark, variants);
    // AQE could still broadcast at run time; pin it off so the static choice is what runs.
    Map<String, String> noBroadcast =
        Map.of(
            "spark.sql.autoBroadcastJoinThreshold", "-1",
            "spark.sql.adaptive.autoBroadcastJoinThreshold", "-1");
    List<VariantRun> unhinted =
        SqlConfs.with(
            spark,
            noBroadcast,
            () ->
                runVariants(
                    spark, Map.of("no hint, threshold -1", () -> plainJoin(orders, customers))));

    Dataset<Row> bands = amountBands(spark, bandCount);
    double width = MAX_AMOUNT / bandCount;
    Dataset<Row> bandOrders = DataGenerators.orders(spark, OrdersSpec.of(bandOrdersN));
    Map<String, Supplier<Dataset<Row>>> bandVariants = new LinkedHashMap<>();
    bandVariants.put("band join (nested loop)", () -> amountBandJoin(bandOrders, bands));
    bandVariants.put(
        "band join bucketed (hash)", () -> amountBandJoinBucketed(bandOrders, bands, width));
    return new Report(
        warmUp,
        measured,
        unhinted,
        runVariants(spark, bandVariants),
        bandOrders.count(),
        bands.count(),
        rangeChecks(spark, bandOrders, bands, 0),
        rangeChecks(spark, bandOrders, bands, width));
  }

  public static void main(String[] args) {
    Examples.run(
        args,
        ARGS,
        (spark, opts) -> {
          Report r =
              compare(
                  spark,
                  opts.getLong("rows"),
                  opts.getLong("customers"),
                  opts.getInt("bands"),
                  opts.getLong("band-orders"));
          System.out.println("warm-up run (JIT, class loading):");
          print(r.warmUp());
          System.out.println("measured run:");
          print(r.measured());
          print(r.noBroadcast());
          print(r.bandRuns());
          System.out.printf(
              "range condition evaluated (counted on the executors): nested loop %,d times"
                  + " (%,d orders x %,d bands); bucketed hash join %,d times%n",
              r.nestedLoopChecks(), r.bandOrders(), r.bands(), r.bucketedChecks());
        });
  }
}
