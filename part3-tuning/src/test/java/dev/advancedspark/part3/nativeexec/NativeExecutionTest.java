package dev.advancedspark.part3.nativeexec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.advancedspark.common.Examples;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;
import org.apache.comet.CometConf$;
import org.apache.comet.ConfigEntry;
import org.junit.jupiter.api.Test;
import scala.jdk.javaapi.CollectionConverters;

/**
 * What needs no Spark session: Comet's settings are ones Comet knows, the memory budget follows
 * Spark's rules, and a missing plugin is one line and exit status 2. The plans are checked in
 * {@link NativeExecutionIT}, in a session of its own.
 */
class NativeExecutionTest {

  @Test
  void everyCometSettingOfTheLessonIsOneCometKnows() {
    // given: the keys Comet 1.2.0 registers (a misspelled or renamed key is silently ignored)
    Set<String> known = new HashSet<>();
    for (Object entry : CollectionConverters.asJava(CometConf$.MODULE$.allConfs())) {
      known.add(((ConfigEntry<?>) entry).key());
    }

    // when
    Set<String> cometKeys = new HashSet<>(NativeExecution.cometConf("1g").keySet());
    cometKeys.removeIf(k -> !k.startsWith("spark.comet."));

    // then: e.g. spark.comet.exec.shuffle.enabled, the older name, is not among them
    assertThat(cometKeys).hasSize(5);
    assertThat(known).containsAll(cometKeys).doesNotContain("spark.comet.exec.shuffle.enabled");
    assertThat(NativeExecution.cometConf("1g"))
        .containsEntry("spark.plugins", NativeExecution.PLUGIN_CLASS)
        .containsEntry("spark.memory.offHeap.enabled", "true")
        .containsEntry("spark.memory.offHeap.size", "1g");
  }

  @Test
  void cometsOffHeapPoolGrowsTheContainerNotTheHeap() {
    // when: an 8 GiB executor with a 2 GiB pool
    NativeExecution.MemoryBudget budget = NativeExecution.executorBudget("8g", "2g");

    // then: heap and unified pool as before, overhead max(384, 10 %), container + 2,048 MiB
    assertThat(budget.heapMiB()).isEqualTo(8192);
    assertThat(budget.unifiedOnHeapMiB()).isEqualTo(4735); // (8192 - 300) x 0.6
    assertThat(budget.overheadMiB()).isEqualTo(819);
    assertThat(budget.containerWithoutMiB()).isEqualTo(9011);
    assertThat(budget.containerWithMiB()).isEqualTo(11059);
    assertThat(budget.describe()).contains("container 11,059 MiB (+23 %)");
  }

  @Test
  void aMissingPluginIsOneLineNamingTheArtifactAndExitStatus2() {
    // given: the real plugin is on the test class path, a misspelled one is not
    assertThat(NativeExecution.missingPlugin(NativeExecution.PLUGIN_CLASS)).isEmpty();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream previous = System.err;

    // when
    int status;
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    try {
      status =
          Examples.exitStatusOf(
              () -> NativeExecutionExample.run(new String[0], "org.apache.spark.NoCometPlugin"),
              false);
    } finally {
      System.setErr(previous);
    }

    // then: no Spark started, no stack trace
    String printed = err.toString(StandardCharsets.UTF_8);
    assertThat(status).isEqualTo(2);
    assertThat(printed.lines()).hasSize(1);
    assertThat(printed)
        .startsWith("error: Comet is not on the class path (org.apache.spark.NoCometPlugin")
        .contains(NativeExecution.ARTIFACT)
        .doesNotContain("Exception");
  }
}
