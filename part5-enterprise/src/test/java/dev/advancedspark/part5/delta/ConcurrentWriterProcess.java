package dev.advancedspark.part5.delta;

import dev.advancedspark.common.SparkSessions;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ConcurrentModificationException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.types.DataTypes;

/**
 * The MERGE writer of {@link ConcurrentWritersTwoJvmIT}, in its own JVM: it deposits 10 to accounts
 * 0-4 with up to 3 attempts, and holds its first attempt open (inside its transaction, after
 * reading the table) until the test sends {@code release}; the test's JVM appends meanwhile. It
 * prints {@code ready} once Delta is warm and waits for {@code go}. The test drives it through
 * standard input and reads its standard output: no sleeps, no shared memory.
 */
public final class ConcurrentWriterProcess {

  private static final BufferedReader IN =
      new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
  private static final AtomicBoolean HELD = new AtomicBoolean();

  private ConcurrentWriterProcess() {}

  public static void main(String[] args) {
    String path = args[0];
    Map<String, String> conf = new LinkedHashMap<>(SparkSessions.clusterProfile(Path.of(args[1])));
    conf.putAll(DeltaLake.SESSION_CONF);
    conf.put("spark.sql.shuffle.partitions", "2");
    SparkSession spark = SparkSessions.builder("writer-merge", "local[2]", conf).getOrCreate();
    try {
      spark.read().format("delta").load(path).count(); // Delta's start-up cost, paid before "go"
      System.out.println("ready");
      await("go");
      spark
          .udf()
          .register(
              "hold_first_attempt",
              (UDF1<Long, Long>)
                  id -> {
                    if (HELD.compareAndSet(false, true)) {
                      System.out.println("inside");
                      await("release");
                    }
                    return id;
                  },
              DataTypes.LongType);
      Dataset<Row> source =
          spark.range(0, 5, 1, 1).selectExpr("hold_first_attempt(id) AS id", "10L AS amount");
      int attempts =
          ConcurrentWritersExample.withRetries(
              3,
              () -> {
                try {
                  ConcurrentWritersExample.deposit(spark, path, source);
                } catch (ConcurrentModificationException e) {
                  System.out.println(
                      "conflict "
                          + e.getClass().getSimpleName()
                          + ": "
                          + e.getMessage().lines().findFirst().orElse(""));
                  throw e;
                }
              });
      System.out.println("committed after " + attempts + " attempts");
    } finally {
      spark.stop();
    }
  }

  private static void await(String expected) {
    try {
      String line = IN.readLine();
      if (!expected.equals(line)) {
        throw new IllegalStateException("expected '" + expected + "' on stdin, got " + line);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
