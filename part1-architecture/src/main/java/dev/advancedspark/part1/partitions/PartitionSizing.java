package dev.advancedspark.part1.partitions;

import dev.advancedspark.common.ExampleArgs;
import dev.advancedspark.common.Examples;
import dev.advancedspark.common.RunnableExample;
import dev.advancedspark.common.UsageException;
import dev.advancedspark.common.metrics.RunMetrics;

/**
 * How many partitions for a given amount of data: enough that each holds about the target size
 * (100-200 MiB is the usual aim for a shuffle or a file), rounded up to whole waves of the cores so
 * that the last wave does not run on a few cores while the rest wait.
 *
 * <pre>
 * bin/run-example PartitionSizing --bytes 50g --target 128m --cores 16
 * </pre>
 *
 * Expected output: "50.0 GiB at 128.0 MiB per partition: 400 partitions; in full waves of 16 cores:
 * 400 (25 waves)".
 */
@RunnableExample("Partition count from data size: target bytes per partition, whole waves")
public final class PartitionSizing {

  static final ExampleArgs ARGS =
      ExampleArgs.forExample("PartitionSizing")
          .size("bytes", "50g", "data size (e.g. shuffle write of the stage, or input size)")
          .size("target", "128m", "target bytes per partition")
          .count("cores", "0", "total executor cores (0: this session's default parallelism)", 0);

  private PartitionSizing() {}

  /** {@code ceil(totalBytes / targetBytes)}, at least 1. */
  public static int partitionsFor(long totalBytes, long targetBytesPerPartition) {
    if (totalBytes < 0) {
      throw new IllegalArgumentException("totalBytes must be >= 0, got " + totalBytes);
    }
    if (targetBytesPerPartition <= 0) {
      throw new IllegalArgumentException(
          "targetBytesPerPartition must be > 0, got " + targetBytesPerPartition);
    }
    long n = Math.max(1, (totalBytes + targetBytesPerPartition - 1) / targetBytesPerPartition);
    if (n > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("more than 2^31 partitions: raise the target size");
    }
    return (int) n;
  }

  /** {@link #partitionsFor(long, long)} rounded up to a multiple of {@code cores}. */
  public static int partitionsFor(long totalBytes, long targetBytesPerPartition, int cores) {
    if (cores <= 0) {
      throw new IllegalArgumentException("cores must be > 0, got " + cores);
    }
    int n = partitionsFor(totalBytes, targetBytesPerPartition);
    return Math.toIntExact(((long) n + cores - 1) / cores * cores);
  }

  public static void main(String[] args) {
    Examples.run(
        args,
        ARGS,
        (spark, opts) -> {
          long bytes = opts.getBytes("bytes");
          long target = opts.getBytes("target");
          int cores = opts.getInt("cores");
          if (cores <= 0) {
            cores = spark.sparkContext().defaultParallelism();
          }
          try {
            int plain = partitionsFor(bytes, target);
            int waves = partitionsFor(bytes, target, cores);
            System.out.printf(
                "%s at %s per partition: %d partitions; in full waves of %d cores: %d (%d waves)%n",
                RunMetrics.bytes(bytes),
                RunMetrics.bytes(target),
                plain,
                cores,
                waves,
                waves / cores);
          } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage(), ARGS.usage());
          }
        });
  }
}
