package dev.advancedspark.part3.broadcast;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;

import dev.advancedspark.common.ExampleArgs;
import dev.advancedspark.common.Examples;
import dev.advancedspark.common.RunnableExample;
import dev.advancedspark.common.data.DataGenerators;
import dev.advancedspark.common.data.DataGenerators.OrdersSpec;
import dev.advancedspark.common.data.Skew;
import dev.advancedspark.common.metrics.RunMetrics;
import dev.advancedspark.common.plan.Plans;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.spark.SparkEnv;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.exchange.BroadcastExchangeExec;
import org.apache.spark.storage.BroadcastBlockId;
import org.apache.spark.storage.memory.MemoryStore;

/**
 * A lookup table (customer id to segment) used by every task, three ways, and what each ships,
 * counted rather than timed:
 *
 * <ul>
 *   <li><b>captured in a closure</b>: the map is serialized into the stage's task binary, so it
 *       travels again with every stage (every job) that uses it, and every task deserializes its
 *       own copy: N tasks, N maps on the heap;
 *   <li><b>a broadcast variable</b>: the closure carries a handle of about a kilobyte; each
 *       executor fetches the value once (in 4 MiB pieces, {@code spark.broadcast.blockSize}) and
 *       all its tasks, in every job, share one deserialized copy;
 *   <li><b>a broadcast join</b>: the DataFrame way; Spark collects the small side to the driver,
 *       builds a hash relation and broadcasts it once per query. Its "data size" metric is the
 *       memory the relation took, in whole pages ({@code spark.buffer.pageSize}, up to 64 MiB), so
 *       even 100 rows report a page; what travels is the serialized rows.
 * </ul>
 *
 * Then the life cycle: {@code unpersist()} drops the executors' copies (the driver keeps its own,
 * the next use fetches it again), {@code destroy()} drops the driver's copy too (asynchronously: it
 * returns before the blocks are gone), and any later use fails at once with "Attempted to use
 * Broadcast(n) after it was destroyed". And the driver-memory cost of a broadcast: the deserialized
 * value plus its serialized pieces, both in the driver's block manager until destroyed.
 *
 * <pre>
 * bin/run-example BroadcastVariablesExample --lookup 200k --rows 1M
 * </pre>
 *
 * Expected output: the closure about the size of the serialized map, the broadcast handle a few
 * kilobyte; the captured map deserialized once per task (8 copies for 8 tasks over two jobs), the
 * broadcast value once; the join's broadcast data size; the driver's cost; the error after {@code
 * destroy}.
 */
@RunnableExample(
    "Broadcast variables: closure vs broadcast vs broadcast join, unpersist vs destroy")
public final class BroadcastVariablesExample {

  static final ExampleArgs ARGS =
      ExampleArgs.forExample("BroadcastVariablesExample")
          .option("lookup", "200000", "entries in the lookup map (customer id -> segment)")
          .count("rows", "1000000", "orders looked up")
          .count("partitions", "4", "partitions (tasks) of the orders");

  /**
   * What one way of shipping the lookup cost.
   *
   * @param closureBytes bytes of the function as the closure serializer (Java serialization) writes
   *     it into the task binary
   * @param tasks tasks that ran, over all jobs
   * @param copiesOnHeap distinct lookup-map objects the tasks saw: one per task when the map
   *     travels in the closure, one per executor when it is broadcast
   * @param matched rows whose customer was found in the lookup
   */
  public record Shipping(long closureBytes, int tasks, int copiesOnHeap, long matched) {}

  /**
   * What a broadcast variable holds on the driver.
   *
   * @param valueBytes the deserialized value, as the block manager's size estimate
   * @param pieceBytes its serialized (and compressed) pieces, which executors fetch
   * @param pieces the number of pieces
   */
  public record DriverCost(long valueBytes, long pieceBytes, int pieces) {}

  private static final String[] SEGMENT_NAMES = {
    "consumer", "small-business", "enterprise", "public-sector", "education"
  };

  private BroadcastVariablesExample() {}

