package dev.advancedspark.part1.partitions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.advancedspark.common.UsageException;
import org.junit.jupiter.api.Test;

class PartitionSizingTest {

  private static final long MIB = 1024L * 1024;
  private static final long GIB = 1024 * MIB;

  @Test
  void fiftyGibibytesAt128MiBNeedFourHundredPartitions() {
    assertThat(PartitionSizing.partitionsFor(50 * GIB, 128 * MIB)).isEqualTo(400);
  }

  @Test
  void aPartialPartitionRoundsUpAndTinyDataStillGetsOne() {
    assertThat(PartitionSizing.partitionsFor(128 * MIB + 1, 128 * MIB)).isEqualTo(2);
    assertThat(PartitionSizing.partitionsFor(0, 128 * MIB)).isEqualTo(1);
    assertThat(PartitionSizing.partitionsFor(1, 128 * MIB)).isEqualTo(1);
  }

  @Test
  void roundsUpToWholeWavesOfTheCores() {
    // 10 GiB / 128 MiB = 80 partitions; on 48 cores that is 1.67 waves -> 96 (2 full waves)
    assertThat(PartitionSizing.partitionsFor(10 * GIB, 128 * MIB, 48)).isEqualTo(96);
    assertThat(PartitionSizing.partitionsFor(10 * GIB, 128 * MIB, 16)).isEqualTo(80);
  }

  @Test
  void nonsenseInputIsRefusedWithTheReason() {
    assertThatThrownBy(() -> PartitionSizing.partitionsFor(GIB, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("targetBytesPerPartition must be > 0");
    assertThatThrownBy(() -> PartitionSizing.partitionsFor(GIB, MIB, 0))
        .hasMessageContaining("cores must be > 0");
    assertThatThrownBy(() -> PartitionSizing.ARGS.parse("--target", "big").getBytes("target"))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("--target");
    assertThat(PartitionSizing.ARGS.parse("--target", "128m").getBytes("target"))
        .isEqualTo(128 * MIB);
  }
}
