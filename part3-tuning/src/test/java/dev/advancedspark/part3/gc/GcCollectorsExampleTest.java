package dev.advancedspark.part3.gc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.advancedspark.common.testkit.SharedSpark;
import dev.advancedspark.part3.gc.GcCollectorsExample.Collector;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What can be checked without a cluster: the collector is an executor option only, and in local
 * mode the executors are the driver's JVM, so they run the driver's collector whatever the option.
 * The measured G1-vs-Parallel run is {@code bin/run-example GcCollectorsExample} (README).
 */
class GcCollectorsExampleTest {

  @Test
  void theCollectorIsAnExecutorJvmOptionAndLeavesTheDriverAlone() {
    Map<String, String> g1 = GcCollectorsExample.executorConf(Collector.G1, "512m");
    Map<String, String> parallel = GcCollectorsExample.executorConf(Collector.PARALLEL, "512m");

    assertThat(g1).containsEntry("spark.executor.extraJavaOptions", "-XX:+UseG1GC");
    assertThat(parallel).containsEntry("spark.executor.extraJavaOptions", "-XX:+UseParallelGC");
    assertThat(g1.keySet()).noneMatch(k -> k.startsWith("spark.driver."));
  }

  @Test
  void inLocalModeTheExecutorsRunTheDriversCollector() {
    assertThat(GcCollectorsExample.executorCollectors(SharedSpark.session()))
        .isNotEmpty()
        .isEqualTo(GcCollectorsExample.driverCollectors());
  }

  @Test
  void aMalformedMemoryIsAUsageError() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status =
        GcCollectorsExample.run(
            new String[] {"--executor-memory", "lots"},
            new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));

    assertThat(status).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .startsWith("error: --executor-memory must look like 512m or 1g, got 'lots'.");
  }
}
