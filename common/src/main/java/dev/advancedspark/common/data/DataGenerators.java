package dev.advancedspark.common.data;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.format_string;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.round;
import static org.apache.spark.sql.functions.shiftrightunsigned;
import static org.apache.spark.sql.functions.timestamp_seconds;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.xxhash64;

import java.util.Arrays;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;

/**
 * Seeded, deterministic generators for the running datasets of the series: customers, products,
 * orders, clickstream events and the db-benchmark "groupby" table.
 *
 * <p>Every random value is a hash of (seed, column, row id), computed by Spark itself: the same
 * seed gives the same rows whatever the number of partitions or cores, and 10 million rows take
 * seconds because nothing is built row by row on the driver.
 */
public final class DataGenerators {

  /** 2026-01-01T00:00:00Z: the start of the generated time range. */
  public static final long EPOCH_START = 1_767_225_600L;

  private static final double TWO_POW_53 = 9007199254740992.0;
  private static final String[] COUNTRIES = {
    "US", "DE", "FR", "GB", "NL", "ES", "IT", "PL", "SE", "BR",
    "IN", "JP", "KR", "AU", "CA", "MX", "ZA", "NG", "SG", "IE"
  };
  private static final String[] SEGMENTS = {"consumer", "smb", "enterprise"};
  private static final String[] CATEGORIES = {
    "books", "music", "games", "garden", "kitchen", "toys",
    "sports", "beauty", "office", "pets", "tools", "fashion"
  };
  private static final String[] STATUSES = {
    "placed", "shipped", "delivered", "cancelled", "returned"
  };
  private static final String[] PAGES = {
    "/", "/search", "/product", "/cart", "/checkout", "/account", "/help", "/deals"
  };
  private static final String[] EVENT_TYPES = {"view", "click", "add_to_cart", "purchase"};

  private DataGenerators() {}

  /**
   * A uniform random double in [0, 1) for each row: a pure function of seed, salt and the row's
   * {@code id}, so it does not depend on how the rows are partitioned.
   */
  public static Column uniform(long seed, String salt) {
    // The top 53 bits of a 64-bit hash, as a double: exactly representable, evenly spread.
    return shiftrightunsigned(xxhash64(lit(seed), lit(salt), col("id")), 11).divide(TWO_POW_53);
  }

  /** A random whole number in [1, n]. */
  public static Column uniformInt(long seed, String salt, long n) {
    return floor(uniform(seed, salt).multiply(n)).plus(1);
  }

  private static Column pick(long seed, String salt, String[] values) {
    Column array =
        functions.array(Arrays.stream(values).map(functions::lit).toArray(Column[]::new));
    return element_at(array, uniformInt(seed, salt, values.length).cast("int"));
  }

  /** Customers: customer_id (1..n), name, country, segment, signup_date. */
  public static Dataset<Row> customers(SparkSession spark, long n, long seed) {
    return spark
        .range(1, n + 1)
        .select(
            col("id").as("customer_id"),
            concat(lit("customer-"), col("id")).as("name"),
            pick(seed, "country", COUNTRIES).as("country"),
            pick(seed, "segment", SEGMENTS).as("segment"),
            functions
                .date_add(
                    lit("2020-01-01").cast("date"), uniformInt(seed, "signup", 2190).cast("int"))
                .as("signup_date"));
  }

  /** Products: product_id (1..n), category, price (1.00 to 500.00). */
  public static Dataset<Row> products(SparkSession spark, long n, long seed) {
    return spark
        .range(1, n + 1)
        .select(
            col("id").as("product_id"),
            concat(lit("product-"), col("id")).as("name"),
            pick(seed, "category", CATEGORIES).as("category"),
            round(uniform(seed, "price").multiply(499).plus(1), 2).as("price"));
  }

