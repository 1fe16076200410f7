package dev.advancedspark.part2.badinput;

import static org.apache.spark.sql.functions.col;

import dev.advancedspark.common.ExampleArgs;
import dev.advancedspark.common.Examples;
import dev.advancedspark.common.RunnableExample;
import dev.advancedspark.common.SparkSessions;
import dev.advancedspark.common.data.DataFiles.Format;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.SparkThrowable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Reading CSV or JSON that contains malformed lines, the way a production job should: an explicit
 * schema, and a parse mode chosen on purpose.
 *
 * <ul>
 *   <li>{@code PERMISSIVE} with a corrupt-record column in the schema: every line becomes a row; a
 *       line that does not fit the schema keeps its raw text in {@code _corrupt_record}. The job
 *       splits good from bad, counts both (good + bad = lines read: nothing is lost silently) and
 *       writes the bad lines to a quarantine folder for someone to look at.
 *   <li>{@code FAILFAST}: the first malformed line stops the job. Spark raises {@code
 *       FAILED_READ_FILE} caused by {@code MALFORMED_RECORD_IN_PARSING}, deep in a stack trace; the
 *       example turns it into one line naming the file and the mode.
 * </ul>
 *
 * Not used here on purpose: {@code badRecordsPath}, a Databricks option that Apache Spark ignores
 * without a warning, and {@code DROPMALFORMED}, which loses rows without counting them.
 *
 * <pre>
 * bin/run-example MalformedRecordsExample
 * bin/run-example MalformedRecordsExample --format json
 * bin/run-example MalformedRecordsExample --mode failfast
 * bin/run-example MalformedRecordsExample --input path/to/orders.csv
 * </pre>
 *
 * Expected output: "read 10 lines from target/data/part2/bad-input/orders.csv: 4 good, 6 malformed
 * (quarantined in target/quarantine/orders)", the good rows and the quarantined lines. With {@code
 * --mode failfast}: Spark's executor logs the task failure (ERROR, with a stack trace: in local
 * mode the executor shares the console), then the example prints one line, "error: ... has a
 * malformed record (mode FAILFAST): ...", and exits with status 2.
 */
@RunnableExample(
    "Malformed CSV/JSON lines: PERMISSIVE + quarantine folder, or FAILFAST with a clear message")
public final class MalformedRecordsExample {

  /** The --input value that asks for the generated fixture. */
  static final String GENERATED = "generated";

  static final ExampleArgs ARGS =
      ExampleArgs.forExample("MalformedRecordsExample")
          .choice("format", "csv", "file format", "csv", "json")
          .choice(
              "mode",
              "permissive",
              "permissive (split and quarantine) or failfast",
              "permissive",
              "failfast")
          .inputPath(
              "input", GENERATED, "file to read, or 'generated' for a fixture with broken lines")
          .option("quarantine", "target/quarantine/orders", "folder for the malformed lines");

  /** The column that receives the raw text of a line that does not fit the schema. */
  public static final String CORRUPT = "_corrupt_record";

  /** The schema the job expects, declared rather than inferred. */
  public static final StructType ORDERS =
      new StructType()
          .add("order_id", DataTypes.LongType)
          .add("customer_id", DataTypes.LongType)
          .add("amount", DataTypes.DoubleType)
          .add("order_date", DataTypes.DateType);

  /** The fixture's good lines (CSV; the header is not a record). */
  public static final List<String> GOOD_CSV =
      List.of(
          "1,101,19.99,2026-01-05",
          "2,102,5.00,2026-01-05",
          "7,107,8.80,2026-01-08",
          "9,109,4.40,2026-01-09");

  /** The fixture's broken lines, one per kind of damage. */
  public static final List<String> BAD_CSV =
      List.of(
          "3,103,not-a-number,2026-01-06", // a text where a number belongs
          "4,104,12.50", // a field missing
          "5,105,7.25,2026-01-07,extra", // a field too many
          "6,106,3.10,not-a-date", // an unparsable date
          "8,abc,1.00,2026-01-08", // a text where an id belongs
          "10;110;2.20;2026-01-09"); // the wrong delimiter

  public static final List<String> GOOD_JSON =
      List.of(
          "{\"order_id\":1,\"customer_id\":101,\"amount\":19.99,\"order_date\":\"2026-01-05\"}",
          "{\"order_id\":2,\"customer_id\":102,\"amount\":5.0,\"order_date\":\"2026-01-05\"}",
          "{\"order_id\":7,\"customer_id\":107,\"amount\":8.8,\"order_date\":\"2026-01-08\"}",
          "{\"order_id\":9,\"customer_id\":109,\"amount\":4.4,\"order_date\":\"2026-01-09\"}");

  public static final List<String> BAD_JSON =
      List.of(
          "{\"order_id\":3,\"customer_id\":103,\"amount\":\"not-a-number\"}",
          "{\"order_id\":4,\"customer_id\":104,\"amount\":12.5", // truncated
          "{\"order_id\":6,\"customer_id\":106,\"amount\":3.1,\"order_date\":\"not-a-date\"}",
          "{\"order_id\":8,\"customer_id\":\"abc\",\"amount\":1.0}",
          "order_id=10 customer_id=110", // not JSON at all
          "[1,2,3]"); // JSON, but not an object

  /** The outcome of a permissive read: both halves, counted. */
  public record Split(Dataset<Row> good, Dataset<Row> bad, long goodCount, long badCount) {
    public long total() {
      return goodCount + badCount;
    }
  }

  private MalformedRecordsExample() {}

