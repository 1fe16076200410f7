package dev.advancedspark.part3.serialization;

import static org.apache.spark.sql.functions.col;

import dev.advancedspark.common.ExampleArgs;
import dev.advancedspark.common.Examples;
import dev.advancedspark.common.RunnableExample;
import dev.advancedspark.common.data.DataGenerators;
import dev.advancedspark.common.data.DataGenerators.OrdersSpec;
import dev.advancedspark.common.io.Sinks;
import dev.advancedspark.common.metrics.MetricsCollector;
import dev.advancedspark.common.metrics.RunMetrics;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.function.LongFunction;
import java.util.stream.LongStream;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.serializer.JavaSerializer;
import org.apache.spark.serializer.KryoSerializer;
import org.apache.spark.serializer.SerializationStream;
import org.apache.spark.serializer.Serializer;
import org.apache.spark.serializer.SerializerInstance;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import scala.reflect.ClassTag;
import scala.reflect.ClassTag$;

/**
 * What {@code spark.serializer} costs per record of a Java object: Java serialization, Kryo with
 * the class unregistered (Kryo then writes the full class name with every record), and Kryo with
 * the class registered (a small number instead). This is what shuffles of RDDs, cached {@code _SER}
 * RDDs and broadcast variables pay; DataFrame exchanges use Spark's own binary row format whatever
 * the setting.
 *
 * <p>What the numbers say for a flat object: registered Kryo is smallest; unregistered Kryo is
 * twice as big, the class name being most of each record; Java serialization writes a class
 * description once per stream (and again every {@code spark.serializer.objectStreamReset} = 100
 * records), so in a long stream it comes close to registered Kryo in bytes, while a record on its
 * own (a task result, a small broadcast) costs it almost four times as much. Java's other cost, CPU
 * time, is measured in the serialization benchmark, not here.
 *
 * <p>The failure mode and its fix: with {@code spark.kryo.registrationRequired=true} an
 * unregistered class fails at the first record with "Class is not registered: ...", naming the
 * class; register it with {@code SparkConf.registerKryoClasses} (or {@code
 * spark.kryo.classesToRegister}). Turning the check on in tests is how a team finds every class
 * that would otherwise silently carry its name.
 *
 * <pre>
 * bin/run-example SerializerSizeExample --records 1000
 * </pre>
 *
 * Expected output (measured): java 53.7 bytes/record in the stream (199 bytes alone), kryo
 * unregistered 93.8 (93), kryo registered 49.8 (49); then the registrationRequired failure, "Class
 * is not registered: dev.advancedspark.part3.serialization.Order", and the same write succeeding
 * once the class is registered. Last, the shuffle bytes of the same orders as a DataFrame and as an
 * RDD of objects under the session's {@code spark.serializer}: run it again with {@code --conf
 * spark.serializer=org.apache.spark.serializer.KryoSerializer --conf
 * spark.kryo.classesToRegister=dev.advancedspark.part3.serialization.Order} and only the RDD number
 * changes ({@code ShuffleSerializerIT} checks exactly that).
 */
@RunnableExample("Java vs Kryo (unregistered, registered) bytes per record; registrationRequired")
public final class SerializerSizeExample {

  static final ExampleArgs ARGS =
      ExampleArgs.forExample("SerializerSizeExample")
          .count("records", "1000", "records written to one serialization stream");

  private static final ClassTag<Object> ANY = ClassTag$.MODULE$.Any();

  /** Bytes per record with each serializer. */
  public record Sizes(double java, double kryoUnregistered, double kryoRegistered) {}

  private SerializerSizeExample() {}

  /** Spark's Java serializer (the default {@code spark.serializer}). */
  public static Serializer java(SparkConf base) {
    return new JavaSerializer(base.clone());
  }

  /** Kryo, with the given classes registered (none: Kryo writes class names). */
  public static Serializer kryo(SparkConf base, Class<?>... registered) {
    SparkConf conf = base.clone();
    if (registered.length > 0) {
      conf.registerKryoClasses(registered);
    }
    return new KryoSerializer(conf);
  }

