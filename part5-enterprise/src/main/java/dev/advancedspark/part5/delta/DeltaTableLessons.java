package dev.advancedspark.part5.delta;

import dev.advancedspark.common.plan.Plans;
import io.delta.tables.DeltaTable;
import java.util.HashMap;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import scala.jdk.javaapi.CollectionConverters;

/** Small helpers the Delta examples share: a table's figures from its log and its plans. */
public final class DeltaTableLessons {

  private DeltaTableLessons() {}

  /** {@code DESCRIBE DETAIL}: the number of data files in the current version. */
  public static long fileCount(SparkSession spark, String path) {
    return spark.sql("DESCRIBE DETAIL delta.`" + path + "`").first().getAs("numFiles");
  }

  /** The latest version of the table. */
  public static long version(SparkSession spark, String path) {
    return DeltaTable.forPath(spark, path).history(1).first().getAs("version");
  }

  /** The operation name and metrics of the latest commit (from {@code DESCRIBE HISTORY}). */
  public static Map<String, String> lastOperationMetrics(SparkSession spark, String path) {
    Row last = DeltaTable.forPath(spark, path).history(1).first();
    Map<String, String> out =
        new HashMap<>(
            CollectionConverters.asJava(
                last.<scala.collection.Map<String, String>>getAs("operationMetrics")));
    out.put("operation", last.getAs("operation"));
    return out;
  }

  /** Runs {@code query} once and returns the files its scans read ("number of files read"). */
  public static long filesRead(Dataset<Row> query) {
    return Plans.fileScans(Plans.finalPlan(query)).stream()
        .mapToLong(s -> s.metrics().get("numFiles").map(m -> m.value()).getOrElse(() -> 0L))
        .sum();
  }
}
