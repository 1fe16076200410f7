package dev.advancedspark.part5.observability;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.apache.spark.sql.streaming.SourceProgress;
import org.apache.spark.sql.streaming.StateOperatorProgress;
import org.apache.spark.sql.streaming.StreamingQueryListener;
import org.apache.spark.sql.streaming.StreamingQueryProgress;

/**
 * Turns every progress report of a streaming query into service-level checks, and reports each
 * breach as it happens (a log line, an alert, a counter):
 *
 * <ul>
 *   <li>{@link Check#BATCH_DURATION}: the micro-batch took longer than its budget ({@code
 *       batchDuration}, the whole trigger: planning, reading, the sink, the commit). It is the
 *       floor of the end-to-end latency of the rows it carried.
 *   <li>{@link Check#FALLING_BEHIND}: rows were processed slower than they were taken in. Spark
 *       computes {@code inputRowsPerSecond} as the batch's rows over the time since the previous
 *       trigger started, and {@code processedRowsPerSecond} as the rows over this batch's duration,
 *       so processed &lt; input means the batch took longer than the interval it had to cover: the
 *       backlog grows.
 *   <li>{@link Check#ROWS_DROPPED_BY_WATERMARK}: stateful operators dropped rows older than the
 *       watermark ({@code numRowsDroppedByWatermark}): no error, no row in the output, only this
 *       counter.
 *   <li>{@link Check#SOURCE_LAG}: a source is further behind the newest data than allowed. The
 *       Kafka source reports, in each progress report's source metrics, {@code
 *       maxOffsetsBehindLatest}: per topic partition, the latest offset the broker had when the
 *       batch was planned minus the offset the batch read up to, the largest of them. It grows when
 *       the query is rate-limited ({@code maxOffsetsPerTrigger}) or slower than the producers; a
 *       source without the metric (files, rate, memory) is not judged.
 * </ul>
 *
 * The first {@code warmUpBatches} of every run are not judged on time (planning, code generation
 * and state store start-up make them slow by nature); dropped rows are judged always.
 *
 * <p>The listener runs on Spark's listener bus thread: it must be quick and must not throw.
 */
public final class StreamingSloListener extends StreamingQueryListener {

  /** The checks, one per objective. */
  public enum Check {
    BATCH_DURATION,
    FALLING_BEHIND,
    ROWS_DROPPED_BY_WATERMARK,
    SOURCE_LAG
  }

  /** The Kafka source's metric this listener reads for {@link Check#SOURCE_LAG}. */
  public static final String OFFSETS_BEHIND = "maxOffsetsBehindLatest";

  /** The objectives; {@code maxOffsetsBehind} is judged on sources that report the metric. */
  public record Slo(
      Duration batchBudget, long maxRowsDroppedPerBatch, int warmUpBatches, long maxOffsetsBehind) {

    /** Without a lag objective. */
    public Slo(Duration batchBudget, long maxRowsDroppedPerBatch, int warmUpBatches) {
      this(batchBudget, maxRowsDroppedPerBatch, warmUpBatches, Long.MAX_VALUE);
    }
  }

  /** One broken objective in one batch of one query. */
  public record Breach(String query, long batchId, Check check, String observed, String limit) {
    @Override
    public String toString() {
      return check
          + ": query "
          + query
          + " batch "
          + batchId
          + ": "
          + observed
          + " ("
          + limit
          + ")";
    }
  }

  private final Slo slo;
  private final Consumer<Breach> report;
  private final List<Breach> breaches = new CopyOnWriteArrayList<>();
  private final List<StreamingQueryProgress> progress = new CopyOnWriteArrayList<>();
  private final Map<UUID, AtomicInteger> batchesPerRun = new ConcurrentHashMap<>();
  private final Map<UUID, CountDownLatch> terminated = new ConcurrentHashMap<>();

  public StreamingSloListener(Slo slo, Consumer<Breach> report) {
    this.slo = slo;
    this.report = report;
  }

  // tag::slo-checks[]
  /** The breaches of one progress report; {@code warmingUp} skips the time-based checks. */
  public static List<Breach> check(Slo slo, StreamingQueryProgress p, boolean warmingUp) {
    List<Breach> out = new ArrayList<>();
    String query = p.name() != null ? p.name() : p.id().toString();
    if (!warmingUp) {
      long budget = slo.batchBudget().toMillis();
      if (p.batchDuration() > budget) {
        out.add(
            new Breach(
                query,
                p.batchId(),
                Check.BATCH_DURATION,
                "took " + p.batchDuration() + " ms",
                "budget " + budget + " ms"));
      }
      double in = p.inputRowsPerSecond();
      double done = p.processedRowsPerSecond();
      if (p.numInputRows() > 0 && Double.isFinite(in) && done < in) {
        out.add(
            new Breach(
                query,
                p.batchId(),
                Check.FALLING_BEHIND,
                String.format("processed %.2f rows/s", done),
                String.format("taken in at %.2f rows/s", in)));
      }
    }
    long dropped = 0;
    for (StateOperatorProgress op : p.stateOperators()) {
      dropped += op.numRowsDroppedByWatermark();
    }
    if (dropped > slo.maxRowsDroppedPerBatch()) {
      out.add(
          new Breach(
              query,
              p.batchId(),
              Check.ROWS_DROPPED_BY_WATERMARK,
              dropped + " rows dropped as late",
              "at most " + slo.maxRowsDroppedPerBatch()));
    }
    for (SourceProgress source : p.sources()) {
      String behind = source.metrics() == null ? null : source.metrics().get(OFFSETS_BEHIND);
      if (behind != null && Long.parseLong(behind) > slo.maxOffsetsBehind()) {
        out.add(
            new Breach(
                query,
                p.batchId(),
                Check.SOURCE_LAG,
                source.description() + " is " + behind + " offsets behind the latest",
                "at most " + slo.maxOffsetsBehind()));
      }
    }
    return out;
  }

  // end::slo-checks[]

  @Override
  public void onQueryStarted(QueryStartedEvent event) {
    terminated.putIfAbsent(event.id(), new CountDownLatch(1));
  }

  @Override
  public void onQueryProgress(QueryProgressEvent event) {
    StreamingQueryProgress p = event.progress();
    progress.add(p);
    int seen = batchesPerRun.computeIfAbsent(p.runId(), k -> new AtomicInteger()).getAndIncrement();
    for (Breach b : check(slo, p, seen < slo.warmUpBatches())) {
      breaches.add(b);
      try {
        report.accept(b);
      } catch (RuntimeException e) {
        // a failing reporter must not take the listener bus down with it; the breach is kept
      }
    }
  }

  @Override
  public void onQueryIdle(QueryIdleEvent event) {}

  @Override
  public void onQueryTerminated(QueryTerminatedEvent event) {
    terminated.computeIfAbsent(event.id(), k -> new CountDownLatch(1)).countDown();
  }

  /** Breaches reported so far, in order. */
  public List<Breach> breaches() {
    return List.copyOf(breaches);
  }

  /** Progress reports received so far, in order. */
  public List<StreamingQueryProgress> progress() {
    return List.copyOf(progress);
  }

  /**
   * Waits until the listener has seen {@code queryId} terminate: the bus delivers events in order,
   * so every progress report of that query has been checked by then.
   */
  public void awaitTerminated(UUID queryId, Duration deadline)
      throws InterruptedException, TimeoutException {
    CountDownLatch latch = terminated.computeIfAbsent(queryId, k -> new CountDownLatch(1));
    if (!latch.await(deadline.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new TimeoutException(
          "The listener did not see query " + queryId + " terminate within " + deadline);
    }
  }
}
