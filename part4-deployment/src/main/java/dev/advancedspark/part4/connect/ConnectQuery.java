package dev.advancedspark.part4.connect;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;

import dev.advancedspark.common.ExampleArgs;
import dev.advancedspark.common.Examples;
import dev.advancedspark.common.UsageException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The thin client of the Connect lesson: a program that runs in its own JVM on the Spark Connect
 * client's class path ({@code spark-connect-client-jvm}, no spark-core), connects to the server
 * named by the environment variable {@code SPARK_REMOTE} ({@code sc://localhost:PORT/;token=...},
 * Spark's own variable, which keeps the token off the command line), runs {@link #bucketTotals} and
 * prints the answer and the physical plan the server made.
 *
 * <p>The query is written against Spark's shared API ({@code org.apache.spark.sql.SparkSession},
 * {@code Dataset}, {@code functions}): the same method runs on a classic session in a unit test
 * ({@code ConnectQueryTest}) and over Connect here. {@code SparkSession.builder().remote(...)} on
 * the client's class path builds a {@code org.apache.spark.sql.connect.SparkSession}, whose
 * Datasets are plans sent to the server over gRPC.
 *
 * <p>Started by {@link SparkConnectExample} (and {@code SparkConnectIT}), not by {@code
 * bin/run-example}: on the examples' class path (Spark itself) there is no Connect client.
 */
public final class ConnectQuery {

  /** The variable Spark's Connect client reads its connection string from. */
  public static final String REMOTE_ENV = "SPARK_REMOTE";

  static final ExampleArgs ARGS =
      ExampleArgs.forTool("ConnectQuery")
          .count("rows", "1000", "rows of spark.range to aggregate on the server")
          .count("timeout-seconds", "60", "give up when the server has not answered by then");

  private ConnectQuery() {}

  // tag::connect-query[]
  /** Rows 0..n-1 in three buckets (id % 3): count and sum per bucket, in bucket order. */
  public static Dataset<Row> bucketTotals(SparkSession spark, long rows) {
    return spark
        .range(rows)
        .withColumn("bucket", col("id").mod(3))
        .groupBy("bucket")
        .agg(count(lit(1)).as("rows"), sum("id").as("total"))
        .orderBy("bucket");
  }

  // end::connect-query[]

  /** Connects, runs the query, prints what came back. */
  static void run(String remote, long rows) {
    // tag::connect-session[]
    SparkSession spark = SparkSession.builder().remote(remote).getOrCreate();
    // end::connect-session[]
    boolean connected = false;
    try {
      // The first call that reaches the server: a wrong token is refused here.
      String serverVersion = spark.version();
      connected = true;
      System.out.println(
          "session: " + spark.getClass().getName() + ", server Spark " + serverVersion);
      Dataset<Row> totals = bucketTotals(spark, rows);
      for (Row r : totals.collectAsList()) {
        System.out.println(
            "bucket=" + r.getLong(0) + " rows=" + r.getLong(1) + " total=" + r.getLong(2));
      }
      // explain() asks the server for the plan (an AnalyzePlan call) and prints it here.
      totals.explain();
    } finally {
      // Releasing a session the server never accepted would be refused too (a second error).
      if (connected) {
        spark.stop();
      }
    }
  }

  /** One line for a failed call: gRPC's status (UNAUTHENTICATED, UNAVAILABLE) and message. */
  static String describe(Throwable t, String remote) {
    String message = String.valueOf(t.getMessage());
    int at = message.lastIndexOf("StatusRuntimeException: ");
    String status = at >= 0 ? message.substring(at + "StatusRuntimeException: ".length()) : message;
    return "the server at " + masked(remote) + " answered " + status.lines().findFirst().orElse("");
  }

  public static void main(String[] args) {
    Examples.runTool(
        args,
        ARGS,
        opts -> {
          String remote = System.getenv(REMOTE_ENV);
          if (remote == null || remote.isBlank()) {
            throw UsageException.problem(
                REMOTE_ENV + " is not set: set it to sc://HOST:PORT/;token=TOKEN");
          }
          long timeout = opts.getPositiveLong("timeout-seconds");
          // Spark's client retries an unreachable server for minutes (RetryPolicy): bound it.
          CompletableFuture<Void> call =
              CompletableFuture.runAsync(() -> run(remote, opts.getPositiveLong("rows")));
          try {
            call.get(timeout, TimeUnit.SECONDS);
          } catch (TimeoutException e) {
            throw new IllegalStateException(
                "no answer from " + masked(remote) + " within " + timeout + " s");
          } catch (ExecutionException e) {
            // SparkException is checked in Java: report it as one line, without a stack trace.
            throw new IllegalStateException(describe(e.getCause(), remote));
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
          }
        });
    // gRPC's threads may outlive the session: end the JVM here.
    Examples.exit(0);
  }

  /** The connection string with the token's value hidden, for messages. */
  static String masked(String remote) {
    return remote.replaceAll("(?i)(token=)[^;]*", "$1***");
  }
}
