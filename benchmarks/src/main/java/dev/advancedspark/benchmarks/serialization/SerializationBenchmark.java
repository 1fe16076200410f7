package dev.advancedspark.benchmarks.serialization;

import dev.advancedspark.benchmarks.SparkBenchmark;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.HashPartitioner;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.serializer.JavaSerializer;
import org.apache.spark.serializer.KryoSerializer;
import org.apache.spark.serializer.Serializer;
import org.apache.spark.sql.SparkSession;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import scala.Tuple2;

/**
 * Measures a shuffle of Java objects ({@link Trade}, keyed by account) with Java serialization and
 * with Kryo. {@code spark.serializer} is read when the SparkContext starts, so each variant builds
 * its own session in trial set-up (each trial runs in its own fork). Kryo runs with {@code
 * spark.kryo.registrationRequired=true} and {@link Trade} registered, so an unregistered class
 * fails loudly instead of silently writing full class names.
 *
 * <p>The objects are cached deserialized ({@code MEMORY_ONLY}, which does not use the serializer)
 * and materialized in set-up; set-up checks that the running SparkEnv uses the named serializer.
 * DataFrame shuffles are not affected by this setting (they use Spark's {@code
 * UnsafeRowSerializer}): only RDDs of objects and serialized caches are.
 */
@State(Scope.Benchmark)
public class SerializationBenchmark extends SparkBenchmark {

  static final int PARTITIONS = 8;
  private static final String[] SYMBOLS = {"AAPL", "MSFT", "GOOG", "AMZN", "NVDA", "META", "TSLA"};

  @Param({"java", "kryo"})
  public String serializer;

  @Param({"2000000"})
  public long rows;

  private JavaPairRDD<Integer, Trade> trades;

  @Setup
  public void setUp() {
    startSpark("SerializationBenchmark", conf(serializer));
    Serializer running = spark.sparkContext().env().serializer();
    Class<?> expected = serializer.equals("kryo") ? KryoSerializer.class : JavaSerializer.class;
    if (!expected.isInstance(running)) {
      throw wrongVariant(expected.getSimpleName(), running.getClass().getSimpleName());
    }
    trades = trades(spark, rows).cache();
    trades.count();
    // With registrationRequired, an unregistered class fails here, not in the first iteration.
    shuffle(trades).count();
  }

  @Benchmark
  public long shuffleObjects() {
    return shuffle(trades).count();
  }

  /** Start-time settings of the session: the serializer, and for Kryo the registered classes. */
  public static Map<String, String> conf(String serializer) {
    Map<String, String> conf = new LinkedHashMap<>();
    // tag::kryo-conf[]
    switch (serializer) {
      case "java" -> conf.put("spark.serializer", JavaSerializer.class.getName());
      case "kryo" -> {
        conf.put("spark.serializer", KryoSerializer.class.getName());
        conf.put("spark.kryo.registrationRequired", "true");
        conf.put("spark.kryo.classesToRegister", Trade.class.getName());
      }
      default -> throw new IllegalArgumentException("serializer must be java or kryo");
    }
    // end::kryo-conf[]
    return conf;
  }

  public static JavaPairRDD<Integer, Trade> trades(SparkSession spark, long rows) {
    return spark
        .range(0, rows, 1, PARTITIONS)
        .toJavaRDD()
        .mapToPair(
            i -> {
              long h = i * 0x9E3779B97F4A7C15L;
              Trade t =
                  new Trade(
                      i,
                      (int) Math.floorMod(h, 10_000L),
                      SYMBOLS[(int) Math.floorMod(h >>> 17, (long) SYMBOLS.length)],
                      Math.floorMod(h >>> 7, 100_000L) / 100.0,
                      1 + (int) Math.floorMod(h >>> 29, 100L),
                      1_767_225_600_000L + Math.floorMod(h >>> 3, 86_400_000L));
              return new Tuple2<>(t.account, t);
            });
  }

  /** Every object crosses the shuffle: serialized by the map task, read back by the reducer. */
  public static JavaPairRDD<Integer, Trade> shuffle(JavaPairRDD<Integer, Trade> trades) {
    return trades.partitionBy(new HashPartitioner(PARTITIONS));
  }
}
