package dev.advancedspark.part2.windows;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.dense_rank;
import static org.apache.spark.sql.functions.rank;
import static org.apache.spark.sql.functions.row_number;

import dev.advancedspark.common.ExampleArgs;
import dev.advancedspark.common.Examples;
import dev.advancedspark.common.RunnableExample;
import dev.advancedspark.common.SqlConfs;
import dev.advancedspark.common.data.DataGenerators;
import dev.advancedspark.common.data.DataGenerators.OrdersSpec;
import dev.advancedspark.common.metrics.MetricsCollector;
import dev.advancedspark.common.metrics.MetricsCollector.Measured;
import dev.advancedspark.common.metrics.RunMetrics;
import dev.advancedspark.common.plan.Plans;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.exchange.ShuffleExchangeExec;
import org.apache.spark.sql.execution.window.WindowGroupLimitExec;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Top-N per group with window functions, and how {@code row_number}, {@code rank} and {@code
 * dense_rank} differ when values tie.
 *
 * <p>With ties, {@code row_number} keeps exactly N rows (and needs a tie-breaker to be
 * deterministic), {@code rank} keeps every row tied with the N-th and then skips numbers, {@code
 * dense_rank} keeps the N highest distinct values. Since Spark 3.5 a filter {@code rank <= n} on a
 * rank-like function becomes a {@code WindowGroupLimit}: each map task keeps only its local top N
 * before the shuffle, so most rows never cross the network.
 *
 * <pre>
 * bin/run-example TopNPerGroupExample
 * bin/run-example TopNPerGroupExample --rows 5M --n 3
 * </pre>
 *
 * Expected output: the ranking table of the tiny fixture (Bo and Cy tie at 300 in "north": both
 * rank 2, row_number 2 and 3, and the next rep gets rank 4 but dense_rank 3), then the top-N of
 * generated orders per status with and without the group limit, and the shuffle records of each
 * (with the limit, about N rows per status and map task instead of every order).
 */
@RunnableExample("Top-N per group: row_number vs rank vs dense_rank with ties, WindowGroupLimit")
public final class TopNPerGroupExample {

  static final ExampleArgs ARGS =
      ExampleArgs.forExample("TopNPerGroupExample")
          .count("rows", "200000", "generated orders to rank")
          .count("n", "3", "rows kept per group");

  private TopNPerGroupExample() {}

  /** Adds row_number, rank and dense_rank of each row within its group, highest value first. */
  public static Dataset<Row> rankWithinGroups(Dataset<Row> rows, String group, String value) {
    // Nulls last: a missing amount must never be "the best".
    WindowSpec byValue = Window.partitionBy(group).orderBy(col(value).desc_nulls_last());
    return rows.withColumn("row_number", row_number().over(byValue))
        .withColumn("rank", rank().over(byValue))
        .withColumn("dense_rank", dense_rank().over(byValue));
  }

  /** Exactly n rows per group; ties on value are broken by {@code tieBreaker} so reruns agree. */
  public static Dataset<Row> topN(
      Dataset<Row> rows, String group, String value, String tieBreaker, int n) {
    WindowSpec w =
        Window.partitionBy(group).orderBy(col(value).desc_nulls_last(), col(tieBreaker).asc());
    return rows.withColumn("rn", row_number().over(w)).filter(col("rn").leq(n)).drop("rn");
  }

  /** Every row whose value is among the n highest distinct values of its group: ties all kept. */
  public static Dataset<Row> topNValuesWithTies(
      Dataset<Row> rows, String group, String value, int n) {
    WindowSpec w = Window.partitionBy(group).orderBy(col(value).desc_nulls_last());
    return rows.withColumn("dr", dense_rank().over(w)).filter(col("dr").leq(n)).drop("dr");
  }

  /** Sales reps per region, with a tie at 300 in "north" and a rep with no sales figure. */
  public static Dataset<Row> salesFixture(SparkSession spark) {
    StructType schema =
        new StructType()
            .add("region", DataTypes.StringType)
            .add("rep", DataTypes.StringType)
            .add("sales", DataTypes.IntegerType);
    List<Row> rows =
        List.of(
            RowFactory.create("north", "Ann", 500),
            RowFactory.create("north", "Bo", 300),
            RowFactory.create("north", "Cy", 300),
            RowFactory.create("north", "Di", 200),
            RowFactory.create("north", "Ed", null),
            RowFactory.create("south", "Flo", 400),
            RowFactory.create("south", "Gus", 100));
    return spark.createDataFrame(rows, schema);
  }

  /** Whether the executed plan filters each group's rows before the shuffle. */
  public static boolean usesWindowGroupLimit(Dataset<Row> query) {
    return !Plans.find(Plans.finalPlan(query), WindowGroupLimitExec.class).isEmpty();
  }

  /**
   * Whether a {@code WindowGroupLimit} runs below a shuffle exchange in {@code plan}: on the map
   * side, so that only each task's local top rows are shuffled.
   */
  public static boolean limitBeforeShuffle(SparkPlan plan) {
    return Plans.find(plan, ShuffleExchangeExec.class).stream()
        .anyMatch(exchange -> !Plans.find(exchange, WindowGroupLimitExec.class).isEmpty());
  }

  /** One top-N run: where the group limit sat and how many rows crossed the shuffle. */
  public record GroupLimitRun(
      String threshold,
      boolean limitBeforeShuffle,
      long shuffleRecords,
      long shuffleBytes,
      long wallMillis) {}

  /**
   * Runs the top-N query to the end with {@code spark.sql.optimizer.windowGroupLimitThreshold} set
   * ({@code -1} switches the group limit off). A Dataset keeps the plan it was first planned with,
   * so each setting builds a new one.
   */
  public static GroupLimitRun run(
      SparkSession spark, Dataset<Row> orders, int n, String threshold) {
    return SqlConfs.with(
        spark,
        Map.of("spark.sql.optimizer.windowGroupLimitThreshold", threshold),
        () -> {
          Dataset<Row> query = topN(orders, "status", "amount", "order_id", n);
          Measured<SparkPlan> m = MetricsCollector.measure(spark, () -> Plans.finalPlan(query));
          return new GroupLimitRun(
              threshold,
              limitBeforeShuffle(m.result()),
              m.metrics().shuffleWriteRecords(),
              m.metrics().shuffleWriteBytes(),
              m.wallMillis());
        });
  }

  public static void main(String[] args) {
    Examples.run(
        args,
        ARGS,
        (spark, opts) -> {
          System.out.println("Ranking with ties (north: Bo and Cy both have 300):");
          rankWithinGroups(salesFixture(spark), "region", "sales")
              .orderBy("region", "row_number")
              .show(false);

          int n = opts.getInt("n");
          Dataset<Row> orders = DataGenerators.orders(spark, OrdersSpec.of(opts.getLong("rows")));
          Dataset<Row> top = topN(orders, "status", "amount", "order_id", n);
          System.out.printf("Top %d orders per status by amount:%n", n);
          top.orderBy(col("status"), col("amount").desc()).show(false);

          for (String threshold : List.of("1000", "-1")) {
            GroupLimitRun r = run(spark, orders, n, threshold);
            System.out.printf(
                "windowGroupLimitThreshold=%-5s WindowGroupLimit before the shuffle=%-5s"
                    + " shuffle records=%d bytes=%s wall=%d ms%n",
                r.threshold(),
                r.limitBeforeShuffle(),
                r.shuffleRecords(),
                RunMetrics.bytes(r.shuffleBytes()),
                r.wallMillis());
          }
        });
  }
}
