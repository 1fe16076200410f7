package dev.advancedspark.part1.driver;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;

import dev.advancedspark.common.ExampleArgs;
import dev.advancedspark.common.Examples;
import dev.advancedspark.common.RunnableExample;
import dev.advancedspark.common.SparkSessions;
import dev.advancedspark.common.data.DataFiles;
import dev.advancedspark.common.data.DataFiles.Format;
import dev.advancedspark.common.metrics.MetricsCollector;
import dev.advancedspark.common.metrics.RunMetrics;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.spark.SparkException;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Why {@code collect()} of a large result risks the driver, and the safe alternatives. {@code
 * collect()} runs one job whose tasks all send their rows to the driver at once: the whole result
 * must fit in the driver's heap, serialized and again as rows, and Spark aborts the job when the
 * serialized results exceed {@code spark.driver.maxResultSize} (1g by default). Safer: aggregate on
 * the executors first, write the result out, or stream it with {@code toLocalIterator()}, which
 * runs one job per partition so the driver holds one partition at a time.
 *
 * <pre>
 * bin/run-example CollectSafelyExample
 * bin/run-example CollectSafelyExample --rows 2M --conf spark.driver.maxResultSize=1m --collect raw
 * </pre>
 *
 * Expected output: the size estimate and the limit; an aggregate (one row); toLocalIterator's jobs
 * (one per partition) and the largest fetch (one partition); the files written; then collect(): its
 * single job and total fetch, or, with a small {@code spark.driver.maxResultSize}, a clear message
 * instead of a stack trace. {@code spark.driver.maxResultSize} is read when the SparkContext
 * starts: a running session refuses to change it ({@code CANNOT_MODIFY_CONFIG}), so pass it with
 * {@code --conf}.
 */
@RunnableExample("collect() vs toLocalIterator, aggregate-first and write-out; maxResultSize")
public final class CollectSafelyExample {

  static final String MAX_RESULT_SIZE = "spark.driver.maxResultSize";

  static final ExampleArgs ARGS =
      ExampleArgs.forExample("CollectSafelyExample")
          .count("rows", "1000000", "rows of the result")
          .count("partitions", "8", "partitions of the result")
          .choice(
              "collect",
              "checked",
              "checked (refuse when the estimate exceeds the limit), raw (just collect), skip",
              "checked",
              "raw",
              "skip");

  private CollectSafelyExample() {}

  /** A result of {@code rows} rows in {@code partitions} even partitions. */
  public static Dataset<Row> result(SparkSession spark, long rows, int partitions) {
    return spark
        .range(0, rows, 1, partitions)
        .select(col("id"), col("id").mod(1000).as("customer_id"), col("id").mod(97).as("amount"));
  }

  /** What one way of fetching a result cost the driver. */
  public record Fetch(long rows, Map<Integer, ResultFetchListener.JobFetch> jobs) {
    public long totalResultBytes() {
      return jobs.values().stream().mapToLong(ResultFetchListener.JobFetch::resultBytes).sum();
    }

    /** The most the driver received in one job: the bound on what it held at once. */
    public long maxResultBytesPerJob() {
      return jobs.values().stream()
          .mapToLong(ResultFetchListener.JobFetch::resultBytes)
          .max()
          .orElse(0);
    }

    public int maxTasksPerJob() {
      return jobs.values().stream().mapToInt(ResultFetchListener.JobFetch::tasks).max().orElse(0);
    }
  }

  /** The risky way: every partition's rows arrive in the driver in one job. */
  public static Fetch viaCollect(SparkSession spark, Dataset<Row> ds) {
    long[] rows = {0};
    ResultFetchListener l =
        ResultFetchListener.around(spark.sparkContext(), () -> rows[0] = ds.collectAsList().size());
    return new Fetch(rows[0], l.jobs());
  }

  /**
   * The streaming way: {@code toLocalIterator} runs one job per partition, when the consumer asks
   * for the next rows, so the driver holds one partition's rows at a time.
   */
  public static Fetch viaLocalIterator(SparkSession spark, Dataset<Row> ds, Consumer<Row> sink) {
    long[] rows = {0};
    ResultFetchListener l =
        ResultFetchListener.around(
            spark.sparkContext(),
            () -> {
              // tag::to-local-iterator[]
              Iterator<Row> it = ds.toLocalIterator(); // one job per partition, on demand
              while (it.hasNext()) {
                sink.accept(it.next()); // process and drop: nothing accumulates on the driver
                rows[0]++;
              }
              // end::to-local-iterator[]
            });
    return new Fetch(rows[0], l.jobs());
  }

  /** Aggregate on the executors first: only the small answer reaches the driver. */
  public static Row aggregateFirst(Dataset<Row> ds) {
    return ds.agg(count(lit(1)).as("rows"), sum("amount").as("total")).first();
  }

  /** Or never bring it to the driver: write it where the next system reads it. */
  public static RunMetrics writeOut(SparkSession spark, Dataset<Row> ds, Path dir) {
    return MetricsCollector.metricsOf(spark, () -> DataFiles.write(ds, Format.PARQUET, dir));
  }

  /** Spark's own size estimate of {@code ds} (from the optimized plan's statistics), in bytes. */
  public static long estimatedBytes(Dataset<Row> ds) {
    return ds.queryExecution().optimizedPlan().stats().sizeInBytes().longValue();
  }

