package dev.advancedspark.part1.partitions;

import dev.advancedspark.common.ExampleArgs;
import dev.advancedspark.common.Examples;
import dev.advancedspark.common.RunnableExample;
import dev.advancedspark.common.SqlConfs;
import dev.advancedspark.common.metrics.MetricsCollector;
import dev.advancedspark.common.metrics.RunMetrics;
import dev.advancedspark.common.plan.Plans;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * {@code repartition(n)} shuffles every row to get {@code n} balanced partitions (two stages);
 * {@code coalesce(n)} merges neighbouring partitions without a shuffle (one stage, {@code n} tasks)
 * and can only lower the count. Coalescing before a write is cheap; coalescing a heavy stage to few
 * partitions also makes that whole stage run on few cores.
 *
 * <pre>
 * bin/run-example RepartitionVsCoalesceExample
 * bin/run-example RepartitionVsCoalesceExample --rows 10M --from 16 --to 4
 * </pre>
 *
 * Expected output: for repartition: 1 shuffle, 2 stages, from+to tasks, every row written to the
 * shuffle, and (to more than one partition) rows out of their input order about every other row, as
 * each map task sorted its rows first ({@link #SORT_BEFORE_REPARTITION}); for coalesce: 0 shuffles,
 * 1 stage, "to" tasks, nothing shuffled, the input order kept (0 order breaks); then the rows per
 * output partition of each (repartition is even, coalesce inherits the input's shape).
 */
@RunnableExample("repartition vs coalesce: a shuffle and balanced partitions, or neither")
public final class RepartitionVsCoalesceExample {

  static final ExampleArgs ARGS =
      ExampleArgs.forExample("RepartitionVsCoalesceExample")
          .count("rows", "1000000", "rows of the input")
          .count("from", "8", "input partitions")
          .count("to", "2", "output partitions");

  /** Pinned so the counts are those of the plan: AQE could otherwise coalesce the shuffle read. */
  public static final Map<String, String> STATIC_PLAN =
      Map.of("spark.sql.adaptive.enabled", "false");

  /**
   * On by default: before a round-robin shuffle to more than one partition ({@code repartition(n)}
   * without columns, n > 1) every map task sorts its rows, so that a retried task sends each row to
   * the same reducer as its first attempt did (SPARK-23207). It sorts by the rows' hash, so the
   * rows leave each map task out of their input order; {@code repartition(1)}, {@code
   * repartition(n, col)} and {@code coalesce(n)} do not sort.
   */
  public static final String SORT_BEFORE_REPARTITION = "spark.sql.execution.sortBeforeRepartition";

  private RepartitionVsCoalesceExample() {}

  public static Dataset<Row> input(SparkSession spark, long rows, int partitions) {
    return spark.range(0, rows, 1, partitions).toDF("id");
  }

  public static Dataset<Row> repartitioned(Dataset<Row> ds, int n) {
    return ds.repartition(n);
  }

  public static Dataset<Row> coalesced(Dataset<Row> ds, int n) {
    return ds.coalesce(n);
  }

  /** Runs {@code ds} to completion without collecting (the noop sink) and returns its metrics. */
  public static RunMetrics runFully(SparkSession spark, Dataset<Row> ds) {
    return MetricsCollector.metricsOfFullRun(ds);
  }

  /**
   * Order breaks: in each partition of {@code ds}, the places where an {@code id} is smaller than
   * the one before it, summed. Rows that keep their map task's order break it only where one map
   * task's rows end and the next one's begin; the sort before a round-robin shuffle breaks it about
   * every other row.
   */
  public static long orderBreaks(Dataset<Row> ds) {
    return ds
        .select("id")
        .mapPartitions(
            (MapPartitionsFunction<Row, Long>)
                rows -> {
                  long breaks = 0;
                  long previous = Long.MIN_VALUE;
                  while (rows.hasNext()) {
                    long id = rows.next().getLong(0);
                    if (id < previous) {
                      breaks++;
                    }
                    previous = id;
                  }
                  return List.of(breaks).iterator();
                },
            Encoders.LONG())
        .collectAsList()
        .stream()
        .mapToLong(Long::longValue)
        .sum();
  }

  /** Rows in each partition of {@code ds}, in partition order. */
  public static List<Long> rowsPerPartition(Dataset<Row> ds) {
    return ds.mapPartitions(
            (MapPartitionsFunction<Row, Long>)
                rows -> {
                  long n = 0;
                  while (rows.hasNext()) {
                    rows.next();
                    n++;
                  }
                  return List.of(n).iterator();
                },
            Encoders.LONG())
        .collectAsList();
  }

  public static void main(String[] args) {
    Examples.run(
        args,
        ARGS,
        (spark, opts) -> {
          long rows = opts.getLong("rows");
          int from = opts.getInt("from");
          int to = opts.getInt("to");
          SqlConfs.with(
              spark,
              STATIC_PLAN,
              () -> {
                Dataset<Row> in = input(spark, rows, from);
                for (var entry :
                    List.of(
                        Map.entry("repartition(" + to + ")", repartitioned(in, to)),
                        Map.entry("coalesce(" + to + ")", coalesced(in, to)))) {
                  Dataset<Row> ds = entry.getValue();
                  RunMetrics m = runFully(spark, ds);
                  System.out.printf(
                      "%-16s shuffles in plan %d | stages %d, tasks %d, shuffle write %s"
                          + " (%d rows), order breaks %d | rows per partition %s%n",
                      entry.getKey(),
                      Plans.shuffleCount(Plans.plannedPlan(ds)),
                      m.stages(),
                      m.tasks(),
                      RunMetrics.bytes(m.shuffleWriteBytes()),
                      m.shuffleWriteRecords(),
                      orderBreaks(ds),
                      rowsPerPartition(ds));
                }
              });
        });
  }
}
