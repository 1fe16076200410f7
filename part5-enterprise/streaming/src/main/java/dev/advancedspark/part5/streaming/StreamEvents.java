package dev.advancedspark.part5.streaming;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.from_json;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The events of Part 5's streams: small JSON documents keyed by {@code event_id}, deterministic for
 * a given index, so a test knows exactly what the input was.
 *
 * <pre>{"event_id":"e-0000042","user":"u42","amount_cents":4250,"ts":"2026-01-01T00:00:42Z"}</pre>
 */
public final class StreamEvents {

  /** Event time of event 0; event {@code i} happens {@code i} seconds later. */
  public static final Instant EPOCH = Instant.parse("2026-01-01T00:00:00Z");

  public static final int USERS = 50;

  /**
   * The JSON schema. {@code ts} is read as a string and parsed in a second step, so that a missing
   * and an unparsable timestamp can be told apart and counted.
   */
  public static final StructType SCHEMA =
      new StructType()
          .add("event_id", DataTypes.StringType)
          .add("user", DataTypes.StringType)
          .add("amount_cents", DataTypes.LongType)
          .add("ts", DataTypes.StringType);

  private StreamEvents() {}

  public static String eventId(long i) {
    return String.format("e-%07d", i);
  }

  /** Event {@code i} as JSON, at event time {@code EPOCH + i s}. */
  public static String json(long i) {
    return json(i, EPOCH.plusSeconds(i));
  }

  /** Event {@code i} as JSON at a given event time (for late events). */
  public static String json(long i, Instant eventTime) {
    return String.format(
        "{\"event_id\":\"%s\",\"user\":\"u%d\",\"amount_cents\":%d,\"ts\":\"%s\"}",
        eventId(i), i % USERS, amountCents(i), eventTime);
  }

  public static long amountCents(long i) {
    return (i % 100) * 100 + 50;
  }

  /** Events {@code from} (inclusive) to {@code to} (exclusive) as Kafka (key, value) records. */
  public static List<Map.Entry<String, String>> records(long from, long to) {
    List<Map.Entry<String, String>> out = new ArrayList<>();
    for (long i = from; i < to; i++) {
      out.add(Map.entry(eventId(i), json(i)));
    }
    return out;
  }

  // tag::parse-events[]
  /**
   * Kafka rows to events: the JSON value parsed with {@link #SCHEMA}, the timestamp parsed with
   * {@code try_to_timestamp} (null instead of an error), and a {@code problem} column that is null
   * for a good event and names the reason otherwise. Nothing is dropped here: the caller splits on
   * {@code problem} and counts both sides.
   */
  public static Dataset<Row> parse(Dataset<Row> kafkaRows) {
    Column parsed = from_json(col("value").cast("string"), SCHEMA, Map.of("mode", "PERMISSIVE"));
    Column eventTime = functions.try_to_timestamp(col("e.ts"));
    Column problem =
        when(col("e.event_id").isNull(), lit("malformed_json"))
            .when(col("e.ts").isNull(), lit("missing_timestamp"))
            .when(eventTime.isNull(), lit("unparsable_timestamp"));
    return kafkaRows
        .withColumn("e", parsed)
        .select(
            col("e.event_id").as("event_id"),
            col("e.user").as("user"),
            col("e.amount_cents").as("amount_cents"),
            eventTime.as("event_time"),
            problem.as("problem"),
            col("value").cast("string").as("raw"),
            col("partition"),
            col("offset"),
            col("timestamp").as("kafka_time"));
  }
  // end::parse-events[]
}