  /** {@code spark.driver.maxResultSize} of the running context, in bytes (0 = unlimited). */
  public static long maxResultSize(SparkSession spark) {
    return spark.sparkContext().getConf().getSizeAsBytes(MAX_RESULT_SIZE, "1g");
  }

  /**
   * {@code collect()} with a check first: refuses, without running a job, when Spark's estimate of
   * the result exceeds {@code limitBytes}; and turns Spark's own abort (the estimate can be low)
   * into the same clear message.
   */
  public static List<Row> collectChecked(Dataset<Row> ds, long limitBytes) {
    long estimate = estimatedBytes(ds);
    if (limitBytes > 0 && estimate > limitBytes) {
      throw new DriverResultTooLargeException(
          String.format(
              Locale.ROOT,
              "refusing to collect() about %s to the driver: more than the %s limit. %s",
              RunMetrics.bytes(estimate),
              RunMetrics.bytes(limitBytes),
              ADVICE),
          null);
    }
    return collectRaw(ds);
  }

  /** Plain {@code collect()}, with Spark's maxResultSize abort turned into a clear message. */
  public static List<Row> collectRaw(Dataset<Row> ds) {
    try {
      return ds.collectAsList();
    } catch (Exception e) { // Scala code throws the checked SparkException undeclared
      String msg = String.valueOf(e.getMessage());
      if (e instanceof SparkException && msg.contains(MAX_RESULT_SIZE)) {
        int at = msg.indexOf("Total size of serialized results");
        String what = at >= 0 ? msg.substring(at).lines().findFirst().orElse(msg) : msg;
        throw new DriverResultTooLargeException(
            "collect() was stopped by Spark: " + what + ". " + ADVICE, e);
      }
      if (e instanceof RuntimeException re) {
        throw re;
      }
      throw new IllegalStateException(msg, e);
    }
  }

  static final String ADVICE =
      "Aggregate on the executors first, write the result out (df.write()), or stream it with"
          + " toLocalIterator(); raise spark.driver.maxResultSize (and the driver heap) only if the"
          + " driver really needs all rows.";

  /**
   * What the safe ways cost.
   *
   * @param rows rows of the result
   * @param partitions its partitions
   * @param estimatedBytes Spark's estimate of its size
   * @param limit {@code spark.driver.maxResultSize} in bytes (0 = unlimited)
   * @param aggregate the one row that aggregating first sends to the driver
   * @param streamed what {@code toLocalIterator} cost
   * @param written what writing it out did
   */
  public record Report(
      long rows,
      int partitions,
      long estimatedBytes,
      long limit,
      Row aggregate,
      Fetch streamed,
      RunMetrics written) {}

  /** The three safe ways to get {@code ds} out: aggregate first, stream, write out. */
  public static Report compare(SparkSession spark, Dataset<Row> ds, long rows, Path outputDir) {
    return new Report(
        rows,
        ds.rdd().getNumPartitions(),
        estimatedBytes(ds),
        maxResultSize(spark),
        aggregateFirst(ds),
        viaLocalIterator(spark, ds, r -> {}),
        writeOut(spark, ds, outputDir));
  }

  /**
   * {@code collect()} done the {@code mode} way ({@code checked} or {@code raw}); above the limit
   * it fails with a one-line message (after the safe ways have been printed).
   */
  public static Fetch collect(SparkSession spark, Dataset<Row> ds, String mode) {
    long limit = maxResultSize(spark);
    long[] fetched = {0};
    ResultFetchListener l =
        ResultFetchListener.around(
            spark.sparkContext(),
            () ->
                fetched[0] =
                    (mode.equals("raw") ? collectRaw(ds) : collectChecked(ds, limit)).size());
    return new Fetch(fetched[0], l.jobs());
  }

  public static void main(String[] args) {
    Examples.run(
        args,
        ARGS,
        (spark, opts) -> {
          Dataset<Row> ds = result(spark, opts.getLong("rows"), opts.getInt("partitions"));
          Report r =
              compare(
                  spark, ds, opts.getLong("rows"), SparkSessions.TARGET.resolve("collect-safely"));
          System.out.printf(
              "result: %,d rows in %d partitions, Spark estimates %s; %s = %s%n",
              r.rows(),
              r.partitions(),
              RunMetrics.bytes(r.estimatedBytes()),
              MAX_RESULT_SIZE,
              r.limit() == 0 ? "unlimited" : RunMetrics.bytes(r.limit()));
          System.out.printf(
              "aggregate first:  1 row to the driver: rows=%d total=%d%n",
              r.aggregate().getLong(0), r.aggregate().getLong(1));
          Fetch it = r.streamed();
          System.out.printf(
              "toLocalIterator:  %,d rows in %d jobs (max %d task per job), largest fetch %s,"
                  + " total %s%n",
              it.rows(),
              it.jobs().size(),
              it.maxTasksPerJob(),
              RunMetrics.bytes(it.maxResultBytesPerJob()),
              RunMetrics.bytes(it.totalResultBytes()));
          System.out.printf(
              "write out:        %s written by %d tasks, nothing to the driver%n",
              RunMetrics.bytes(r.written().outputBytes()), r.written().tasks());
          if (!opts.get("collect").equals("skip")) {
            Fetch c = collect(spark, ds, opts.get("collect"));
            System.out.printf(
                "collect():        %,d rows in %d job of %d tasks, %s at once in the driver%n",
                c.rows(),
                c.jobs().size(),
                c.maxTasksPerJob(),
                RunMetrics.bytes(c.totalResultBytes()));
          }
        });
  }
}
