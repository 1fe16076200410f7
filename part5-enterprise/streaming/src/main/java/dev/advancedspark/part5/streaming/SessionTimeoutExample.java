package dev.advancedspark.part5.streaming;

import dev.advancedspark.common.ExampleArgs;
import dev.advancedspark.common.Examples;
import dev.advancedspark.common.RunnableExample;
import dev.advancedspark.common.SqlConfs;
import dev.advancedspark.part5.delta.DeltaLake;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.ExpiredTimerInfo;
import org.apache.spark.sql.streaming.OutputMode;
import org.apache.spark.sql.streaming.StatefulProcessor;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.TTLConfig;
import org.apache.spark.sql.streaming.TimeMode;
import org.apache.spark.sql.streaming.TimerValues;
import org.apache.spark.sql.streaming.ValueState;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import scala.collection.Iterator;
import scala.jdk.javaapi.CollectionConverters;

/**
 * {@code transformWithState} from Java (Spark 4): a per-user session closed by an event-time timer.
 * Each user's state is three values (session start, last event, events so far); every event moves
 * the user's timer to {@code last event + gap}. When the watermark passes the timer, Spark calls
 * {@code handleExpiredTimer}: the session is emitted as {@code closed} and its state cleared. No
 * wall clock is involved: time moves only when later events move the watermark, so a replay gives
 * the same sessions. (TTL, the other way state expires, counts processing time and is refused in
 * this time mode: see {@link StateTtlExample}.) A simplification: a gap between events that arrive
 * before the timer fired (in one batch, or before the watermark caught up) does not split the
 * session; to split them, sort a key's new events and close the session at each gap.
 *
 * <p>The operator needs the RocksDB state store provider; on the default (HDFS-backed) one the
 * query fails with {@code STORE_BACKEND_NOT_SUPPORTED_FOR_TWS}. The state is read back with the
 * state data source, one state variable at a time ({@code option("stateVarName", ...)}).
 *
 * <pre>
 * bin/run-example SessionTimeoutExample
 * </pre>
 *
 * Expected output: nothing after batch 1 (the watermark is at 10:02, the timers at 10:10 and
 * 10:12); batch 2 (user c at 10:30 moves the watermark) closes the sessions of a and b; batch 3 (a
 * at 11:00 to 11:02) starts a new session for a and moves the watermark past c's timer. Then the
 * open sessions read from the state store: a, with 3 events.
 */
@RunnableExample("transformWithState from Java: sessions closed by an event-time timer")
public final class SessionTimeoutExample {

  /** The input: one JSON object per line. */
  public static final StructType EVENT_SCHEMA =
      new StructType()
          .add("user", DataTypes.StringType, false)
          .add("event_time", DataTypes.TimestampType, false);

  /** The output: a closed session. */
  public static final StructType OUTPUT_SCHEMA =
      new StructType()
          .add("user", DataTypes.StringType)
          .add("kind", DataTypes.StringType)
          .add("events", DataTypes.LongType)
          .add("session_start", DataTypes.TimestampType)
          .add("session_end", DataTypes.TimestampType);

  /** The RocksDB provider, which transformWithState requires. */
  public static final String ROCKSDB = StateGrowthExample.ROCKSDB;

  static final ExampleArgs ARGS =
      ExampleArgs.forExample("SessionTimeoutExample")
          .count("gap-minutes", "10", "a session ends this long after its last event")
          .option("dir", "target/part5/sessions", "folder for input, table, checkpoint (cleared)")
          .option(
              "checkpoint",
              "in-dir",
              "the query's checkpoint: by default <dir>/checkpoint; another folder is used as it is");

  private SessionTimeoutExample() {}

  // tag::processor[]
  /** Sessions per user: a timer at last event + gap (event time) closes them. */
  public static final class Sessions extends StatefulProcessor<String, Row, Row> {
    private static final long serialVersionUID = 1L;
    private final long gapMs;
    private transient ValueState<Long> start;
    private transient ValueState<Long> last;
    private transient ValueState<Long> events;

    public Sessions(Duration gap) {
      this.gapMs = gap.toMillis();
    }

    @Override
    public void init(OutputMode outputMode, TimeMode timeMode) {
      start = getHandle().getValueState("start", Encoders.LONG(), TTLConfig.NONE());
      last = getHandle().getValueState("last", Encoders.LONG(), TTLConfig.NONE());
      events = getHandle().getValueState("events", Encoders.LONG(), TTLConfig.NONE());
    }

    @Override
    public Iterator<Row> handleInputRows(String user, Iterator<Row> rows, TimerValues timers) {
      long n = events.exists() ? events.get() : 0;
      long first = start.exists() ? start.get() : Long.MAX_VALUE;
      long previousLast = last.exists() ? last.get() : Long.MIN_VALUE;
      long newLast = previousLast;
      while (rows.hasNext()) {
        long t = rows.next().<Timestamp>getAs("event_time").getTime();
        first = Math.min(first, t);
        newLast = Math.max(newLast, t);
        n++;
      }
      if (newLast != previousLast) {
        if (previousLast != Long.MIN_VALUE) {
          getHandle().deleteTimer(previousLast + gapMs);
        }
        getHandle().registerTimer(newLast + gapMs); // event time: fires when watermark passes
      }
      start.update(first);
      last.update(newLast);
      events.update(n);
      return CollectionConverters.asScala(java.util.Collections.emptyIterator());
    }