  /**
   * Average serialized bytes per record over a stream of {@code n} records, the way a shuffle or a
   * cached block writes them (one stream, many records).
   */
  public static double bytesPerRecord(Serializer serializer, long n, LongFunction<?> record) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    SerializationStream out = serializer.newInstance().serializeStream(bytes);
    for (long i = 0; i < n; i++) {
      out.writeObject(record.apply(i), ANY);
    }
    out.close();
    return bytes.size() / (double) n;
  }

  /** The three serializers on {@code n} sample orders. */
  public static Sizes sizes(SparkConf base, long n) {
    return new Sizes(
        bytesPerRecord(java(base), n, Order::sample),
        bytesPerRecord(kryo(base), n, Order::sample),
        bytesPerRecord(kryo(base, Order.class), n, Order::sample));
  }

  /** One record serialized on its own, as a task result or a broadcast value would be. */
  public static int singleRecordBytes(Serializer serializer, Object record) {
    SerializerInstance instance = serializer.newInstance();
    ByteBuffer buffer = instance.serialize(record, ANY);
    return buffer.remaining();
  }

  /**
   * Shuffle bytes written when {@code n} orders as a DataFrame are repartitioned by customer:
   * Spark's own row format ({@code UnsafeRowSerializer}), whatever {@code spark.serializer} says.
   */
  public static long dataFrameShuffleBytes(SparkSession spark, long n) {
    Dataset<Row> orders = DataGenerators.orders(spark, OrdersSpec.of(n));
    return MetricsCollector.metricsOf(
            spark, () -> Sinks.runToNoop(orders.repartition(4, col("customer_id"))))
        .shuffleWriteBytes();
  }

  /**
   * Shuffle bytes written when an RDD of {@code n} {@link Order} objects is repartitioned: these go
   * through {@code spark.serializer}.
   */
  public static long rddShuffleBytes(SparkSession spark, long n) {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    List<Long> ids = LongStream.range(0, n).boxed().toList();
    JavaRDD<Order> orders = jsc.parallelize(ids, 2).map(Order::sample);
    return MetricsCollector.metricsOf(spark, () -> orders.repartition(4).count())
        .shuffleWriteBytes();
  }

  public static void main(String[] args) {
    Examples.run(
        args,
        ARGS,
        (spark, opts) -> {
          long n = opts.getLong("records");
          // A clean conf, not the session's: a --conf spark.kryo.classesToRegister=... given for
          // the shuffle line below would otherwise register the class in the "unregistered" case.
          SparkConf base = new SparkConf(false);
          Sizes s = sizes(base, n);
          Order one = Order.sample(1);
          System.out.printf("%,d records of %s%n", n, Order.class.getName());
          System.out.printf(
              "%-20s %8.1f bytes/record  (one record alone: %d bytes)%n",
              "java", s.java(), singleRecordBytes(java(base), one));
          System.out.printf(
              "%-20s %8.1f bytes/record  (one record alone: %d bytes)%n",
              "kryo, unregistered", s.kryoUnregistered(), singleRecordBytes(kryo(base), one));
          System.out.printf(
              "%-20s %8.1f bytes/record  (one record alone: %d bytes)%n",
              "kryo, registered",
              s.kryoRegistered(),
              singleRecordBytes(kryo(base, Order.class), one));

          SparkConf strict = base.clone().set("spark.kryo.registrationRequired", "true");
          try {
            singleRecordBytes(kryo(strict), one);
            System.out.println("registrationRequired, unregistered: no failure (unexpected)");
          } catch (IllegalArgumentException e) {
            System.out.println(
                "registrationRequired, unregistered: " + e.getMessage().lines().findFirst().get());
          }
          System.out.printf(
              "registrationRequired, registered:   %d bytes%n",
              singleRecordBytes(kryo(strict, Order.class), one));

          System.out.printf(
              "shuffle of %,d orders with spark.serializer=%s: DataFrame %s, RDD of objects %s%n",
              n,
              spark
                  .sparkContext()
                  .getConf()
                  .get("spark.serializer", JavaSerializer.class.getName()),
              RunMetrics.bytes(dataFrameShuffleBytes(spark, n)),
              RunMetrics.bytes(rddShuffleBytes(spark, n)));
        });
  }
}
