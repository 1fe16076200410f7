package dev.advancedspark.part5.delta;

import dev.advancedspark.common.ExampleArgs;
import dev.advancedspark.common.Examples;
import dev.advancedspark.common.RunnableExample;
import dev.advancedspark.common.UsageException;
import io.delta.tables.DeltaTable;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;

/**
 * Is a Delta table intact? Its history (version and operation of every commit), its row count and
 * an order-independent checksum of its rows: the three figures to compare before and after an
 * incident (a write conflict, a killed job, a restore). A path that holds no Delta table is
 * answered with one line naming it, and whether the folder is missing or only its {@code
 * _delta_log}.
 *
 * <pre>
 * bin/run-example TableReportExample                       # a small demo table
 * bin/run-example TableReportExample --table PATH
 * </pre>
 *
 * Expected output (the demo table): {@code version 0, rows 10, checksum 6918731328888352645} and
 * one line per commit ({@code 0 WRITE}); with a path that holds no table, one {@code error:} line
 * naming it and exit status 2.
 */
@RunnableExample("Is a Delta table intact: history, count, checksum; a missing table named")
public final class TableReportExample {

  static final ExampleArgs ARGS =
      ExampleArgs.forExample("TableReportExample")
          .option("table", "generated", "path of a Delta table; default: a demo table in target/");

  /** The sum of the rows' 64-bit hashes, as a decimal: it cannot overflow, row order is moot. */
  public static final String CHECKSUM =
      "coalesce(sum(CAST(xxhash64(*) AS DECIMAL(20, 0))), CAST(0 AS DECIMAL(30, 0)))";

  /** History (oldest first), row count and checksum of a table's current version. */
  public record Report(long version, List<String> history, long rows, BigDecimal checksum) {}

  private TableReportExample() {}

  // tag::require-table[]
  /** Fails with one line naming {@code path} unless a Delta table is there. */
  public static String requireTable(SparkSession spark, String path) {
    Path p = Path.of(path).toAbsolutePath();
    if (!Files.exists(p)) {
      throw UsageException.problem("No Delta table at " + p + ": the path does not exist.");
    }
    if (!DeltaTable.isDeltaTable(spark, p.toString())) {
      throw UsageException.problem(
          "No Delta table at " + p + ": the folder has no _delta_log (not a Delta table).");
    }
    return p.toString();
  }

  // end::require-table[]

  // tag::report[]
  /** The table's history, row count and a checksum of its rows (independent of row order). */
  public static Report report(SparkSession spark, String path) {
    String table = requireTable(spark, path);
    List<String> history =
        DeltaTable.forPath(spark, table)
            .history()
            .orderBy("version")
            .selectExpr("concat(version, ' ', operation)")
            .as(Encoders.STRING())
            .collectAsList();
    var figures = spark.read().format("delta").load(table).selectExpr("count(*)", CHECKSUM).first();
    return new Report(history.size() - 1, history, figures.getLong(0), figures.getDecimal(1));
  }

  // end::report[]

  public static void main(String[] args) {
    Examples.run(
        DeltaLake.withDeltaConf(args),
        ARGS,
        "TableReportExample",
        (spark, opts) -> {
          String table = opts.get("table");
          if (table.equals("generated")) {
            table = Path.of("target/part5/delta/report/demo").toAbsolutePath().toString();
            spark
                .range(10)
                .selectExpr("id", "id * 10 AS amount")
                .write()
                .format("delta")
                .mode(SaveMode.Overwrite)
                .save(table);
          }
          Report r = report(spark, table);
          System.out.printf(
              "version %d, rows %d, checksum %s%n", r.version(), r.rows(), r.checksum());
          r.history().forEach(h -> System.out.println("  " + h));
        });
  }
}
