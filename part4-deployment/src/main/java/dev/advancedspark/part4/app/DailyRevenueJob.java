package dev.advancedspark.part4.app;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.sum;

import com.google.common.hash.Hasher;
import com.google.common.hash.Hashing;
import dev.advancedspark.common.ExampleArgs;
import dev.advancedspark.common.Examples;
import dev.advancedspark.common.RunnableExample;
import dev.advancedspark.common.UsageException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The application that Part 4 packages and submits: daily revenue from a CSV of orders, with
 * malformed lines quarantined and counted, the result written as one CSV file, and a summary file
 * that a scheduler or a test can read.
 *
 * <p>It is built into {@code target/part4-deployment-<version>-app.jar} (Spark {@code provided},
 * Guava bundled and relocated) and submitted to a standalone cluster with {@code spark-submit} in
 * client and cluster deploy mode by {@code SparkSubmitIT}. Locally:
 *
 * <pre>
 * bin/run-example DailyRevenueJob --generate-rows 2000
 * </pre>
 *
 * prints the summary, e.g. {@code valid=2000 quarantined=3 days=31 ...}.
 */
@RunnableExample("Part 4 application jar: daily revenue from CSV orders, bad lines quarantined")
public final class DailyRevenueJob {

  static final ExampleArgs SPEC =
      ExampleArgs.forExample("DailyRevenueJob")
          .option("input", "target/part4/orders.csv", "orders CSV (with a header line)")
          .option("output", "target/part4/daily-revenue", "output folder (replaced)")
          .option(
              "generate-rows",
              "0",
              "first write this many generated orders (plus 3 malformed lines) to --input");

  /** The orders file: the columns a daily revenue report needs, plus the quarantine column. */
  public static final StructType ORDER_SCHEMA =
      new StructType()
          .add("order_id", DataTypes.LongType)
          .add("order_date", DataTypes.DateType)
          .add("customer_id", DataTypes.LongType)
          .add("amount", DataTypes.createDecimalType(12, 2))
          .add("status", DataTypes.StringType)
          .add("_corrupt_record", DataTypes.StringType);

  /** The summary file the job writes next to its output. */
  public static final String SUMMARY_FILE = "_SUMMARY.properties";

  private DailyRevenueJob() {}

  /**
   * What one run did.
   *
   * @param validOrders orders that parsed
   * @param quarantined lines that did not (written to {@code quarantine/})
   * @param days rows in the daily revenue output
   * @param checksum a hash of the output rows, for a downstream check (computed with Guava)
   * @param driverGuava where the driver loaded the (relocated) Guava class from
   * @param executorGuava where an executor loaded it from
   * @param sparkGuava where the unrelocated name {@code com.google.common...} resolves: Spark's
   *     copy
   */
  public record Summary(
      long validOrders,
      long quarantined,
      long days,
      String checksum,
      String driverGuava,
      String executorGuava,
      String sparkGuava) {

    Map<String, String> asMap() {
      Map<String, String> m = new LinkedHashMap<>();
      m.put("valid", String.valueOf(validOrders));
      m.put("quarantined", String.valueOf(quarantined));
      m.put("days", String.valueOf(days));
      m.put("checksum", checksum);
      m.put("driver.guava", driverGuava);
      m.put("executor.guava", executorGuava);
      m.put("spark.guava", sparkGuava);
      return m;
    }

    @Override
    public String toString() {
      return asMap().entrySet().stream()
          .map(e -> e.getKey() + "=" + e.getValue())
          .collect(Collectors.joining(" "));
    }
  }

  /**
   * Reads the orders CSV; a line that does not fit the schema keeps its text in _corrupt_record.
   */
  public static Dataset<Row> readOrders(SparkSession spark, String path) {
    return spark
        .read()
        .option("header", "true")
        .option("mode", "PERMISSIVE")
        .option("columnNameOfCorruptRecord", "_corrupt_record")
        .schema(ORDER_SCHEMA)
        .csv(path);
  }

