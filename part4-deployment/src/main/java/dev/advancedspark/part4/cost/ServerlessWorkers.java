package dev.advancedspark.part4.cost;

import dev.advancedspark.common.memory.SparkMemoryRules;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The worker sizes EMR Serverless accepts, and the executor heap a worker holds.
 *
 * <p>Source: the Amazon EMR Serverless User Guide, "Understanding application behavior in EMR
 * Serverless", section "Supported worker configurations" (docs.aws.amazon.com, read 2026-11-30): 1
 * vCPU takes 2-8 GB in steps of 1 GB, 2 vCPU 4-16 GB (1 GB steps), 4 vCPU 8-30 GB (1 GB steps), 8
 * vCPU 16-60 GB (4 GB steps), 16 vCPU 32-120 GB (8 GB steps), 32 vCPU one of 60, 120 or 244 GB. The
 * same page's worked example: a 4-vCPU, 30 GB worker takes an executor memory of about 27 GB,
 * because Spark adds 10 % overhead (27 + 2.7 = 29.7 GB). "GB" there is what Spark's {@code 27g}
 * means, GiB, and so it is here.
 *
 * <p>A worker runs one executor with {@code spark.executor.cores} = its vCPUs; its memory must hold
 * the heap plus Spark's overhead, so the heap is {@link
 * SparkMemoryRules#largestHeapMiBFitting(long, double, long)} of the worker's memory.
 */
public final class ServerlessWorkers {

  /** One row of the vendor's table: vCPUs, memory range and step in GB (or fixed sizes). */
  record Size(int vcpus, int minGb, int maxGb, int stepGb, List<Integer> fixedGb) {
    boolean accepts(int memoryGb) {
      if (!fixedGb.isEmpty()) {
        return fixedGb.contains(memoryGb);
      }
      return memoryGb >= minGb && memoryGb <= maxGb && (memoryGb - minGb) % stepGb == 0;
    }

    String allowed() {
      if (!fixedGb.isEmpty()) {
        return "one of "
            + fixedGb.stream().map(String::valueOf).collect(Collectors.joining(", "))
            + " GB";
      }
      return String.format(Locale.ROOT, "%d to %d GB in steps of %d GB", minGb, maxGb, stepGb);
    }
  }

  static final List<Size> EMR_SERVERLESS =
      List.of(
          new Size(1, 2, 8, 1, List.of()),
          new Size(2, 4, 16, 1, List.of()),
          new Size(4, 8, 30, 1, List.of()),
          new Size(8, 16, 60, 4, List.of()),
          new Size(16, 32, 120, 8, List.of()),
          new Size(32, 0, 0, 0, List.of(60, 120, 244)));

  /** A worker EMR Serverless accepts, with the executor heap and overhead it holds. */
  public record Worker(int vcpus, int memoryGb, long heapMiB, long overheadMiB) {}

  private ServerlessWorkers() {}

  /**
   * The worker {@code vcpus} x {@code memoryGb}, checked against the vendor's table; refuses a size
   * EMR Serverless does not offer, naming what it does.
   */
  public static Worker emrServerless(int vcpus, int memoryGb) {
    Size size =
        EMR_SERVERLESS.stream()
            .filter(s -> s.vcpus() == vcpus)
            .findFirst()
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "EMR Serverless workers have "
                            + EMR_SERVERLESS.stream()
                                .map(s -> String.valueOf(s.vcpus()))
                                .collect(Collectors.joining(", "))
                            + " vCPUs, not "
                            + vcpus));
    if (!size.accepts(memoryGb)) {
      throw new IllegalArgumentException(
          String.format(
              Locale.ROOT,
              "EMR Serverless %d-vCPU workers take %s, not %d GB",
              vcpus,
              size.allowed(),
              memoryGb));
    }
    long heap =
        SparkMemoryRules.largestHeapMiBFitting(
            memoryGb * 1024L,
            SparkMemoryRules.DEFAULT_OVERHEAD_FACTOR,
            SparkMemoryRules.DEFAULT_MIN_OVERHEAD_MIB);
    return new Worker(vcpus, memoryGb, heap, SparkMemoryRules.overheadMiB(heap));
  }

  /** Parses {@code VCPUSxGB}, e.g. {@code 4x30}. */
  public static Worker parse(String text) {
    String[] parts = text.trim().toLowerCase(Locale.ROOT).split("x", -1);
    if (parts.length != 2) {
      throw new IllegalArgumentException(
          "a serverless worker is VCPUSxGB, e.g. 4x30, not '" + text + "'");
    }
    try {
      return emrServerless(Integer.parseInt(parts[0].trim()), Integer.parseInt(parts[1].trim()));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "a serverless worker is VCPUSxGB, e.g. 4x30, not '" + text + "'");
    }
  }
}
