package dev.advancedspark.part1.memory;

import dev.advancedspark.common.ExampleArgs;
import dev.advancedspark.common.Examples;
import dev.advancedspark.common.RunnableExample;
import dev.advancedspark.common.UsageException;
import dev.advancedspark.common.memory.SparkMemoryRules;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;
import scala.Tuple2;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Spark's unified memory model as arithmetic: from an executor's heap and the {@code
 * spark.memory.*} settings to reserved, user, storage and execution memory, and from {@code
 * --executor-memory} to the container a cluster manager must grant (heap + overhead + off-heap).
 *
 * <p>The formulas are those of Spark's {@code UnifiedMemoryManager.getMaxMemory} and of the
 * executor resource request ({@code ResourceProfile}), kept once in {@link SparkMemoryRules}: 300
 * MiB reserved, {@code spark.memory.fraction} (0.6) of the rest shared by execution and storage,
 * {@code spark.memory.storageFraction} (0.5) of that shared region protected from eviction, and an
 * overhead of {@code max(384 MiB, spark.executor.memoryOverheadFactor x heap)} unless {@code
 * spark.executor.memoryOverhead} says otherwise.
 *
 * <pre>
 * bin/run-example UnifiedMemoryCalculator --executor-memory 8g
 * bin/run-example UnifiedMemoryCalculator --executor-memory 4g --memory-fraction 0.75 --off-heap 1g
 * </pre>
 *
 * Expected output: the breakdown for the given executor (8g: 4735.2 MiB unified, 2367.6 MiB
 * storage, a 9011 MiB container), then the same formula applied to this JVM's {@code
 * Runtime.maxMemory()} next to the storage memory the running Spark reports: the two numbers are
 * equal.
 */
@RunnableExample("Unified memory model: reserved, user, storage, execution and container size")
public final class UnifiedMemoryCalculator {

  /**
   * Spark's {@code RESERVED_SYSTEM_MEMORY_BYTES}: kept out of Spark's reach for its own objects.
   */
  public static final long RESERVED_BYTES = SparkMemoryRules.RESERVED_SYSTEM_MEMORY_BYTES;

  /** Spark's default {@code spark.executor.minMemoryOverhead}. */
  public static final long MIN_OVERHEAD_MIB = SparkMemoryRules.DEFAULT_MIN_OVERHEAD_MIB;

  private static final long MIB = SparkMemoryRules.MIB;

  static final ExampleArgs ARGS =
      ExampleArgs.forExample("UnifiedMemoryCalculator")
          .size("executor-memory", "8g", "executor heap, as for spark-submit (e.g. 4g, 8g)")
          .fraction("memory-fraction", "0.6", "spark.memory.fraction")
          .fraction("storage-fraction", "0.5", "spark.memory.storageFraction")
          .fraction("overhead-factor", "0.1", "spark.executor.memoryOverheadFactor")
          .checked(
              "overhead",
              "",
              "spark.executor.memoryOverhead, a size such as 512m (empty: use the factor)",
              v -> {
                if (!v.isBlank()) {
                  SparkMemoryRules.parseBytes(v);
                }
              })
          .size("off-heap", "0", "spark.memory.offHeap.size (0: off-heap disabled)");

