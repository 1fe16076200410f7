package dev.advancedspark.part1.engines;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;

import dev.advancedspark.part1.engines.Answers.CountryRevenue;
import dev.advancedspark.part1.engines.Answers.TopCustomer;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/** The two queries in Spark, reading the Parquet files each time. */
public final class SparkEngine {

  private SparkEngine() {}

  public static Dataset<Row> topCustomersQuery(SparkSession spark, Path orders) {
    return spark
        .read()
        .parquet(orders.toAbsolutePath().toString())
        .groupBy("customer_id")
        .agg(
            count(lit(1)).as("orders"), sum("quantity").as("quantity"), sum("amount").as("revenue"))
        .orderBy(col("revenue").desc(), col("customer_id"))
        .limit(Answers.TOP);
  }

  public static Dataset<Row> revenueByCountryQuery(
      SparkSession spark, Path orders, Path customers) {
    Dataset<Row> o = spark.read().parquet(orders.toAbsolutePath().toString());
    Dataset<Row> c = spark.read().parquet(customers.toAbsolutePath().toString());
    return o.join(c, "customer_id")
        .groupBy("country")
        .agg(count(lit(1)).as("orders"), sum("amount").as("revenue"))
        .orderBy("country");
  }

  public static List<TopCustomer> topCustomers(SparkSession spark, Path orders) {
    return topCustomersQuery(spark, orders).collectAsList().stream()
        .map(r -> new TopCustomer(r.getLong(0), r.getLong(1), r.getLong(2), r.getDouble(3)))
        .toList();
  }

  public static List<CountryRevenue> revenueByCountry(
      SparkSession spark, Path orders, Path customers) {
    return revenueByCountryQuery(spark, orders, customers).collectAsList().stream()
        .map(r -> new CountryRevenue(r.getString(0), r.getLong(1), r.getDouble(2)))
        .toList();
  }
}
