package dev.advancedspark.part2.pushdown;

import static org.apache.spark.sql.functions.col;

import dev.advancedspark.common.ExampleArgs;
import dev.advancedspark.common.Examples;
import dev.advancedspark.common.RunnableExample;
import dev.advancedspark.common.SparkSessions;
import dev.advancedspark.common.data.DataGenerators;
import dev.advancedspark.common.data.DataGenerators.OrdersSpec;
import dev.advancedspark.common.metrics.RunMetrics;
import dev.advancedspark.part2.pushdown.ParquetLookups.Lookup;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Row-group skipping: Parquet keeps min/max statistics per column and row group, and a pushed
 * filter lets the reader skip every row group whose range cannot match. That only helps when the
 * values are clustered: the same orders written unsorted (each row group holds almost every
 * customer) and sorted by {@code customer_id} (each row group holds a narrow range) read very
 * different amounts for {@code customer_id = 42}.
 *
 * <p>{@code parquet.block.size} (the row group size, 128 MiB by default) is set small so that even
 * a small file has many row groups; on real data the default gives the same effect per 128 MiB.
 *
 * <pre>
 * bin/run-example RowGroupSkippingExample --rows 1M
 * </pre>
 *
 * Expected output: the number of row groups per layout, then bytes and records read for the same
 * filter: the sorted layout reads one or two row groups, the unsorted one nearly all of them.
 */
@RunnableExample("Parquet row-group skipping with min/max statistics: sorted vs unsorted layout")
public final class RowGroupSkippingExample {

  static final ExampleArgs ARGS =
      ExampleArgs.forExample("RowGroupSkippingExample")
          .count("rows", "1000000", "orders to write")
          .size("row-group-bytes", "1048576", "parquet.block.size for the demo files")
          .count("customer", "42", "the customer_id to look up");

  private RowGroupSkippingExample() {}

  public static void main(String[] args) {
    Examples.run(
        args,
        ARGS,
        (spark, opts) -> {
          Dataset<Row> orders = DataGenerators.orders(spark, OrdersSpec.of(opts.getLong("rows")));
          long blockSize = opts.getBytes("row-group-bytes");
          Path dir = SparkSessions.TARGET.resolve("data/part2/row-groups");
          Path unsorted =
              ParquetLookups.writeParquet(orders, dir.resolve("unsorted"), null, blockSize);
          Path sorted =
              ParquetLookups.writeParquet(orders, dir.resolve("sorted"), "customer_id", blockSize);
          Column filter = col("customer_id").equalTo(opts.getLong("customer"));
          // Warm-up so the first measured query does not pay for class loading alone.
          ParquetLookups.lookup(spark, "warm-up", unsorted, filter);
          for (Lookup l :
              List.of(
                  ParquetLookups.lookup(spark, "unsorted", unsorted, filter),
                  ParquetLookups.lookup(spark, "sorted", sorted, filter))) {
            System.out.printf(
                "%-9s row groups=%4d  read=%10s  records read=%,10d  matches=%,d  time=%d ms%n",
                l.layout(),
                l.rowGroups(),
                RunMetrics.bytes(l.inputBytes()),
                l.inputRecords(),
                l.matches(),
                l.wallMillis());
          }
          System.out.println(
              "PushedFilters: "
                  + ParquetLookups.lookup(spark, "sorted", sorted, filter).pushedFilters());
        });
  }
}
