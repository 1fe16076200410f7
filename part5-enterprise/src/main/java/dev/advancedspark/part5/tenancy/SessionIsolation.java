package dev.advancedspark.part5.tenancy;

import org.apache.spark.sql.SparkSession;

/**
 * Per-tenant sessions on one SparkContext: {@code spark.newSession()} shares the context
 * (executors, cached data, the FAIR pools) but has its own temporary views, SQL settings, temporary
 * functions and current database. What does NOT isolate: global temporary views ({@code
 * global_temp}), the SparkContext's own settings (fixed at start), cached tables (shared storage),
 * and the catalog's permanent tables: isolation of data needs a catalog with grants, not sessions.
 */
public final class SessionIsolation {

  private SessionIsolation() {}

  /** A session for one tenant: its own views and SQL confs, its own default pool. */
  public static SparkSession tenantSession(
      SparkSession root, String tenant, int shufflePartitions) {
    SparkSession s = root.newSession();
    s.conf().set("spark.sql.shuffle.partitions", String.valueOf(shufflePartitions));
    s.conf().set("spark.app.tenant", tenant);
    return s;
  }
}
