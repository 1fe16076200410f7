package dev.advancedspark.part5.streaming;

import dev.advancedspark.common.UsageException;
import java.nio.file.Path;
import java.util.Set;
import org.apache.spark.SparkThrowable;
import org.apache.spark.sql.streaming.StreamingQuery;

/**
 * A checkpoint belongs to one query. Restarting a <b>different</b> query on it (another stateful
 * operator, another state schema) is refused by Spark when it plans the first batch, with one of
 * the error conditions below, deep inside a {@code StreamingQueryException}. This turns them into
 * one line that names the checkpoint and the fix. Spark refuses before it commits anything: the
 * checkpoint's commit log and the sink are as the first query left them.
 */
public final class CheckpointGuard {

  /** Spark's conditions for "this checkpoint's state was written by another query". */
  public static final Set<String> OTHER_QUERY =
      Set.of(
          "STREAMING_STATEFUL_OPERATOR_NOT_MATCH_IN_STATE_METADATA",
          "STATE_STORE_KEY_SCHEMA_NOT_COMPATIBLE",
          "STATE_STORE_VALUE_SCHEMA_NOT_COMPATIBLE",
          "STREAMING_STATEFUL_OPERATOR_MISSING_STATE_DIRECTORY");

  private CheckpointGuard() {}

  // tag::checkpoint-guard[]
  /**
   * {@code query.processAllAvailable()}; if Spark refuses the checkpoint as another query's, a
   * {@link UsageException} naming it (the example exits with status 2 and one line).
   */
  public static void processAllAvailable(StreamingQuery query, Path checkpoint) {
    try {
      query.processAllAvailable();
    } catch (Exception e) { // StreamingQueryException is checked, thrown undeclared
      String condition = otherQueryCondition(e);
      if (condition == null) {
        throw e;
      }
      throw UsageException.problem(
          "The checkpoint "
              + checkpoint.toAbsolutePath()
              + " was written by a different query (Spark: "
              + condition
              + "). Give this query its own checkpoint folder; nothing was committed.");
    }
  }

  // end::checkpoint-guard[]

  /** The first of {@link #OTHER_QUERY} in {@code e}'s causes, or null. */
  static String otherQueryCondition(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof SparkThrowable st && OTHER_QUERY.contains(st.getCondition())) {
        return st.getCondition();
      }
    }
    return null;
  }
}
