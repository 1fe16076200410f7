package dev.advancedspark.part5.delta;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The two settings that make a session speak Delta SQL ({@code MERGE}, {@code RESTORE}, {@code
 * OPTIMIZE}, {@code VACUUM}, the {@code DeltaCatalog}) plus one that halves the first write's cost
 * on small tables. They are static settings: they must be on the session before it starts.
 */
public final class DeltaLake {

  /** The session settings Delta needs (and one for small tables). */
  public static final Map<String, String> SESSION_CONF = sessionConf();

  private DeltaLake() {}

  private static Map<String, String> sessionConf() {
    Map<String, String> conf = new LinkedHashMap<>();
    conf.put("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension");
    conf.put("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog");
    // A table of a few files does not need 50 partitions to build its snapshot.
    conf.put("spark.databricks.delta.snapshotPartitions", "1");
    return Map.copyOf(conf);
  }

  /** {@code args} plus {@code --conf k=v} for each Delta setting the reader did not set. */
  public static String[] withDeltaConf(String[] args) {
    String[] out = Arrays.copyOf(args, args.length);
    for (Map.Entry<String, String> e : SESSION_CONF.entrySet()) {
      boolean set = Arrays.stream(args).anyMatch(a -> a.startsWith(e.getKey() + "="));
      if (!set) {
        out = Arrays.copyOf(out, out.length + 2);
        out[out.length - 2] = "--conf";
        out[out.length - 1] = e.getKey() + "=" + e.getValue();
      }
    }
    return out;
  }
}