  /** Writes the fixture (good and broken lines interleaved) and returns its path. */
  public static Path writeFixture(Format format, Path dir) {
    List<String> good = format == Format.JSON ? GOOD_JSON : GOOD_CSV;
    List<String> bad = format == Format.JSON ? BAD_JSON : BAD_CSV;
    StringBuilder text = new StringBuilder();
    if (format == Format.CSV) {
      text.append("order_id,customer_id,amount,order_date\n");
    }
    for (int i = 0; i < Math.max(good.size(), bad.size()); i++) {
      if (i < good.size()) {
        text.append(good.get(i)).append('\n');
      }
      if (i < bad.size()) {
        text.append(bad.get(i)).append('\n');
      }
    }
    try {
      Files.createDirectories(dir);
      return Files.writeString(dir.resolve("orders." + format.sparkName()), text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Fails with a message naming the path, not a stack trace, when the input is missing. */
  public static Path requireInput(Path path) {
    return Examples.requireExists(path, "Input file");
  }

  // tag::permissive-read[]
  /** Every line becomes a row; lines that do not fit the schema keep their text in CORRUPT. */
  public static Dataset<Row> readPermissive(SparkSession spark, Format format, Path path) {
    return spark
        .read()
        .format(format.sparkName())
        .schema(ORDERS.add(CORRUPT, DataTypes.StringType))
        .option("header", "true") // CSV only; JSON ignores it
        .option("mode", "PERMISSIVE")
        .option("columnNameOfCorruptRecord", CORRUPT)
        .load(path.toAbsolutePath().toString());
  }

  /** Splits good from bad rows and counts both. */
  public static Split split(Dataset<Row> parsed) {
    // Cache first: Spark refuses a query on a raw CSV/JSON file that references only the corrupt
    // column (counting the bad rows is one), and both halves should come from one parse of the
    // file rather than two.
    Dataset<Row> all = parsed.cache();
    Dataset<Row> good = all.where(col(CORRUPT).isNull()).drop(CORRUPT);
    Dataset<Row> bad = all.where(col(CORRUPT).isNotNull()).select(CORRUPT);
    return new Split(good, bad, good.count(), bad.count());
  }

  /** Writes the raw malformed lines, one per line, to {@code dir}. */
  public static void quarantine(Split split, Path dir) {
    split.bad().coalesce(1).write().mode(SaveMode.Overwrite).text(dir.toAbsolutePath().toString());
  }

  // end::permissive-read[]

  /** FAILFAST: the first malformed line fails the job; returns the rows if there is none. */
  public static List<Row> readFailFast(SparkSession spark, Format format, Path path) {
    try {
      return spark
          .read()
          .format(format.sparkName())
          .schema(ORDERS)
          .option("header", "true")
          .option("mode", "FAILFAST")
          .load(path.toAbsolutePath().toString())
          .collectAsList();
    } catch (Exception e) { // SparkException is a checked exception that Scala code throws freely
      String message = explainMalformed(e, path);
      if (message != null) {
        // Bad data, not a bad argument: exit status 1 (2 means usage), the message without the
        // stack trace.
        throw new MalformedInputException(message);
      }
      throw e instanceof RuntimeException re ? re : new IllegalStateException(e.getMessage(), e);
    }
  }

  /** A FAILFAST read met a malformed record: the message names the file, the record and why. */
  public static final class MalformedInputException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public MalformedInputException(String message) {
      super(message);
    }
  }

  /**
   * One line for a FAILFAST failure ({@code FAILED_READ_FILE} caused by {@code
   * MALFORMED_RECORD_IN_PARSING}), or null when {@code e} is something else.
   *
   * <p>{@code getErrorClass()}, deprecated since Spark 4.0 for {@code getCondition()} (same value),
   * is the one name every tested line has (COMPATIBILITY.md): 3.5 has no {@code getCondition()}.
   */
  @SuppressWarnings("deprecation")
  public static String explainMalformed(Throwable e, Path path) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      // The condition has a sub-class: MALFORMED_RECORD_IN_PARSING.WITHOUT_SUGGESTION, ...
      if (t instanceof SparkThrowable st
          && st.getErrorClass() != null
          && st.getErrorClass().startsWith("MALFORMED_RECORD_IN_PARSING")) {
        String record = st.getMessageParameters().getOrDefault("badRecord", "?");
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
          root = root.getCause();
        }
        String why =
            root == t
                ? ""
                : " (" + root.getClass().getSimpleName() + ": " + root.getMessage() + ")";
        return String.format(
            "%s has a malformed record (mode FAILFAST): %s%s. Fix the file, or read it with"
                + " --mode permissive to quarantine the bad lines.",
            path, record, why.replace('\n', ' '));
      }
    }
    return null;
  }

  public static void main(String[] args) {
    Examples.run(
        args,
        ARGS,
        (spark, opts) -> {
          Format format = Format.parse(opts.get("format"));
          Path input =
              opts.get("input").equals(GENERATED)
                  ? writeFixture(format, SparkSessions.TARGET.resolve("data/part2/bad-input"))
                  : requireInput(Path.of(opts.get("input")));
          String mode = opts.get("mode");
          if (mode.equals("failfast")) {
            List<Row> rows = readFailFast(spark, format, input);
            System.out.printf("read %d rows, no malformed line%n", rows.size());
            return;
          }
          Split split = split(readPermissive(spark, format, input));
          Path quarantine = Path.of(opts.get("quarantine"));
          quarantine(split, quarantine);
          System.out.printf(
              "read %d lines from %s: %d good, %d malformed (quarantined in %s)%n",
              split.total(), input, split.goodCount(), split.badCount(), quarantine);
          split.good().show(false);
          split.bad().show(false);
        });
  }
}
