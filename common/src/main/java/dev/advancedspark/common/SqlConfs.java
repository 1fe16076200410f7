package dev.advancedspark.common;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.spark.sql.RuntimeConfig;
import org.apache.spark.sql.SparkSession;

/**
 * Runs a block with temporary SQL settings and puts the previous values back afterwards, even when
 * the block throws: the way to flip AQE or a join threshold for one query in a shared session.
 *
 * <pre>{@code
 * Dataset<Row> joined = SqlConfs.with(spark, Map.of("spark.sql.adaptive.enabled", "false"),
 *     () -> orders.join(customers, "customer_id"));
 * }</pre>
 *
 * Note that the settings apply when a query is planned and executed, so do both inside the block.
 */
public final class SqlConfs {

  private SqlConfs() {}

  public static <T> T with(SparkSession spark, Map<String, String> settings, Supplier<T> body) {
    RuntimeConfig conf = spark.conf();
    Map<String, String> previous = new LinkedHashMap<>();
    settings.keySet().forEach(k -> previous.put(k, conf.contains(k) ? conf.get(k) : null));
    try {
      settings.forEach(conf::set);
      return body.get();
    } finally {
      previous.forEach(
          (k, v) -> {
            if (v == null) {
              conf.unset(k);
            } else {
              conf.set(k, v);
            }
          });
    }
  }

  public static void with(SparkSession spark, Map<String, String> settings, Runnable body) {
    with(
        spark,
        settings,
        () -> {
          body.run();
          return null;
        });
  }
}