  // tag::daily-revenue[]
  /** Orders and revenue per day, cancelled orders left out, oldest day first. */
  public static Dataset<Row> dailyRevenue(Dataset<Row> validOrders) {
    return validOrders
        .filter(col("status").notEqual("CANCELLED"))
        .groupBy("order_date")
        .agg(count("*").as("orders"), sum("amount").as("revenue"))
        .orderBy("order_date");
  }

  // end::daily-revenue[]

  /**
   * The whole job: read, quarantine, aggregate, write {@code output/daily_revenue} (one CSV file),
   * {@code output/quarantine} and {@code output/_SUMMARY.properties}.
   *
   * @throws UsageException when the input does not exist
   */
  public static Summary run(SparkSession spark, String input, String output) {
    if (!input.contains("://") && !Files.exists(Path.of(input))) {
      throw UsageException.problem(
          "Input path " + Path.of(input).toAbsolutePath() + " does not exist.");
    }
    // Cached: Spark refuses a query on a raw CSV that references only the corrupt-record column.
    Dataset<Row> parsed = readOrders(spark, input).cache();
    try {
      Dataset<Row> bad = parsed.filter(col("_corrupt_record").isNotNull());
      Dataset<Row> good = parsed.filter(col("_corrupt_record").isNull()).drop("_corrupt_record");
      long quarantined = bad.count();
      long valid = good.count();
      bad.select("_corrupt_record").write().mode(SaveMode.Overwrite).text(output + "/quarantine");
      Dataset<Row> daily = dailyRevenue(good);
      daily
          .coalesce(1)
          .write()
          .mode(SaveMode.Overwrite)
          .option("header", "true")
          .csv(output + "/daily_revenue");
      List<Row> rows = daily.collectAsList();
      Summary summary =
          new Summary(
              valid,
              quarantined,
              rows.size(),
              checksum(rows),
              guavaLocation(),
              spark
                  .range(1)
                  .map((MapFunction<Long, String>) x -> guavaLocation(), Encoders.STRING())
                  .first(),
              sparkGuavaLocation());
      writeSummary(Path.of(output.replaceFirst("^file:", ""), SUMMARY_FILE), summary);
      return summary;
    } finally {
      parsed.unpersist();
    }
  }

  /** Guava's murmur3 over the rows as text: the same rows give the same checksum. */
  static String checksum(List<Row> rows) {
    Hasher h = Hashing.murmur3_128().newHasher();
    rows.forEach(r -> h.putString(r.mkString(","), StandardCharsets.UTF_8).putByte((byte) '\n'));
    return h.hash().toString();
  }

  /** Where the Guava class this code was compiled against (relocated in the jar) comes from. */
  static String guavaLocation() {
    return Hashing.class.getName() + "@" + codeSource(Hashing.class);
  }

  /** Where the unrelocated Guava name resolves in this JVM: Spark's class path, if anywhere. */
  static String sparkGuavaLocation() {
    // The string is split so that the shade plugin does not relocate it.
    String name = String.join(".", "com", "google", "common", "hash", "Hashing");
    try {
      Class<?> c = Class.forName(name, false, Thread.currentThread().getContextClassLoader());
      return name + "@" + codeSource(c);
    } catch (ClassNotFoundException e) {
      return name + "@none";
    }
  }

  private static String codeSource(Class<?> c) {
    var source = c.getProtectionDomain().getCodeSource();
    return source == null ? "unknown" : Path.of(source.getLocation().getPath()).toString();
  }

  private static void writeSummary(Path file, Summary summary) {
    StringBuilder sb = new StringBuilder();
    summary.asMap().forEach((k, v) -> sb.append(k).append('=').append(v).append('\n'));
    try {
      Files.createDirectories(file.getParent());
      Files.writeString(file, sb.toString(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write the summary " + file, e);
    }
  }

  public static void main(String[] args) {
    Examples.run(
        args,
        SPEC,
        "DailyRevenueJob",
        (spark, opts) -> {
          String input = opts.get("input");
          long generate = opts.getLong("generate-rows");
          if (generate > 0) {
            OrdersCsv.write(Path.of(input), generate, 42L);
          }
          System.out.println(run(spark, input, opts.get("output")));
        });
  }
}
