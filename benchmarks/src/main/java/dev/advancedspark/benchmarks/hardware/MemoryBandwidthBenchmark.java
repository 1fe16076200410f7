package dev.advancedspark.benchmarks.hardware;

import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The machine's reference: how fast one or two threads stream a large {@code long[]} from memory (a
 * sequential sum, far larger than the CPU caches). An engine that reads {@code B} bytes of columns
 * in {@code t} seconds used {@code B / t} of what the machine can stream: RESULTS.md reports each
 * suite's throughput as that fraction, so "Spark is slow" can be told apart from "the machine is
 * slow".
 *
 * <p>Bytes per second = {@code megabytes x 2^20 / (score in ms / 1000)}. Two threads split the
 * array in halves (the two cores of {@code local[2]}).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
    value = 2,
    jvmArgs = {"-Xms2g", "-Xmx2g", "-XX:+UseParallelGC"})
public class MemoryBandwidthBenchmark {

  @Param({"512"})
  public int megabytes;

  @Param({"1", "2"})
  public int threads;

  private long[] data;

  @Setup
  public void setUp() {
    data = new long[(int) ((long) megabytes * 1024 * 1024 / Long.BYTES)];
    for (int i = 0; i < data.length; i++) {
      data[i] = i;
    }
    long expected = (long) data.length * (data.length - 1) / 2;
    if (sum() != expected) {
      throw new IllegalStateException("sum check failed: " + sum() + " vs " + expected);
    }
  }

  @Benchmark
  public long sum() {
    if (threads == 1) {
      return sumRange(data, 0, data.length);
    }
    int chunk = (data.length + threads - 1) / threads;
    return IntStream.range(0, threads)
        .parallel()
        .mapToLong(t -> sumRange(data, t * chunk, Math.min(data.length, (t + 1) * chunk)))
        .sum();
  }

  static long sumRange(long[] a, int from, int to) {
    long s = 0;
    for (int i = from; i < to; i++) {
      s += a[i];
    }
    return s;
  }

  /** Gigabytes (2^30 bytes) per second from a score in milliseconds per sum. */
  public static double gibPerSecond(int megabytes, double millis) {
    return megabytes / 1024.0 / (millis / 1000.0);
  }
}
