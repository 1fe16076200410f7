package dev.advancedspark.part5.governance;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.array_compact;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.when;

import dev.advancedspark.common.ExampleArgs;
import dev.advancedspark.common.Examples;
import dev.advancedspark.common.RunnableExample;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;

/**
 * A data-quality gate: expectations are declared (not null, in a range, unique, present in a
 * reference table), every row is checked against all of them in one pass, and a row that breaks any
 * lands in a quarantine with the names of the rules it broke, counted per rule. Valid rows flow on;
 * nothing is dropped silently, and the counts are what an alert or a threshold reads.
 *
 * <pre>
 * bin/run-example QualityGate
 * </pre>
 *
 * Expected output: 4 valid orders, 5 quarantined with their reasons, the count per rule.
 */
@RunnableExample("Governance: a data-quality gate that quarantines rows with reasons and counts")
public final class QualityGate {

  static final ExampleArgs ARGS = ExampleArgs.forExample("QualityGate");

  /** One declared rule: a name and the condition a GOOD row satisfies. */
  public record Expectation(String name, Column holds) {}

  /**
   * What the gate let through and what it held back.
   *
   * @param valid rows that met every expectation (input columns only)
   * @param quarantined rows that broke at least one, with a {@code reasons} array column
   * @param failuresByRule rows that broke each rule (a row can break several)
   * @param checked every row with its reasons, cached because valid, quarantined and the counts all
   *     read it; {@link #close()} releases it
   */
  public record Result(
      Dataset<Row> valid,
      Dataset<Row> quarantined,
      Map<String, Long> failuresByRule,
      Dataset<Row> checked)
      implements AutoCloseable {

    /** Drops the cached rows (valid and quarantined are recomputed if read after this). */
    @Override
    public void close() {
      checked.unpersist();
    }
  }

  private final List<Expectation> expectations = new ArrayList<>();
  private final List<String> uniqueKeys = new ArrayList<>();
  private final List<String[]> references = new ArrayList<>();
  private final Map<String, Dataset<Row>> referenceData = new LinkedHashMap<>();

  // tag::declare[]
  public QualityGate notNull(String column) {
    expectations.add(new Expectation(column + " is not null", col(column).isNotNull()));
    return this;
  }

  public QualityGate between(String column, double min, double max) {
    expectations.add(
        new Expectation(
            column + " in [" + min + ", " + max + "]",
            coalesce(col(column).between(min, max), lit(true)))); // nulls: notNull's job
    return this;
  }

  public QualityGate unique(String column) {
    uniqueKeys.add(column);
    return this;
  }

  /**
   * Every non-null {@code column} must appear in {@code reference}'s {@code referenceColumn};
   * {@code referenceName} names the reference in the rule ("customer_id exists in customers").
   */
  public QualityGate references(
      String column, String referenceName, Dataset<Row> reference, String referenceColumn) {
    String alias = "__ref_" + references.size();
    references.add(new String[] {column, alias, referenceName});
    referenceData.put(alias, reference.select(col(referenceColumn).as(alias)).distinct());
    return this;
  }

  // end::declare[]

  // tag::apply[]
  /** Checks every row against every expectation in one pass over {@code input}. */
  public Result apply(Dataset<Row> input) {
    List<String> inputColumns = List.of(input.columns());
    Dataset<Row> checked = input;
    List<Expectation> all = new ArrayList<>(expectations);
    for (String key : uniqueKeys) {
      String n = "__n_" + key;
      checked = checked.withColumn(n, count(lit(1)).over(Window.partitionBy(col(key))));
      all.add(new Expectation(key + " is unique", col(n).equalTo(1).or(col(key).isNull())));
    }
    for (String[] ref : references) {
      Dataset<Row> keys = referenceData.get(ref[1]);
      checked = checked.join(keys, checked.col(ref[0]).equalTo(keys.col(ref[1])), "left");
      all.add(
          new Expectation(
              ref[0] + " exists in " + ref[2], col(ref[1]).isNotNull().or(col(ref[0]).isNull())));
    }
    Column[] reasons =
        all.stream()
            .map(e -> when(not(coalesce(e.holds(), lit(false))), lit(e.name())))
            .toArray(Column[]::new);
    Column[] keep = inputColumns.stream().map(c -> col(c)).toArray(Column[]::new);
    Dataset<Row> withReasons =
        checked
            .withColumn("reasons", array_compact(array(reasons)))
            .select(concat(keep, col("reasons")))
            .cache(); // read three times below: checked once
    Dataset<Row> valid = withReasons.where(size(col("reasons")).equalTo(0)).select(keep);
    Dataset<Row> quarantined = withReasons.where(size(col("reasons")).gt(0));
    Map<String, Long> failures = new LinkedHashMap<>();
    all.forEach(e -> failures.put(e.name(), 0L));
    for (Row r :
        quarantined
            .select(explode(col("reasons")).as("rule"))
            .groupBy("rule")
            .count()
            .collectAsList()) {
      failures.put(r.getString(0), r.getLong(1));
    }
    return new Result(valid, quarantined, failures, withReasons);
  }

  // end::apply[]

  private static Column[] concat(Column[] a, Column b) {
    Column[] out = java.util.Arrays.copyOf(a, a.length + 1);
    out[a.length] = b;
    return out;
  }

  /** Nine named orders: four good, five each breaking something. */
  public static Dataset<Row> sampleOrders(SparkSession spark) {
    return spark.sql(
        "SELECT * FROM VALUES "
            + "(1, 10, 25.0), (2, 11, 40.0), (3, 10, 15.5), (4, 12, 99.0),"
            + "(5, NULL, 10.0)," // customer missing
            + "(6, 11, -5.0)," // negative amount
            + "(7, 99, 20.0)," // unknown customer
            + "(8, 10, 20000.0)," // amount out of range
            + "(8, 12, 30.0)" // duplicate id (and the first 8 is out of range too)
            + " AS orders(order_id, customer_id, amount)");
  }

  public static Dataset<Row> sampleCustomers(SparkSession spark) {
    return spark.sql("SELECT * FROM VALUES (10), (11), (12) AS customers(customer_id)");
  }

  /** The gate the example and its test use. */
  public static QualityGate ordersGate(Dataset<Row> customers) {
    return new QualityGate()
        .notNull("customer_id")
        .between("amount", 0, 10_000)
        .unique("order_id")
        .references("customer_id", "customers", customers, "customer_id");
  }

  public static void main(String[] args) {
    Examples.run(
        args,
        ARGS,
        "QualityGate",
        (spark, opts) -> {
          try (Result r = ordersGate(sampleCustomers(spark)).apply(sampleOrders(spark))) {
            System.out.println("valid: " + r.valid().count());
            r.quarantined().orderBy("order_id").show(false);
            r.failuresByRule().forEach((k, v) -> System.out.printf("%-35s %d%n", k, v));
          }
        });
  }
}