    @Override
    public Iterator<Row> handleExpiredTimer(
        String user, TimerValues timers, ExpiredTimerInfo expired) {
      Row closed =
          RowFactory.create(
              user, "closed", events.get(), new Timestamp(start.get()), new Timestamp(last.get()));
      start.clear();
      last.clear();
      events.clear();
      return CollectionConverters.asScala(List.of(closed).iterator());
    }
  }

  /** Events per user through {@link Sessions}, timers on event time (watermark delay 0). */
  public static Dataset<Row> sessions(Dataset<Row> events, Duration gap) {
    return events
        .withWatermark("event_time", "0 seconds")
        .groupByKey((MapFunction<Row, String>) r -> r.getAs("user"), Encoders.STRING())
        .transformWithState(
            new Sessions(gap),
            TimeMode.EventTime(),
            OutputMode.Append(),
            Encoders.row(OUTPUT_SCHEMA));
  }

  // end::processor[]

  /**
   * Starts the session query: JSON files in {@code input} to the Delta table {@code table}, on
   * {@code stateStoreProvider} (a session setting read when the query starts, then kept in its
   * checkpoint).
   */
  public static StreamingQuery start(
      SparkSession spark,
      Path input,
      String table,
      Path checkpoint,
      String stateStoreProvider,
      Duration gap) {
    Dataset<Row> events = spark.readStream().schema(EVENT_SCHEMA).json(input.toString());
    return SqlConfs.with(
        spark,
        Map.of("spark.sql.streaming.stateStore.providerClass", stateStoreProvider),
        () ->
            sessions(events, gap)
                .writeStream()
                .format("delta")
                .outputMode("append")
                .option("checkpointLocation", checkpoint.toAbsolutePath().toString())
                .start(table));
  }

  /**
   * Adds a batch of events ("user@HH:mm" on 2026-01-01 UTC) as one new JSON file: written next to
   * the folder, then moved in, so the source never sees half a file.
   */
  public static void addEvents(Path input, String name, String... events) {
    StringBuilder json = new StringBuilder();
    for (String e : events) {
      String[] parts = e.split("@");
      json.append("{\"user\":\"")
          .append(parts[0])
          .append("\",\"event_time\":\"2026-01-01T")
          .append(parts[1])
          .append(":00Z\"}\n");
    }
    try {
      Files.createDirectories(input);
      Path tmp = input.resolveSibling(input.getFileName() + "-" + name + ".tmp");
      Files.writeString(tmp, json, StandardCharsets.UTF_8);
      Files.move(tmp, input.resolve(name + ".json"), StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot add events to " + input, e);
    }
  }

  // tag::read-state[]
  /** One state variable of the query's transformWithState operator, via the state data source. */
  public static Dataset<Row> readState(SparkSession spark, Path checkpoint, String variable) {
    return spark
        .read()
        .format("statestore")
        .option("stateVarName", variable)
        .load(checkpoint.toAbsolutePath().toString());
  }

  // end::read-state[]

  /** Epoch milliseconds of "HH:mm" on 2026-01-01 UTC. */
  public static long at(String hhmm) {
    return Instant.parse("2026-01-01T" + hhmm + ":00Z").toEpochMilli();
  }

  public static void main(String[] args) {
    Examples.run(
        DeltaLake.withDeltaConf(args),
        ARGS,
        "SessionTimeoutExample",
        (spark, opts) -> {
          Path dir = Path.of(opts.get("dir")).toAbsolutePath();
          OutputDirs.clear(dir);
          Path input = dir.resolve("input");
          String table = dir.resolve("sessions").toString();
          Path checkpoint =
              opts.get("checkpoint").equals("in-dir")
                  ? dir.resolve("checkpoint")
                  : Path.of(opts.get("checkpoint")).toAbsolutePath();
          addEvents(input, "batch-1", "a@10:00", "a@10:01", "a@10:02", "b@10:00");
          try {
            StreamingQuery q =
                start(
                    spark,
                    input,
                    table,
                    checkpoint,
                    ROCKSDB,
                    Duration.ofMinutes(opts.getPositiveLong("gap-minutes")));
            try {
              CheckpointGuard.processAllAvailable(q, checkpoint);
              System.out.println("batch 1: a@10:00 a@10:01 a@10:02 b@10:00");
              show(spark, table);
              addEvents(input, "batch-2", "c@10:30");
              CheckpointGuard.processAllAvailable(q, checkpoint);
              System.out.println("batch 2: c@10:30 (the watermark moves to 10:30)");
              show(spark, table);
              addEvents(input, "batch-3", "a@11:00", "a@11:01", "a@11:02");
              CheckpointGuard.processAllAvailable(q, checkpoint);
              System.out.println("batch 3: a@11:00 a@11:01 a@11:02 (a new session for a)");
              show(spark, table);
            } finally {
              q.stop();
            }
          } catch (TimeoutException e) {
            throw new IllegalStateException("The query did not stop in time", e);
          }
          System.out.println("state variable 'events' (the open sessions):");
          readState(spark, checkpoint, "events").select("key", "value").show(false);
        });
  }

  private static void show(SparkSession spark, String table) {
    spark.read().format("delta").load(table).orderBy("session_end", "user", "kind").show(false);
  }
}
