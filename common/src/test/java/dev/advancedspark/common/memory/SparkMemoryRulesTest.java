package dev.advancedspark.common.memory;

import static dev.advancedspark.common.memory.SparkMemoryRules.GIB;
import static dev.advancedspark.common.memory.SparkMemoryRules.MIB;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.advancedspark.common.testkit.SparkVersion;
import java.lang.reflect.Method;
import java.util.List;
import org.apache.spark.SparkConf;
import org.apache.spark.memory.UnifiedMemoryManager;
import org.apache.spark.resource.ResourceProfile$;
import org.junit.jupiter.api.Test;
import scala.Option;

/** Each rule against the Spark code it mirrors, so a change in Spark fails here first. */
class SparkMemoryRulesTest {

  private static final List<Long> HEAPS =
      List.of(450 * MIB, 512 * MIB, GIB, 4 * GIB, 4 * GIB + 12_345, 8 * GIB, 61 * GIB);

  @Test
  void unifiedAndStorageMemoryEqualWhatSparksMemoryManagerComputes() {
    for (long heap : HEAPS) {
      for (double fraction : new double[] {0.6, 0.75, 0.3}) {
        // given: Spark's own memory manager for a JVM of this heap (spark.testing.memory stands in
        // for Runtime.maxMemory())
        SparkConf conf =
            new SparkConf(false)
                .set("spark.testing.memory", Long.toString(heap))
                .set("spark.memory.fraction", Double.toString(fraction))
                .set("spark.memory.storageFraction", "0.5");
        UnifiedMemoryManager spark = UnifiedMemoryManager.apply(conf, 1);

        // when
        long unified = SparkMemoryRules.unifiedBytes(heap, fraction);

        // then: to the byte
        assertThat(unified)
            .as("unified, heap %d, fraction %s", heap, fraction)
            .isEqualTo(spark.maxHeapMemory());
        assertThat(SparkMemoryRules.storageBytes(unified, 0.5))
            .isEqualTo(spark.onHeapStorageMemoryPool().poolSize());
      }
    }
  }

  @Test
  void aFourGibHeapHas2277MibOfUnifiedMemory() {
    // (4096 - 300) x 0.6 = 2277.6 MiB, half of it eviction-safe storage
    long unified = SparkMemoryRules.unifiedBytes(4 * GIB, 0.6);
    assertThat(SparkMemoryRules.mib(unified)).isBetween(2277.59, 2277.61);
    assertThat(SparkMemoryRules.usableBytes(4 * GIB)).isEqualTo(3796 * MIB);
    assertThat(SparkMemoryRules.storageBytes(unified, 0.5)).isEqualTo(unified / 2);
  }

  @Test
  void overheadEqualsSparksResourceProfileRule() throws ReflectiveOperationException {
    // spark.executor.minMemoryOverhead is new in Spark 4.0; before it the floor was a fixed 384 MiB
    // (ResourceProfile.calculateOverHeadMemory took no minimum), so 3.5 is checked at 384 only.
    long[] minima = SparkVersion.atLeast(4, 0) ? new long[] {384, 0, 1024} : new long[] {384};
    for (long heapMiB : new long[] {512, 1024, 2048, 3840, 3841, 4096, 8192, 19_549, 65_536}) {
      for (double factor : new double[] {0.10, 0.40, 0.0, 0.1875}) {
        for (long min : minima) {
          long spark = sparksOverheadMiB(heapMiB, factor, min);
          assertThat(SparkMemoryRules.overheadMiB(heapMiB, factor, min))
              .as("heap %d MiB, factor %s, min %d", heapMiB, factor, min)
              .isEqualTo(spark);
        }
      }
    }
  }

  /** Spark's own rule, called by reflection: its signature changed in 4.0. */
  private static long sparksOverheadMiB(long heapMiB, double factor, long min)
      throws ReflectiveOperationException {
    Object rp = ResourceProfile$.MODULE$;
    if (SparkVersion.atLeast(4, 0)) {
      Method m =
          rp.getClass()
              .getMethod(
                  "calculateOverHeadMemory", Option.class, long.class, long.class, double.class);
      return (long) m.invoke(rp, Option.empty(), min, heapMiB, factor);
    }
    Method m =
        rp.getClass().getMethod("calculateOverHeadMemory", Option.class, long.class, double.class);
    return (long) m.invoke(rp, Option.empty(), heapMiB, factor);
  }

  @Test
  void overheadIsTenPercentButNeverBelow384Mib() {
    assertThat(SparkMemoryRules.overheadMiB(2048)).isEqualTo(384);
    assertThat(SparkMemoryRules.overheadMiB(8192)).isEqualTo(819);
    assertThat(SparkMemoryRules.containerMiB(8192, 819, 1024)).isEqualTo(10_035);
  }

  @Test
  void theLargestHeapFittingAContainerLeavesRoomForItsOverheadAndNoMore() {
    for (long container : new long[] {1024, 1500, 4224, 21_504, 65_536}) {
      long heap = SparkMemoryRules.largestHeapMiBFitting(container, 0.1, 384);
      assertThat(heap + SparkMemoryRules.overheadMiB(heap)).isLessThanOrEqualTo(container);
      assertThat(heap + 1 + SparkMemoryRules.overheadMiB(heap + 1)).isGreaterThan(container);
    }
    assertThat(SparkMemoryRules.largestHeapMiBFitting(21_504, 0.1, 384)).isEqualTo(19_549);
    assertThat(SparkMemoryRules.largestHeapMiBFitting(1024, 0.1, 384)).isEqualTo(640);
  }

  @Test
  void aHeapBelowSparksMinimumIsRefusedWithTheReason() {
    assertThat(SparkMemoryRules.MIN_SYSTEM_MEMORY_BYTES).isEqualTo(450 * MIB);
    assertThatThrownBy(() -> SparkMemoryRules.unifiedBytes(449 * MIB, 0.6))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("below Spark's minimum of 450.0 MiB");
    // Spark refuses the same heap
    SparkConf conf = new SparkConf(false).set("spark.testing.memory", Long.toString(449 * MIB));
    assertThatThrownBy(() -> UnifiedMemoryManager.apply(conf, 1))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void sizesAreReadAsSparkReadsThemInBinaryUnits() {
    SparkConf conf = new SparkConf(false);
    for (String text : new String[] {"1m", "4g", "512m", "1536k", "100", "2t", " 8G "}) {
      conf.set("spark.x", text.trim());
      assertThat(SparkMemoryRules.parseBytes(text))
          .as(text)
          .isEqualTo(conf.getSizeAsBytes("spark.x"));
      assertThat(SparkMemoryRules.parseMiB(text)).as(text).isEqualTo(conf.getSizeAsMb("spark.x"));
    }
    assertThat(SparkMemoryRules.parseBytes("1m")).isEqualTo(1_048_576L);
    assertThat(SparkMemoryRules.parseMiB("2048")).isEqualTo(2048L);
    assertThatThrownBy(() -> SparkMemoryRules.parseBytes("lots"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'lots'");
  }

  @Test
  void fractionsOutsideTheirRangeAreRefused() {
    assertThatThrownBy(() -> SparkMemoryRules.unifiedBytes(GIB, 0))
        .hasMessageContaining("spark.memory.fraction must be in (0, 1]");
    assertThatThrownBy(() -> SparkMemoryRules.storageBytes(GIB, 1.5))
        .hasMessageContaining("spark.memory.storageFraction must be in [0, 1]");
    assertThatThrownBy(() -> SparkMemoryRules.overheadMiB(1024, -0.1, 384))
        .hasMessageContaining("memoryOverheadFactor must be >= 0");
  }
}
