package dev.advancedspark.part5.streaming;

import dev.advancedspark.common.ExampleArgs;
import dev.advancedspark.common.SparkSessions;
import dev.advancedspark.part5.delta.DeltaLake;
import dev.advancedspark.part5.streaming.ExactlyOnceKafkaToDelta.Mode;
import dev.advancedspark.part5.streaming.ExactlyOnceKafkaToDelta.Pipeline;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.Trigger;

/**
 * A restart of {@link ExactlyOnceKafkaToDelta}'s driver for {@link ExactlyOnceKillIT}, started
 * while the previous driver still runs: it starts the example's session, reads the topic once with
 * a streaming query of its own (checkpoint in the scratch folder, noop sink) and writes one batch
 * with the example's own {@code writeBatch} to a scratch table (a JVM's first streaming query,
 * Kafka read, Delta append and MERGE cost seconds each), prints {@code warm}, and waits for {@code
 * go} on standard input. Only then, after the previous driver was killed, does it run the example's
 * {@code main}, which opens the pipeline's checkpoint and tables. Arguments: the scratch folder,
 * then the example's.
 */
public final class WarmRestartDriver {

  private WarmRestartDriver() {}

  public static void main(String[] args) throws Exception {
    Path scratch = Path.of(args[0]);
    String[] exampleArgs = Arrays.copyOfRange(args, 1, args.length);
    // the session main() would start, so that main's getOrCreate finds it
    ExampleArgs.Parsed opts =
        ExactlyOnceKafkaToDelta.ARGS.parse(DeltaLake.withDeltaConf(exampleArgs));
    SparkSession spark = SparkSessions.forExample(opts.sessionSettings("ExactlyOnceKafkaToDelta"));
    Pipeline warm =
        new Pipeline(
            opts.get("bootstrap"),
            opts.get("topic"),
            scratch,
            scratch.resolve("checkpoint"),
            "warm",
            Mode.IDEMPOTENT,
            1_000_000);
    // the streaming engine and the Kafka source: the topic read once, with a checkpoint of its own,
    // into the noop sink (the pipeline's checkpoint and tables are not touched)
    StreamingQuery read =
        ExactlyOnceKafkaToDelta.source(spark, warm)
            .writeStream()
            .format("noop")
            .option("checkpointLocation", warm.checkpoint().toAbsolutePath().toString())
            .trigger(Trigger.AvailableNow())
            .start();
    if (!read.awaitTermination(Duration.ofMinutes(8).toMillis())) {
      throw new IllegalStateException("The warm-up read of the topic did not finish in 8 minutes");
    }
    ExactlyOnceKafkaToDelta.createTables(spark, warm);
    Dataset<Row> batch =
        spark
            .range(10)
            .selectExpr(
                "format_string('w-%07d', id) AS event_id",
                "concat('u', id % 3) AS user",
                "100L AS amount_cents",
                "current_timestamp() AS event_time",
                "0 AS partition",
                "id AS offset");
    ExactlyOnceKafkaToDelta.writeBatch(batch, 0, warm, ExactlyOnceKafkaToDelta.AfterWrite.NONE);
    System.out.println("warm");
    System.out.flush();
    String line =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
    if (!"go".equals(line)) {
      throw new IllegalStateException("expected 'go' on stdin, got " + line);
    }
    ExactlyOnceKafkaToDelta.main(exampleArgs);
  }
}