  /** The lookup table, built on the driver: ids 1..n to a segment name. */
  public static Map<Long, String> segments(int n) {
    String[] names = SEGMENT_NAMES;
    Map<Long, String> m = new HashMap<>(n * 2);
    for (long id = 1; id <= n; id++) {
      m.put(id, names[(int) (id % names.length)] + "-" + id);
    }
    return m;
  }

  // tag::closure-vs-broadcast[]
  /** The map is a field of the function: it is serialized with the closure, for every stage. */
  static final class CapturedLookup implements FlatMapFunction<Iterator<Long>, long[]> {
    private final Map<Long, String> lookup;

    CapturedLookup(Map<Long, String> lookup) {
      this.lookup = lookup;
    }

    @Override
    public Iterator<long[]> call(Iterator<Long> ids) {
      return List.of(lookUp(ids, lookup)).iterator();
    }
  }

  /** Only the handle is in the closure; {@code value()} returns the executor's one copy. */
  static final class BroadcastLookup implements FlatMapFunction<Iterator<Long>, long[]> {
    private final Broadcast<Map<Long, String>> lookup;

    BroadcastLookup(Broadcast<Map<Long, String>> lookup) {
      this.lookup = lookup;
    }

    @Override
    public Iterator<long[]> call(Iterator<Long> ids) {
      return List.of(lookUp(ids, lookup.value())).iterator();
    }
  }

  // end::closure-vs-broadcast[]

  /** Per partition: which map object this task used (its identity) and how many ids it found. */
  private static long[] lookUp(Iterator<Long> ids, Map<Long, String> lookup) {
    long found = 0;
    while (ids.hasNext()) {
      if (lookup.get(ids.next()) != null) {
        found++;
      }
    }
    return new long[] {System.identityHashCode(lookup), found};
  }

  /** The orders' customer ids as an RDD of {@code partitions} partitions. */
  public static JavaRDD<Long> customerIds(Dataset<Row> orders, int partitions) {
    return orders
        .select(col("customer_id"))
        .as(Encoders.LONG())
        .javaRDD()
        .repartition(partitions)
        .cache();
  }

  /** Runs {@code jobs} jobs with the map captured in the closure. */
  public static Shipping captured(JavaRDD<Long> ids, Map<Long, String> lookup, int jobs) {
    return ship(ids, new CapturedLookup(lookup), jobs);
  }

  /** Runs {@code jobs} jobs with the map broadcast once. */
  public static Shipping broadcastVariable(
      JavaRDD<Long> ids, Broadcast<Map<Long, String>> lookup, int jobs) {
    return ship(ids, new BroadcastLookup(lookup), jobs);
  }

  private static Shipping ship(
      JavaRDD<Long> ids, FlatMapFunction<Iterator<Long>, long[]> f, int jobs) {
    List<long[]> perTask = new ArrayList<>();
    for (int j = 0; j < jobs; j++) {
      perTask.addAll(ids.mapPartitions(f).collect());
    }
    long copies = perTask.stream().mapToLong(t -> t[0]).distinct().count();
    long matched = perTask.stream().mapToLong(t -> t[1]).sum() / jobs;
    return new Shipping(serializedSize(f), perTask.size(), (int) copies, matched);
  }