  /** What {@link #orders} generates. */
  public record OrdersSpec(
      long rows, long customers, long products, Skew customerSkew, double nullFraction, long seed) {

    public OrdersSpec {
      if (rows < 0 || customers < 1 || products < 1) {
        throw new IllegalArgumentException(
            "rows >= 0, customers >= 1 and products >= 1 are needed");
      }
      if (nullFraction < 0 || nullFraction > 1) {
        throw new IllegalArgumentException("nullFraction must be in [0, 1], got " + nullFraction);
      }
    }

    /** {@code rows} orders over 1,000 customers and 100 products, uniform, no nulls, seed 42. */
    public static OrdersSpec of(long rows) {
      return new OrdersSpec(rows, 1_000, 100, Skew.uniform(), 0.0, 42L);
    }

    public OrdersSpec withCustomers(long n) {
      return new OrdersSpec(rows, n, products, customerSkew, nullFraction, seed);
    }

    public OrdersSpec withProducts(long n) {
      return new OrdersSpec(rows, customers, n, customerSkew, nullFraction, seed);
    }

    public OrdersSpec withSkew(Skew skew) {
      return new OrdersSpec(rows, customers, products, skew, nullFraction, seed);
    }

    /** A fraction of rows whose customer_id and amount are null: the "dirty data" knob. */
    public OrdersSpec withNullFraction(double fraction) {
      return new OrdersSpec(rows, customers, products, customerSkew, fraction, seed);
    }

    public OrdersSpec withSeed(long s) {
      return new OrdersSpec(rows, customers, products, customerSkew, nullFraction, s);
    }
  }

  /**
   * The orders with the day each was placed ({@code order_date}, from {@code order_ts}): the
   * partition column of the file-layout lessons.
   */
  public static Dataset<Row> withOrderDate(Dataset<Row> orders) {
    return orders.withColumn("order_date", functions.to_date(functions.col("order_ts")));
  }

  /**
   * Orders: order_id, customer_id (skewed as asked), product_id, quantity (1..10), amount, order_ts
   * (within 90 days from 2026-01-01), status. With a null fraction, that share of rows has a null
   * customer_id and a null amount.
   */
  public static Dataset<Row> orders(SparkSession spark, OrdersSpec spec) {
    long seed = spec.seed();
    Column dirty = uniform(seed, "dirty").lt(spec.nullFraction());
    Column customer =
        spec.customerSkew()
            .key(uniform(seed, "customer"), uniform(seed, "customer-hot"), spec.customers());
    Column quantity = uniformInt(seed, "quantity", 10).cast("int");
    Column amount = round(uniform(seed, "amount").multiply(199).plus(1).multiply(quantity), 2);
    return spark
        .range(1, spec.rows() + 1)
        .select(
            col("id").as("order_id"),
            when(dirty, lit(null).cast("long")).otherwise(customer).as("customer_id"),
            uniformInt(seed, "product", spec.products()).as("product_id"),
            quantity.as("quantity"),
            when(dirty, lit(null).cast("double")).otherwise(amount).as("amount"),
            timestamp_seconds(
                    lit(EPOCH_START).plus(floor(uniform(seed, "ts").multiply(90L * 86_400))))
                .as("order_ts"),
            pick(seed, "status", STATUSES).as("status"));
  }

  /**
   * Clickstream events: event_id, user_id (skewed as asked over {@code users}), event_ts (within 7
   * days from 2026-01-01), page, event_type.
   */
  public static Dataset<Row> clickstream(
      SparkSession spark, long rows, long users, Skew userSkew, long seed) {
    return spark
        .range(1, rows + 1)
        .select(
            col("id").as("event_id"),
            userSkew.key(uniform(seed, "user"), uniform(seed, "user-hot"), users).as("user_id"),
            timestamp_seconds(
                    lit(EPOCH_START).plus(floor(uniform(seed, "ts").multiply(7L * 86_400))))
                .as("event_ts"),
            pick(seed, "page", PAGES).as("page"),
            pick(seed, "event", EVENT_TYPES).as("event_type"));
  }

  /**
   * The db-benchmark "groupby" table (G1_N_K_NA_0): id1, id2 ("id001".."id{K}"), id3 ("id" and 10
   * digits, N/K values), id4, id5 (1..K), id6 (1..N/K), v1 (1..5), v2 (1..15), v3 (0..100, 6
   * decimals). The same column shapes and cardinalities as the original R generator; the random
   * stream differs.
   */
  public static Dataset<Row> groupBy(SparkSession spark, long rows, long k, long seed) {
    long nk = Math.max(1, rows / k);
    return spark
        .range(rows)
        .select(
            format_string("id%03d", uniformInt(seed, "id1", k)).as("id1"),
            format_string("id%03d", uniformInt(seed, "id2", k)).as("id2"),
            format_string("id%010d", uniformInt(seed, "id3", nk)).as("id3"),
            uniformInt(seed, "id4", k).cast("int").as("id4"),
            uniformInt(seed, "id5", k).cast("int").as("id5"),
            uniformInt(seed, "id6", nk).cast("int").as("id6"),
            uniformInt(seed, "v1", 5).cast("int").as("v1"),
            uniformInt(seed, "v2", 15).cast("int").as("v2"),
            round(uniform(seed, "v3").multiply(100), 6).as("v3"));
  }
}
