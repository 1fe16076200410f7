package dev.advancedspark.part3.monitoring;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeoutException;
import org.apache.spark.SparkContext;
import org.apache.spark.SparkFirehoseListener;
import org.apache.spark.scheduler.SparkListenerEvent;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.JsonProtocol;

/**
 * Records every listener event of a block of work as the JSON line an event log would hold, so the
 * {@link SparkDoctor} judges a live run and a production event log with the same parser.
 *
 * <p>{@code JsonProtocol} is Spark's own event-log writer; it is {@code private[spark]} in Scala
 * (public in the bytecode), so this class follows Spark's event-log format, not a stable API: a
 * Spark upgrade that changes the format fails this module's tests, which is where it should fail.
 */
public final class RunRecorder extends SparkFirehoseListener {

  private final List<String> lines = Collections.synchronizedList(new ArrayList<>());

  /** Runs {@code block} and returns its events, one JSON line each. */
  public static List<String> record(SparkSession spark, Runnable block) {
    SparkContext sc = spark.sparkContext();
    RunRecorder recorder = new RunRecorder();
    drain(sc);
    sc.addSparkListener(recorder);
    try {
      block.run();
    } finally {
      drain(sc);
      sc.removeSparkListener(recorder);
    }
    synchronized (recorder.lines) {
      return List.copyOf(recorder.lines);
    }
  }

  @Override
  public void onEvent(SparkListenerEvent event) {
    if (event.logEvent()) {
      lines.add(JsonProtocol.sparkEventToJsonString(event));
    }
  }

  // The same wait as common's MetricsCollector; a candidate for a shared helper in common.
  private static void drain(SparkContext sc) {
    try {
      sc.listenerBus().waitUntilEmpty(30_000);
    } catch (TimeoutException e) {
      throw new IllegalStateException("Spark listener bus did not drain within 30 s", e);
    }
  }
}
