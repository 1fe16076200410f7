package dev.advancedspark.common.memory;

import java.util.Locale;
import org.apache.spark.network.util.JavaUtils;

/**
 * Spark's memory rules, in one place: the arithmetic Spark itself applies to size an executor's
 * heap and the container a cluster manager grants it, and the way Spark reads a size setting.
 *
 * <p>Each method names the Spark code it mirrors (Spark 4.2), and {@code SparkMemoryRulesTest}
 * checks them against that code, so a change in Spark shows up as a failing test, not as a wrong
 * figure in an article:
 *
 * <ul>
 *   <li>{@code UnifiedMemoryManager.getMaxMemory}: 300 MiB reserved, usable = heap - reserved,
 *       unified (execution + storage) = usable x {@code spark.memory.fraction}, and a heap below
 *       1.5 x the reserve refused;
 *   <li>{@code UnifiedMemoryManager.apply}: the storage region is unified x {@code
 *       spark.memory.storageFraction};
 *   <li>{@code ResourceProfile.calculateOverHeadMemory}: overhead = {@code max((int)(factor x
 *       executorMemoryMiB), spark.executor.minMemoryOverhead)}, in MiB, unless {@code
 *       spark.executor.memoryOverhead} sets it;
 *   <li>{@code ResourceProfile.getResourcesForClusterManager}: container = heap + overhead +
 *       off-heap (+ PySpark memory for a Python app), in MiB;
 *   <li>{@code JavaUtils.byteStringAsBytes}: sizes are binary ({@code 1m} = 1 MiB = 1,048,576
 *       bytes; {@code 1g} = 1 GiB), and a bare number is bytes.
 * </ul>
 *
 * <p>All methods are pure functions of their arguments: no session is needed. Sizes in bytes are
 * {@code long}; the container arithmetic is in whole MiB, as Spark's resource profile does it.
 */
public final class SparkMemoryRules {

  /** One mebibyte. Spark's {@code m} suffix means this. */
  public static final long MIB = 1024L * 1024;

  /** One gibibyte. Spark's {@code g} suffix means this. */
  public static final long GIB = 1024 * MIB;

  /**
   * Spark's {@code RESERVED_SYSTEM_MEMORY_BYTES}: heap kept out of the memory manager's reach for
   * Spark's own objects.
   */
  public static final long RESERVED_SYSTEM_MEMORY_BYTES = 300 * MIB;

  /**
   * The smallest heap Spark accepts: {@code ceil(1.5 x reserved)} = 450 MiB ({@code
   * UnifiedMemoryManager.getMaxMemory} throws below it).
   */
  public static final long MIN_SYSTEM_MEMORY_BYTES =
      (long) Math.ceil(RESERVED_SYSTEM_MEMORY_BYTES * 1.5);

  /** Default of {@code spark.memory.fraction}: the share of usable heap for execution + storage. */
  public static final double DEFAULT_MEMORY_FRACTION = 0.6;

  /** Default of {@code spark.memory.storageFraction}: the eviction-safe share of unified memory. */
  public static final double DEFAULT_STORAGE_FRACTION = 0.5;

  /** Default of {@code spark.executor.memoryOverheadFactor} (and of the driver's). */
  public static final double DEFAULT_OVERHEAD_FACTOR = 0.10;

  /**
   * The overhead factor Spark uses instead on Kubernetes for non-JVM (Python, R) jobs when no
   * factor is set: non-JVM tasks need more memory outside the heap.
   */
  public static final double KUBERNETES_NON_JVM_OVERHEAD_FACTOR = 0.40;

  /** Default of {@code spark.executor.minMemoryOverhead} (and of the driver's), in MiB. */
  public static final long DEFAULT_MIN_OVERHEAD_MIB = 384;

  private SparkMemoryRules() {}

  // ---- sizes ------------------------------------------------------------------------------

  /**
   * A size as Spark reads a {@code spark.*} size setting given in bytes: {@code "4g"} = 4 GiB,
   * {@code "512m"} = 512 MiB, {@code "1536k"}, {@code "100"} = 100 bytes. Delegates to Spark's own
   * parser, so this is Spark's rule exactly.
   *
   * @throws IllegalArgumentException with a one-line message when the text is not a size
   */
  public static long parseBytes(String text) {
    try {
      return JavaUtils.byteStringAsBytes(text.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "'" + text + "' is not a size such as 4g, 512m or 1048576 (binary units: 1m = 1 MiB)");
    }
  }

  /**
   * A size as Spark reads a setting given in MiB ({@code spark.executor.memory}, {@code
   * spark.executor.memoryOverhead}): {@code "2g"} = 2048, and a bare number is MiB, not bytes.
   *
   * @throws IllegalArgumentException with a one-line message when the text is not a size
   */
  public static long parseMiB(String text) {
    try {
      return JavaUtils.byteStringAsMb(text.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "'" + text + "' is not a size such as 4g or 512m (a bare number means MiB)");
    }
  }

  /** Bytes as mebibytes, for printing. */
  public static double mib(long bytes) {
    return bytes / (double) MIB;
  }

  // ---- inside the heap: UnifiedMemoryManager ----------------------------------------------

