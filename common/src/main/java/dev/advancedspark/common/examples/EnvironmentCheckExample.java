package dev.advancedspark.common.examples;

import static org.apache.spark.sql.functions.col;

import dev.advancedspark.common.ExampleArgs;
import dev.advancedspark.common.Examples;
import dev.advancedspark.common.RunnableExample;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.sql.SparkSession;

/**
 * Checks that Spark runs here and prints the versions and the settings every other example
 * inherits: the first thing to run after a clone.
 *
 * <pre>
 * bin/run-example EnvironmentCheckExample
 * bin/run-example EnvironmentCheckExample --master local[2] --conf spark.sql.shuffle.partitions=4
 * </pre>
 *
 * Expected output: the Spark, Scala and Java versions, the master, default parallelism and shuffle
 * partitions, and "sum of 0..999999 = 499999500000 (ok)".
 */
@RunnableExample("Check the setup: versions, master, parallelism and one tiny job")
public final class EnvironmentCheckExample {

  static final ExampleArgs ARGS =
      ExampleArgs.forExample("EnvironmentCheckExample")
          .count("rows", "1000000", "rows summed by the check job");

  private EnvironmentCheckExample() {}

  /** The facts worth printing about a session, in a stable order. */
  public static Map<String, String> describe(SparkSession spark) {
    Map<String, String> facts = new LinkedHashMap<>();
    facts.put("Spark", spark.version());
    facts.put("Scala", scala.util.Properties.versionNumberString());
    facts.put(
        "Java",
        System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")");
    facts.put("master", spark.sparkContext().master());
    facts.put("default parallelism", String.valueOf(spark.sparkContext().defaultParallelism()));
    facts.put("spark.sql.shuffle.partitions", spark.conf().get("spark.sql.shuffle.partitions"));
    facts.put("spark.sql.adaptive.enabled", spark.conf().get("spark.sql.adaptive.enabled"));
    facts.put("driver max heap", (Runtime.getRuntime().maxMemory() >> 20) + " MiB");
    return facts;
  }

  /** Sums 0..rows-1 on the executors. */
  public static long sumOfRange(SparkSession spark, long rows) {
    return spark.range(rows).agg(org.apache.spark.sql.functions.sum(col("id"))).first().getLong(0);
  }

  public static void main(String[] args) {
    Examples.run(
        args,
        ARGS,
        (spark, opts) -> {
          describe(spark).forEach((k, v) -> System.out.printf("%-30s %s%n", k, v));
          long rows = opts.getLong("rows");
          long sum = sumOfRange(spark, rows);
          long expected = rows * (rows - 1) / 2;
          System.out.printf(
              "sum of 0..%d = %d (%s)%n",
              rows - 1, sum, sum == expected ? "ok" : "WRONG, expected " + expected);
        });
  }
}
