package dev.advancedspark.part4.cost;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.advancedspark.part4.cost.ClusterCost.ServerlessPlan;
import dev.advancedspark.part4.cost.ServerlessWorkers.Worker;
import org.junit.jupiter.api.Test;

class ServerlessWorkersTest {

  @Test
  void matchesTheVendorsWorkedExampleA4VcpuWorkerOf30GbTakesAbout27GbOfHeap() {
    // EMR Serverless User Guide: 4 vCPUs and 30 GB -> executor memory of about 27 GB
    // (27 + 10 % = 29.7 GB fits; more would not).
    Worker w = ServerlessWorkers.emrServerless(4, 30);
    assertThat(w.heapMiB()).isBetween(27L * 1024, 28L * 1024 - 1);
    assertThat(w.heapMiB() + w.overheadMiB()).isLessThanOrEqualTo(30L * 1024);
    assertThat(w.overheadMiB()).isEqualTo((long) (0.10 * w.heapMiB()));
    // The vendor's own choice, 27g, fits too, with the 10 % overhead it names.
    assertThat(27L * 1024 + (long) (0.10 * 27 * 1024)).isLessThanOrEqualTo(30L * 1024);
  }

  @Test
  void refusesSizesTheVendorDoesNotOfferNamingWhatItDoes() {
    assertThatThrownBy(() -> ServerlessWorkers.emrServerless(4, 32))
        .hasMessage("EMR Serverless 4-vCPU workers take 8 to 30 GB in steps of 1 GB, not 32 GB");
    assertThatThrownBy(() -> ServerlessWorkers.emrServerless(8, 18))
        .hasMessage("EMR Serverless 8-vCPU workers take 16 to 60 GB in steps of 4 GB, not 18 GB");
    assertThatThrownBy(() -> ServerlessWorkers.emrServerless(32, 100))
        .hasMessage("EMR Serverless 32-vCPU workers take one of 60, 120, 244 GB, not 100 GB");
    assertThatThrownBy(() -> ServerlessWorkers.emrServerless(3, 12))
        .hasMessage("EMR Serverless workers have 1, 2, 4, 8, 16, 32 vCPUs, not 3");
    assertThatThrownBy(() -> ServerlessWorkers.parse("4g30"))
        .hasMessage("a serverless worker is VCPUSxGB, e.g. 4x30, not '4g30'");
    // The edges of a range are accepted.
    assertThat(ServerlessWorkers.emrServerless(8, 60).memoryGb()).isEqualTo(60);
    assertThat(ServerlessWorkers.parse("1x2").vcpus()).isEqualTo(1);
  }

  @Test
  void serverlessCostDependsOnTaskHoursAndMemoryPerVcpuNotOnTheDeadline() {
    Worker w = ServerlessWorkers.emrServerless(4, 16);
    ServerlessPlan hour = ClusterCost.serverless(w, 64, 1, 0.05, 0.005);
    ServerlessPlan halfHour = ClusterCost.serverless(w, 64, 0.5, 0.05, 0.005);
    // 64 task-hours on 4-vCPU workers within 1 h: 16 workers; within 0.5 h: 32.
    assertThat(hour.workers()).isEqualTo(16);
    assertThat(halfHour.workers()).isEqualTo(32);
    double expected = 64.0 / 4 * (4 * 0.05 + 16 * 0.005);
    assertThat(hour.cost()).isCloseTo(expected, within(1e-9));
    assertThat(halfHour.cost()).isCloseTo(expected, within(1e-9));
    // Twice the memory per vCPU costs more for the same work.
    ServerlessPlan fat =
        ClusterCost.serverless(ServerlessWorkers.emrServerless(4, 30), 64, 1, 0.05, 0.005);
    assertThat(fat.cost()).isGreaterThan(hour.cost());
  }
}