  /**
   * The settings that size an executor.
   *
   * @param executorMemoryBytes {@code spark.executor.memory}: the JVM heap (-Xmx) of an executor
   * @param memoryFraction {@code spark.memory.fraction}
   * @param storageFraction {@code spark.memory.storageFraction}
   * @param overheadFactor {@code spark.executor.memoryOverheadFactor}
   * @param overheadBytes {@code spark.executor.memoryOverhead}, or -1 to derive it from the factor
   * @param offHeapBytes {@code spark.memory.offHeap.size} when off-heap is enabled, else 0
   */
  public record MemorySettings(
      long executorMemoryBytes,
      double memoryFraction,
      double storageFraction,
      double overheadFactor,
      long overheadBytes,
      long offHeapBytes) {

    public MemorySettings {
      if (memoryFraction <= 0 || memoryFraction > 1) {
        throw new IllegalArgumentException(
            "spark.memory.fraction must be in (0, 1], got " + memoryFraction);
      }
      if (storageFraction < 0 || storageFraction > 1) {
        throw new IllegalArgumentException(
            "spark.memory.storageFraction must be in [0, 1], got " + storageFraction);
      }
      if (overheadFactor < 0) {
        throw new IllegalArgumentException(
            "spark.executor.memoryOverheadFactor must be >= 0, got " + overheadFactor);
      }
    }

    /** Spark's defaults for an executor of the given heap. */
    public static MemorySettings defaults(long executorMemoryBytes) {
      return new MemorySettings(
          executorMemoryBytes,
          SparkMemoryRules.DEFAULT_MEMORY_FRACTION,
          SparkMemoryRules.DEFAULT_STORAGE_FRACTION,
          SparkMemoryRules.DEFAULT_OVERHEAD_FACTOR,
          -1,
          0);
    }

    /** The settings as a SparkConf holds them (Spark's defaults for what it does not set). */
    public static MemorySettings of(SparkConf conf) {
      boolean offHeap = conf.getBoolean("spark.memory.offHeap.enabled", false);
      return new MemorySettings(
          conf.getSizeAsBytes("spark.executor.memory", "1g"),
          conf.getDouble("spark.memory.fraction", 0.6),
          conf.getDouble("spark.memory.storageFraction", 0.5),
          conf.getDouble("spark.executor.memoryOverheadFactor", 0.1),
          conf.contains("spark.executor.memoryOverhead")
              ? conf.getSizeAsMb("spark.executor.memoryOverhead", "0") * MIB
              : -1,
          offHeap ? conf.getSizeAsBytes("spark.memory.offHeap.size", "0") : 0);
    }
  }

  /**
   * Where an executor's memory goes, in bytes.
   *
   * @param heapBytes the JVM heap Spark sees ({@code Runtime.maxMemory()} inside the executor)
   * @param reservedBytes 300 MiB Spark keeps for itself
   * @param userBytes {@code (heap - reserved) x (1 - fraction)}: your objects, UDF state, metadata
   * @param unifiedBytes {@code (heap - reserved) x fraction}: execution and storage together
   * @param storageBytes the part of unified memory cached blocks keep when execution wants it
   * @param executionBytes the rest of unified memory: shuffles, joins, sorts, aggregations
   * @param offHeapBytes off-heap unified memory (outside the heap; also split storage/execution)
   * @param overheadBytes non-heap memory of the container: JVM metaspace, threads, netty buffers
   * @param containerBytes what YARN or Kubernetes must grant: heap + overhead + off-heap
   */
  public record Breakdown(
      long heapBytes,
      long reservedBytes,
      long userBytes,
      long unifiedBytes,
      long storageBytes,
      long executionBytes,
      long offHeapBytes,
      long overheadBytes,
      long containerBytes) {

    /** Unified on-heap plus off-heap: what the UI shows as an executor's "Storage Memory". */
    public long maxStorageMemoryReported() {
      return unifiedBytes + offHeapBytes;
    }

    /** A table for an example's output. */
    public String describe() {
      StringBuilder sb = new StringBuilder();
      line(sb, "heap (spark.executor.memory)", heapBytes);
      line(sb, "  reserved", reservedBytes);
      line(sb, "  user memory", userBytes);
      line(sb, "  unified (execution + storage)", unifiedBytes);
      line(sb, "    storage (eviction-safe)", storageBytes);
      line(sb, "    execution", executionBytes);
      line(sb, "off-heap (spark.memory.offHeap.size)", offHeapBytes);
      line(sb, "overhead", overheadBytes);
      line(sb, "container request", containerBytes);
      return sb.toString();
    }

    private static void line(StringBuilder sb, String label, long bytes) {
      sb.append(
          String.format(Locale.ROOT, "  %-38s %,16d B %11.1f MiB%n", label, bytes, mib(bytes)));
    }
  }

  private UnifiedMemoryCalculator() {}

