package dev.advancedspark.part5.delta;

import dev.advancedspark.common.ExampleArgs;
import dev.advancedspark.common.Examples;
import dev.advancedspark.common.RunnableExample;
import io.delta.tables.DeltaTable;
import java.nio.file.Path;
import java.util.ConcurrentModificationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.types.DataTypes;

/**
 * Two writers on one Delta table. Delta commits optimistically: a transaction reads a snapshot,
 * writes its files, and at commit checks what was committed since its snapshot. Blind appends never
 * conflict; a MERGE (or UPDATE/DELETE) that read files conflicts with a concurrent append into what
 * it read ({@code ConcurrentAppendException}) or with a concurrent delete of a file it read ({@code
 * ConcurrentDeleteReadException}). The losing transaction commits nothing; a retry re-reads the
 * table and succeeds.
 *
 * <p>To make the overlap certain (not a race), writer A's source passes through a UDF that waits,
 * inside A's transaction, until writer B has committed.
 *
 * <pre>
 * bin/run-example ConcurrentWritersExample
 * </pre>
 *
 * Expected output: the matrix (append/append: both commit; MERGE/append: ConcurrentAppendException;
 * MERGE/DELETE: ConcurrentDeleteReadException), then the MERGE with retries committing on attempt 2
 * and the table's count and history.
 */
@RunnableExample("Two writers on one Delta table: the conflict matrix and a retry policy")
public final class ConcurrentWritersExample {

  static final ExampleArgs ARGS =
      ExampleArgs.forExample("ConcurrentWritersExample")
          .option("dir", "target/part5/delta/concurrent", "folder for the tables (overwritten)");

  /** What writer B does while writer A's transaction is open. */
  public enum Other {
    APPEND,
    DELETE
  }

  /** What writer A does. */
  public enum Mine {
    APPEND,
    MERGE
  }

  /** Outcome of writer A: committed, or the conflict's class name. */
  public record Outcome(boolean committed, String conflict, int attempts) {}

  private static volatile CountDownLatch inside = new CountDownLatch(1);
  private static volatile CountDownLatch release = new CountDownLatch(1);

  private ConcurrentWritersExample() {}

  /** Accounts 0..9 with balance 100, in two files: ids 0-4 and ids 5-9. */
  public static void createAccounts(SparkSession spark, String path) {
    spark
        .range(10)
        .selectExpr("id", "100L AS balance")
        .repartitionByRange(2, org.apache.spark.sql.functions.col("id"))
        .write()
        .format("delta")
        .mode(SaveMode.Overwrite)
        .save(path);
  }

  // tag::retry[]
  /**
   * Runs {@code write} and, when a concurrent commit makes it fail, runs it again (each attempt
   * reads a fresh snapshot), up to {@code maxAttempts}. Only conflicts are retried: any other
   * failure is a bug, not contention (Delta's conflicts, {@code ConcurrentAppendException} and
   * friends, all extend {@code java.util.ConcurrentModificationException}). Returns the attempts
   * used.
   */
  public static int withRetries(int maxAttempts, Runnable write) {
    for (int attempt = 1; ; attempt++) {
      try {
        write.run();
        return attempt;
      } catch (ConcurrentModificationException e) {
        if (attempt >= maxAttempts) {
          throw e;
        }
      }
    }
  }

  // end::retry[]

  /** A deposit of 10 to accounts 0..4 (MERGE: reads the table, rewrites the files it touches). */
  public static void deposit(SparkSession spark, String path, Dataset<Row> source) {
    DeltaTable.forPath(spark, path)
        .as("t")
        .merge(source.as("s"), "t.id = s.id")
        .whenMatched()
        .updateExpr(java.util.Map.of("balance", "t.balance + s.amount"))
        .execute();
  }

  /**
   * Writer A ({@code mine}) and writer B ({@code other}) overlap: A's source blocks inside A's
   * transaction until B has committed. Returns A's outcome with {@code maxAttempts} (1: no retry).
   */
  public static Outcome race(
      SparkSession spark, String path, Mine mine, Other other, int maxAttempts) throws Exception {
    inside = new CountDownLatch(1);
    release = new CountDownLatch(1);
    spark
        .udf()
        .register(
            "wait_for_other_writer",
            (UDF1<Long, Long>)
                id -> {
                  inside.countDown();
                  if (!release.await(120, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("Writer B did not finish within 120 s");
                  }
                  return id;
                },
            DataTypes.LongType);
    // One partition: one task waits, the other local[2] slot stays free for writer B.
    Dataset<Row> source =
        spark.range(0, 5, 1, 1).selectExpr("wait_for_other_writer(id) AS id", "10L AS amount");
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try {
      Future<Integer> a =
          pool.submit(
              () ->
                  withRetries(
                      maxAttempts,
                      () -> {
                        if (mine == Mine.MERGE) {
                          deposit(spark, path, source);
                        } else {
                          source
                              .selectExpr("id + 100 AS id", "amount AS balance")
                              .write()
                              .format("delta")
                              .mode(SaveMode.Append)
                              .save(path);
                        }
                      }));
      if (!inside.await(120, TimeUnit.SECONDS)) {
        throw new IllegalStateException("Writer A never started reading its source");
      }
      if (other == Other.APPEND) {
        appendNewAccounts(spark, path);
      } else {
        // Every row of the second file: the file is removed, nothing is added.
        DeltaTable.forPath(spark, path).delete("id >= 5");
      }
      release.countDown();
      try {
        int attempts = a.get(180, TimeUnit.SECONDS);
        return new Outcome(true, null, attempts);
      } catch (java.util.concurrent.ExecutionException e) {
        if (e.getCause() instanceof ConcurrentModificationException c) {
          return new Outcome(false, c.getClass().getSimpleName(), maxAttempts);
        }
        throw e;
      }
    } finally {
      release.countDown();
      pool.shutdownNow();
    }
  }

  public static void main(String[] args) {
    Examples.run(
        DeltaLake.withDeltaConf(args),
        ARGS,
        "ConcurrentWritersExample",
        (spark, opts) -> {
          Path dir = Path.of(opts.get("dir")).toAbsolutePath();
          try {
            for (Mine mine : Mine.values()) {
              for (Other other : Other.values()) {
                String path = dir.resolve(mine + "-" + other).toString();
                createAccounts(spark, path);
                Outcome o = race(spark, path, mine, other, 1);
                System.out.printf(
                    "A %-6s while B %-6s -> %s%n",
                    mine, other, o.committed() ? "both commit" : "A fails: " + o.conflict());
              }
            }
            String path = dir.resolve("retry").toString();
            createAccounts(spark, path);
            Outcome o = race(spark, path, Mine.MERGE, Other.APPEND, 3);
            System.out.printf(
                "MERGE with retries while B appends: committed=%s after %d attempts; %d rows,"
                    + " balance total %s%n",
                o.committed(),
                o.attempts(),
                spark.read().format("delta").load(path).count(),
                spark.read().format("delta").load(path).selectExpr("sum(balance)").first().get(0));
          } catch (Exception e) {
            throw new IllegalStateException(e.getMessage(), e);
          }
        });
  }

  /** The other writer's append: five new accounts (ids 20-24, balance 0), a blind append. */
  public static void appendNewAccounts(SparkSession spark, String path) {
    spark
        .range(20, 25)
        .selectExpr("id", "0L AS balance")
        .write()
        .format("delta")
        .mode(SaveMode.Append)
        .save(path);
  }
}
