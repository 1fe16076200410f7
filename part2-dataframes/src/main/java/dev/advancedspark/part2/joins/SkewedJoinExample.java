package dev.advancedspark.part2.joins;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.rand;
import static org.apache.spark.sql.functions.sequence;

import dev.advancedspark.common.ExampleArgs;
import dev.advancedspark.common.Examples;
import dev.advancedspark.common.RunnableExample;
import dev.advancedspark.common.SqlConfs;
import dev.advancedspark.common.UsageException;
import dev.advancedspark.common.data.DataGenerators;
import dev.advancedspark.common.data.DataGenerators.OrdersSpec;
import dev.advancedspark.common.data.Skew;
import dev.advancedspark.common.metrics.MetricsCollector;
import dev.advancedspark.common.metrics.MetricsCollector.Measured;
import dev.advancedspark.common.metrics.RunMetrics;
import dev.advancedspark.common.plan.Plans;
import java.util.HashMap;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.adaptive.AQEShuffleReadExec;
import org.apache.spark.sql.execution.joins.SortMergeJoinExec;

/**
 * A join where one key holds a big share of the rows, fixed two ways: AQE's skew-join handling and
 * salting.
 *
 * <p>In a sort-merge join every row of a key goes to one task, so the task with the hot key runs
 * far longer than the others and the stage waits for it. AQE (on by default) splits a shuffle
 * partition that is both larger than {@code skewJoin.skewedPartitionThresholdInBytes} (256 MB) and
 * {@code skewedPartitionFactor} (5) times the median, into chunks of about {@code
 * advisoryPartitionSizeInBytes} (64 MB), and replicates the matching partition of the other side.
 * Those defaults are made for production volumes: below them nothing happens, which is why this
 * example scales them down with the data ({@link #aqeSkewSettings}). AQE also cuts only between map
 * outputs, so a skewed partition splits into at most as many pieces as its side had map tasks.
 *
 * <p>On two cores the split (or salting) evens out the tasks (compare the longest task with the
 * median) but hardly the wall time: with one hot key holding half the rows, two cores are already
 * busy. The wall-time gain appears with more executors than the hot key's share allows to use.
 *
 * <p>Salting does the same by hand where AQE can't (an older Spark, a join AQE won't split such as
 * the outer side of an outer join): a random salt 0..n-1 on the skewed side, the other side
 * replicated n times, and the salt added to the join key.
 *
 * <pre>
 * bin/run-example SkewedJoinExample
 * bin/run-example SkewedJoinExample --rows 4M --hot 0.5
 * </pre>
 *
 * Expected output: per variant whether the sort-merge join was split for skew, the number of tasks,
 * shuffle bytes, wall time, and the longest vs the median task: without skew handling one task is
 * many times longer than the median; AQE's skew join and salting bring it down.
 */
@RunnableExample("Skewed join: AQE skew-join splitting vs salting, with task max/median")
public final class SkewedJoinExample {

  static final ExampleArgs ARGS =
      ExampleArgs.forExample("SkewedJoinExample")
          .option("rows", "400000", "generated orders")
          .option("customers", "10000", "generated customers")
          .option("hot", "0.5", "share of orders that belong to customer 1")
          .option("salt", "16", "salt buckets")
          .option("partition-bytes", "1M", "AQE advisory partition size (and skew threshold)");

  private SkewedJoinExample() {}

  /** Orders with one hot customer (id 1) holding {@code hotFraction} of the rows. */
  public static Dataset<Row> skewedOrders(
      SparkSession spark, long rows, long customers, double hotFraction) {
    return DataGenerators.orders(
        spark, OrdersSpec.of(rows).withCustomers(customers).withSkew(Skew.hotKey(hotFraction)));
  }

  /** The plain sort-merge join (broadcast ruled out by the settings the caller uses). */
  public static Dataset<Row> join(Dataset<Row> orders, Dataset<Row> customers) {
    return orders.join(customers, "customer_id");
  }

  /**
   * AQE skew-join settings scaled to {@code partitionBytes}: a partition over that size and twice
   * the median is split into chunks of about that size. Broadcast is off so the join stays
   * sort-merge.
   */
  public static Map<String, String> aqeSkewSettings(long partitionBytes) {
    return Map.of(
        "spark.sql.adaptive.enabled", "true",
        "spark.sql.adaptive.skewJoin.enabled", "true",
        "spark.sql.adaptive.skewJoin.skewedPartitionThresholdInBytes",
            String.valueOf(partitionBytes),
        "spark.sql.adaptive.skewJoin.skewedPartitionFactor", "2",
        "spark.sql.adaptive.advisoryPartitionSizeInBytes", String.valueOf(partitionBytes),
        "spark.sql.autoBroadcastJoinThreshold", "-1",
        "spark.sql.adaptive.autoBroadcastJoinThreshold", "-1",
        // AQE cuts a skewed partition only between map outputs: at most one piece per map task.
        // Generated data has one map task per core; 16 lets the hot partition split 16 ways.
        "spark.sql.leafNodeDefaultParallelism", "16");
  }

