package dev.advancedspark.benchmarks.report;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Prints, as {@code key=value} lines, the versions {@code run-suite.sh} records with each result:
 * the JDK that runs the benchmarks' jar, Spark's and DuckDB's versions inside it, and the cores the
 * JVM sees.
 *
 * <pre>{@code
 * java -cp benchmarks/target/benchmarks.jar dev.advancedspark.benchmarks.report.RunInfo
 * }</pre>
 */
public final class RunInfo {

  private RunInfo() {}

  public static void main(String[] args) {
    System.out.println("jdk=" + System.getProperty("java.runtime.version"));
    System.out.println("jvm=" + System.getProperty("java.vm.name"));
    System.out.println("spark_version=" + org.apache.spark.package$.MODULE$.SPARK_VERSION());
    System.out.println("duckdb_version=" + duckDbVersion());
    System.out.println("cores=" + Runtime.getRuntime().availableProcessors());
  }

  /** DuckDB's own answer to {@code SELECT version()}, in process. */
  static String duckDbVersion() {
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT version()")) {
      return r.next() ? r.getString(1) : "?";
    } catch (SQLException e) {
      return "? (" + e.getMessage() + ")";
    }
  }
}