  /**
   * Refuses a heap Spark would refuse, with the reason and the fix.
   *
   * @throws IllegalArgumentException when {@code heapBytes} is below {@link
   *     #MIN_SYSTEM_MEMORY_BYTES}
   */
  public static void requireEnoughHeap(long heapBytes) {
    if (heapBytes < MIN_SYSTEM_MEMORY_BYTES) {
      throw new IllegalArgumentException(
          String.format(
              Locale.ROOT,
              "A heap of %.1f MiB is below Spark's minimum of %.1f MiB (1.5 x the 300 MiB"
                  + " reserved): give the executor more memory (--executor-memory).",
              mib(heapBytes),
              mib(MIN_SYSTEM_MEMORY_BYTES)));
    }
  }

  /**
   * Heap the memory manager may hand out: {@code heap - 300 MiB}.
   *
   * @param heapBytes the JVM's {@code Runtime.maxMemory()} (Spark's figure) or, to plan, {@code
   *     spark.executor.memory}
   * @throws IllegalArgumentException below Spark's minimum heap
   */
  public static long usableBytes(long heapBytes) {
    requireEnoughHeap(heapBytes);
    return heapBytes - RESERVED_SYSTEM_MEMORY_BYTES;
  }

  /**
   * Unified memory (execution and storage together): {@code (long) (usable x memoryFraction)}, the
   * maximum on-heap memory Spark reports for a block manager.
   */
  public static long unifiedBytes(long heapBytes, double memoryFraction) {
    requireFraction("spark.memory.fraction", memoryFraction, false);
    return (long) (usableBytes(heapBytes) * memoryFraction);
  }

  /** The eviction-safe storage region: {@code (long) (unified x storageFraction)}. */
  public static long storageBytes(long unifiedBytes, double storageFraction) {
    requireFraction("spark.memory.storageFraction", storageFraction, true);
    return (long) (unifiedBytes * storageFraction);
  }

  // ---- around the heap: the container (ResourceProfile) -----------------------------------

  /**
   * Spark's overhead when {@code spark.executor.memoryOverhead} is not set: {@code max((int)
   * (factor x executorMemoryMiB), minOverheadMiB)}.
   *
   * @param executorMemoryMiB {@code spark.executor.memory} in MiB
   * @param overheadFactor {@code spark.executor.memoryOverheadFactor} (0.10 by default; see {@link
   *     #KUBERNETES_NON_JVM_OVERHEAD_FACTOR})
   * @param minOverheadMiB {@code spark.executor.minMemoryOverhead} in MiB (384 by default)
   */
  public static long overheadMiB(
      long executorMemoryMiB, double overheadFactor, long minOverheadMiB) {
    if (overheadFactor < 0) {
      throw new IllegalArgumentException(
          "spark.executor.memoryOverheadFactor must be >= 0, got " + overheadFactor);
    }
    if (minOverheadMiB < 0) {
      throw new IllegalArgumentException(
          "spark.executor.minMemoryOverhead must be >= 0, got " + minOverheadMiB);
    }
    return Math.max((int) (overheadFactor * executorMemoryMiB), minOverheadMiB);
  }

  /** {@link #overheadMiB(long, double, long)} with Spark's defaults: max(10 %, 384 MiB). */
  public static long overheadMiB(long executorMemoryMiB) {
    return overheadMiB(executorMemoryMiB, DEFAULT_OVERHEAD_FACTOR, DEFAULT_MIN_OVERHEAD_MIB);
  }

  /**
   * What a cluster manager (YARN, Kubernetes) must grant one executor, in MiB: {@code heap +
   * overhead + off-heap}. PySpark memory, for Python apps only, is not included.
   */
  public static long containerMiB(long executorMemoryMiB, long overheadMiB, long offHeapMiB) {
    return Math.addExact(Math.addExact(executorMemoryMiB, overheadMiB), offHeapMiB);
  }

  /**
   * The largest heap (in MiB) whose heap + default-rule overhead fits a container of {@code
   * containerMiB}: the inverse of {@link #overheadMiB(long, double, long)}, for sizing executors
   * from a node's memory. May be 0 or less when the minimum overhead alone fills the container.
   */
  public static long largestHeapMiBFitting(
      long containerMiB, double overheadFactor, long minOverheadMiB) {
    long heap = (long) Math.floor(containerMiB / (1 + overheadFactor));
    while (heap > 0 && heap + overheadMiB(heap, overheadFactor, minOverheadMiB) > containerMiB) {
      heap = Math.min(heap - 1, containerMiB - minOverheadMiB);
    }
    while (heap + 1 + overheadMiB(heap + 1, overheadFactor, minOverheadMiB) <= containerMiB) {
      heap++;
    }
    return heap;
  }

  private static void requireFraction(String key, double value, boolean zeroAllowed) {
    boolean ok = (zeroAllowed ? value >= 0 : value > 0) && value <= 1;
    if (!ok) {
      throw new IllegalArgumentException(
          key + " must be in " + (zeroAllowed ? "[0, 1]" : "(0, 1]") + ", got " + value);
    }
  }
}