  /** Bytes of {@code o} in Java serialization, the format of Spark's closure serializer. */
  public static long serializedSize(Object o) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(o);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.size();
  }

  // tag::broadcast-join[]
  /** The DataFrame way: the lookup is a table, the join is hinted to broadcast it. */
  public static Dataset<Row> joinWithSegments(Dataset<Row> orders, Dataset<Row> segments) {
    return orders.join(broadcast(segments), "customer_id");
  }

  // end::broadcast-join[]

  /** The table of {@link #segments(int)}: the same ids and names, generated by the executors. */
  public static Dataset<Row> segmentsTable(SparkSession spark, int n) {
    org.apache.spark.sql.Column names =
        org.apache.spark.sql.functions.array(
            java.util.Arrays.stream(SEGMENT_NAMES)
                .map(org.apache.spark.sql.functions::lit)
                .toArray(org.apache.spark.sql.Column[]::new));
    return spark
        .range(1, n + 1)
        .select(
            col("id").as("customer_id"),
            org.apache
                .spark
                .sql
                .functions
                .concat(
                    org.apache.spark.sql.functions.element_at(
                        names,
                        org.apache
                            .spark
                            .sql
                            .functions
                            .pmod(
                                col("id"), org.apache.spark.sql.functions.lit(SEGMENT_NAMES.length))
                            .plus(1)
                            .cast("int")),
                    org.apache.spark.sql.functions.lit("-"),
                    col("id"))
                .as("segment"));
  }

  /** The bytes the broadcast exchanges of an executed plan built (their "data size" metric). */
  public static long broadcastDataSize(SparkPlan plan) {
    return Plans.find(plan, BroadcastExchangeExec.class).stream()
        .mapToLong(b -> (Long) b.metrics().apply("dataSize").value())
        .sum();
  }

  /** What broadcast variable {@code b} occupies in this JVM's (the driver's) block manager. */
  public static DriverCost driverCost(Broadcast<?> b) {
    MemoryStore store = SparkEnv.get().blockManager().memoryStore();
    BroadcastBlockId valueId = new BroadcastBlockId(b.id(), "");
    long value = store.contains(valueId) ? store.getSize(valueId) : 0;
    long pieceBytes = 0;
    int pieces = 0;
    for (BroadcastBlockId piece = new BroadcastBlockId(b.id(), "piece0");
        store.contains(piece);
        piece = new BroadcastBlockId(b.id(), "piece" + (pieces))) {
      pieceBytes += store.getSize(piece);
      pieces++;
    }
    return new DriverCost(value, pieceBytes, pieces);
  }

  public static void main(String[] args) {
    Examples.run(
        args,
        ARGS,
        "BroadcastVariablesExample",
        (spark, opts) -> {
          int partitions = opts.getPositiveInt("partitions");
          Map<Long, String> lookup = segments(opts.getPositiveInt("lookup"));
          Dataset<Row> orders =
              DataGenerators.orders(
                  spark,
                  new OrdersSpec(
                      opts.getPositiveLong("rows"),
                      lookup.size(),
                      100,
                      Skew.parse("uniform"),
                      0,
                      42));
          JavaRDD<Long> ids = customerIds(orders, partitions);
          JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());

          Shipping captured = captured(ids, lookup, 2);
          Broadcast<Map<Long, String>> b = jsc.broadcast(lookup);
          Shipping broadcast = broadcastVariable(ids, b, 2);
          System.out.printf("lookup: %,d entries, rows: %,d, 2 jobs%n", lookup.size(), ids.count());
          print("captured in the closure", captured);
          print("broadcast variable     ", broadcast);

          Dataset<Row> joined = joinWithSegments(orders, segmentsTable(spark, lookup.size()));
          joined.write().format("noop").mode("overwrite").save();
          System.out.printf(
              "broadcast join: data size %s (the hash relation's memory, whole pages), built and"
                  + " broadcast once for the query%n",
              RunMetrics.bytes(broadcastDataSize(Plans.finalPlan(joined))));

          DriverCost cost = driverCost(b);
          System.out.printf(
              "on the driver: value %s + %d serialized pieces %s%n",
              RunMetrics.bytes(cost.valueBytes()),
              cost.pieces(),
              RunMetrics.bytes(cost.pieceBytes()));
          b.unpersist(true);
          System.out.printf(
              "after unpersist(): still usable (%,d rows matched), driver keeps %s%n",
              broadcastVariable(ids, b, 1).matched(), RunMetrics.bytes(driverCost(b).valueBytes()));
          b.destroy();
          System.out.println("after destroy(), using it: " + useAfterDestroy(b));
        });
  }

  /** The message a use after {@code destroy()} fails with. */
  public static String useAfterDestroy(Broadcast<?> b) {
    try {
      b.value();
      return "no error";
    } catch (Exception e) {
      return e.getMessage();
    }
  }

  private static void print(String how, Shipping s) {
    System.out.printf(
        "%s closure %s, %d tasks saw %d map object(s), %,d rows matched%n",
        how, RunMetrics.bytes(s.closureBytes()), s.tasks(), s.copiesOnHeap(), s.matched());
  }
}