  /**
   * The breakdown of a heap of {@code heapBytes} under {@code settings}. Pass the executor's {@code
   * Runtime.maxMemory()} to get Spark's exact figures; pass {@code spark.executor.memory} to plan
   * (the JVM's max heap can be a little below -Xmx, depending on the garbage collector).
   */
  public static Breakdown breakdown(long heapBytes, MemorySettings settings) {
    // Spark refuses a heap below 450 MiB with the same arithmetic; it truncates to whole bytes at
    // each step: (usable * fraction).toLong.
    long usable = SparkMemoryRules.usableBytes(heapBytes);
    long unified = SparkMemoryRules.unifiedBytes(heapBytes, settings.memoryFraction());
    long storage = SparkMemoryRules.storageBytes(unified, settings.storageFraction());
    long executorMib = settings.executorMemoryBytes() / MIB;
    long overheadMib =
        settings.overheadBytes() >= 0
            ? settings.overheadBytes() / MIB
            : SparkMemoryRules.overheadMiB(
                executorMib, settings.overheadFactor(), MIN_OVERHEAD_MIB);
    // The container request is computed in whole MiB, like the executor's resource profile.
    long containerMib =
        SparkMemoryRules.containerMiB(executorMib, overheadMib, settings.offHeapBytes() / MIB);
    return new Breakdown(
        heapBytes,
        RESERVED_BYTES,
        usable - unified,
        unified,
        storage,
        unified - storage,
        settings.offHeapBytes(),
        overheadMib * MIB,
        containerMib * MIB);
  }

  /** The breakdown of an executor of {@code spark.executor.memory}, for capacity planning. */
  public static Breakdown forExecutor(MemorySettings settings) {
    return breakdown(settings.executorMemoryBytes(), settings);
  }

  /**
   * The maximum storage memory the running Spark reports for each block manager (in local mode,
   * one: the driver JVM, which is also the executor), as the UI's "Storage Memory" column shows it.
   */
  public static Map<String, Long> reportedMaxStorageMemory(SparkSession spark) {
    Map<String, Tuple2<Object, Object>> status =
        CollectionConverters.asJava(spark.sparkContext().getExecutorMemoryStatus());
    Map<String, Long> out = new TreeMap<>();
    status.forEach((executor, maxAndRemaining) -> out.put(executor, (Long) maxAndRemaining._1()));
    return out;
  }

  /** Mebibytes, for printing. */
  public static double mib(long bytes) {
    return SparkMemoryRules.mib(bytes);
  }

  static MemorySettings settingsFrom(ExampleArgs.Parsed opts) {
    String overhead = opts.get("overhead");
    try {
      return new MemorySettings(
          opts.getBytes("executor-memory"),
          opts.getDouble("memory-fraction"),
          opts.getDouble("storage-fraction"),
          opts.getDouble("overhead-factor"),
          overhead.isBlank() ? -1 : opts.getBytes("overhead"),
          opts.getBytes("off-heap"));
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage(), ARGS.usage());
    }
  }

  public static void main(String[] args) {
    Examples.run(
        args,
        ARGS,
        (spark, opts) -> {
          MemorySettings settings = settingsFrom(opts);
          Breakdown planned;
          try {
            planned = forExecutor(settings);
          } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage(), ARGS.usage());
          }
          System.out.printf(
              "Executor with --executor-memory %s (fraction %.2f, storageFraction %.2f):%n",
              opts.get("executor-memory"), settings.memoryFraction(), settings.storageFraction());
          System.out.print(planned.describe());

          long jvmMax = Runtime.getRuntime().maxMemory();
          Breakdown local = breakdown(jvmMax, MemorySettings.of(spark.sparkContext().getConf()));
          System.out.printf(
              "%nThis JVM (local mode: the driver is the executor): Runtime.maxMemory() = %,d B%n",
              jvmMax);
          System.out.printf(
              "  formula: unified memory                     %,16d B%n", local.unifiedBytes());
          reportedMaxStorageMemory(spark)
              .forEach(
                  (executor, max) ->
                      System.out.printf(
                          "  Spark reports for %-25s %,16d B (%s)%n",
                          executor,
                          max,
                          max == local.maxStorageMemoryReported() ? "equal" : "DIFFERENT"));
        });
  }
}
