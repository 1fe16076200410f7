package dev.advancedspark.common.io;

import org.apache.spark.sql.Dataset;

/** Where a lesson sends a query it wants to run but not keep. */
public final class Sinks {

  private Sinks() {}

  /**
   * Runs {@code ds} to the end without collecting rows or writing files: the {@code noop} sink
   * makes Spark compute every column of every row, where {@code count()} would let column pruning
   * skip work. The way to time or measure a query's full cost.
   */
  public static void runToNoop(Dataset<?> ds) {
    ds.write().format("noop").mode("overwrite").save();
  }
}