  /** The same, with AQE's skew-join handling off: the baseline. */
  public static Map<String, String> noSkewHandlingSettings(long partitionBytes) {
    Map<String, String> conf = new HashMap<>(aqeSkewSettings(partitionBytes));
    conf.put("spark.sql.adaptive.skewJoin.enabled", "false");
    return conf;
  }

  // tag::salted-join[]
  /**
   * Inner join on {@code key} with the skewed {@code left} side salted into {@code saltBuckets}:
   * each left row gets a random salt, each right row is repeated once per salt value, and the salt
   * joins too, so a hot key's rows spread over {@code saltBuckets} tasks. Same rows as {@code
   * left.join(right, key)}.
   */
  public static Dataset<Row> saltedJoin(
      Dataset<Row> left, Dataset<Row> right, String key, int saltBuckets) {
    if (saltBuckets < 1) {
      throw new IllegalArgumentException("saltBuckets must be >= 1, got " + saltBuckets);
    }
    // Any salt is correct (every salt value exists on the right), so a random one is fine.
    Dataset<Row> saltedLeft = left.withColumn("_salt", floor(rand(42).multiply(saltBuckets)));
    Dataset<Row> saltedRight =
        right.withColumn("_salt", explode(sequence(lit(0L), lit((long) saltBuckets - 1))));
    return saltedLeft.join(saltedRight, new String[] {key, "_salt"}).drop("_salt");
  }

  // end::salted-join[]

  /** The largest number of rows that share one value of {@code keys}: the biggest unit of work. */
  public static long largestKeyGroup(Dataset<Row> df, Column... keys) {
    return df.groupBy(keys).agg(count(lit(1)).as("n")).agg(max("n")).first().getLong(0);
  }

  /** Whether the plan that ran has a sort-merge join AQE split for skew. */
  public static boolean skewSplit(SparkPlan plan) {
    return Plans.find(plan, SortMergeJoinExec.class).stream()
            .anyMatch(SortMergeJoinExec::isSkewJoin)
        && Plans.find(plan, AQEShuffleReadExec.class).stream()
            .anyMatch(AQEShuffleReadExec::hasSkewedPartition);
  }

  public static void main(String[] args) {
    Examples.run(
        args,
        ARGS,
        "SkewedJoinExample",
        (spark, opts) -> {
          double hot = opts.getDouble("hot");
          int salt = opts.getInt("salt");
          if (hot < 0 || hot > 1 || salt < 1) {
            throw UsageException.problem("--hot must be in [0, 1] and --salt >= 1.");
          }
          long bytes = opts.getLong("partition-bytes");
          long customersN = opts.getLong("customers");
          Dataset<Row> orders = skewedOrders(spark, opts.getLong("rows"), customersN, hot);
          Dataset<Row> customers = DataGenerators.customers(spark, customersN, 42);
          System.out.printf(
              "largest key group: %,d orders (customer 1); with %d salts: %,d%n",
              largestKeyGroup(orders, col("customer_id")),
              salt,
              largestKeyGroup(
                  orders.withColumn("_salt", floor(rand(42).multiply(salt))),
                  col("customer_id"),
                  col("_salt")));
          for (int round = 1; round <= 2; round++) {
            System.out.println(round == 1 ? "warm-up round:" : "measured round:");
            run(spark, "no skew handling", noSkewHandlingSettings(bytes), join(orders, customers));
            run(spark, "AQE skew join", aqeSkewSettings(bytes), join(orders, customers));
            run(
                spark,
                "salted (" + salt + "), AQE skew off",
                noSkewHandlingSettings(bytes),
                saltedJoin(orders, customers, "customer_id", salt));
          }
        });
  }

  private static void run(
      SparkSession spark, String name, Map<String, String> conf, Dataset<Row> query) {
    SqlConfs.with(
        spark,
        conf,
        () -> {
          Measured<SparkPlan> m = MetricsCollector.measure(spark, () -> Plans.finalPlan(query));
          RunMetrics r = m.metrics();
          System.out.printf(
              "  %-30s skew split=%-5s tasks=%3d shuffle write=%-9s wall=%5d ms"
                  + " taskMax/median=%d/%d ms%n",
              name,
              skewSplit(m.result()),
              r.tasks(),
              RunMetrics.bytes(r.shuffleWriteBytes()),
              m.wallMillis(),
              r.maxTaskMillis(),
              r.medianTaskMillis());
        });
  }
}
