package dev.advancedspark.part4.lint;

import static org.assertj.core.api.Assertions.assertThat;

import dev.advancedspark.part4.lint.SparkConfRegistry.Status;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;

class SparkConfRegistryTest {

  private final SparkConfRegistry registry = SparkConfRegistry.get();

  @Test
  void knowsTheKeysOfCoreSqlKubernetesAndYarn() {
    assertThat(registry.keys()).hasSizeGreaterThan(1_200);
    for (String key :
        List.of(
            "spark.executor.memory",
            "spark.executor.memoryOverheadFactor",
            "spark.sql.shuffle.partitions",
            "spark.sql.adaptive.enabled",
            "spark.decommission.enabled",
            "spark.storage.decommission.shuffleBlocks.enabled",
            "spark.dynamicAllocation.shuffleTracking.enabled",
            "spark.kubernetes.container.image",
            "spark.kubernetes.executor.podTemplateFile",
            "spark.yarn.queue",
            "spark.driver.defaultJavaOptions",
            "spark.master",
            "spark.app.name")) {
      assertThat(registry.lookup(key).status()).as(key).isEqualTo(Status.DEFINED);
    }
  }

  @Test
  void aTypoIsUnknownAndGetsTheNearestRealKey() {
    SparkConfRegistry.Lookup l = registry.lookup("spark.executor.memoryOverhed");
    assertThat(l.status()).isEqualTo(Status.UNKNOWN);
    assertThat(l.suggestion()).isEqualTo("spark.executor.memoryOverhead");
    assertThat(registry.lookup("spark.dynamicallocation.enabled").suggestion())
        .isEqualTo("spark.dynamicAllocation.enabled");
    assertThat(registry.lookup("spark.kubernetes.contianer.image").suggestion())
        .isEqualTo("spark.kubernetes.container.image");
    assertThat(registry.lookup("spark.completely.made.up.setting").suggestion()).isEmpty();
  }

  @Test
  void freeFormFamiliesAreAcceptedByPrefixIncludingKubernetesOnes() {
    assertThat(registry.lookup("spark.hadoop.fs.s3a.impl").status()).isEqualTo(Status.PREFIX);
    assertThat(registry.lookup("spark.sql.catalog.glue.warehouse").status())
        .isEqualTo(Status.PREFIX);
    assertThat(registry.lookup("spark.executorEnv.TZ").status()).isEqualTo(Status.PREFIX);
    SparkConfRegistry.Lookup label = registry.lookup("spark.kubernetes.driver.label.team");
    assertThat(label.status()).isEqualTo(Status.PREFIX);
    assertThat(label.detail()).contains("KUBERNETES_DRIVER_LABEL_PREFIX");
    // A prefix alone is not a key.
    assertThat(registry.lookup("spark.hadoop.").status()).isEqualTo(Status.UNKNOWN);
  }

  @Test
  void oldNamesAndRemovedSettingsAreTold() {
    SparkConfRegistry.Lookup old = registry.lookup("spark.yarn.executor.memoryOverhead");
    assertThat(old.status()).isEqualTo(Status.ALTERNATIVE);
    assertThat(old.detail()).isEqualTo("spark.executor.memoryOverhead");
    assertThat(registry.lookup("spark.sql.execution.pandas.respectSessionTimeZone").status())
        .isEqualTo(Status.REMOVED);
  }

  /**
   * Guards {@link SparkConfRegistry#HOLDERS}: every Scala object in a Spark jar on the class path
   * that builds config entries must be in the list, or its keys would be reported as typos.
   */
  @Test
  void theHolderListCoversEveryClassThatBuildsConfigEntries() throws IOException {
    byte[] marker =
        "org/apache/spark/internal/config/ConfigBuilder".getBytes(StandardCharsets.US_ASCII);
    List<String> builders = new ArrayList<>();
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      String name = new File(entry).getName();
      if (!name.startsWith("spark-") || !name.endsWith(".jar")) {
        continue;
      }
      try (JarFile jar = new JarFile(entry)) {
        Enumeration<JarEntry> e = jar.entries();
        while (e.hasMoreElements()) {
          JarEntry je = e.nextElement();
          String n = je.getName();
          if (!n.endsWith("$.class")
              || n.contains("$anon")
              || n.startsWith("org/apache/spark/internal/config/")
                  && !n.matches("org/apache/spark/internal/config/[A-Za-z]+\\$\\.class")) {
            continue;
          }
          try (InputStream in = jar.getInputStream(je)) {
            if (indexOf(in.readAllBytes(), marker) >= 0) {
              builders.add(n.replace('/', '.').substring(0, n.length() - ".class".length()));
            }
          }
        }
      }
    }
    builders.removeIf(c -> c.equals("org.apache.spark.internal.config.ConfigBuilder$"));
    assertThat(builders)
        .contains("org.apache.spark.sql.internal.SQLConf$", "org.apache.spark.deploy.k8s.Config$");
    assertThat(SparkConfRegistry.HOLDERS).containsAll(builders);
    assertThat(registry.loadedHolders()).containsAll(builders);
  }

  private static int indexOf(byte[] data, byte[] pattern) {
    outer:
    for (int i = 0; i <= data.length - pattern.length; i++) {
      for (int j = 0; j < pattern.length; j++) {
        if (data[i + j] != pattern[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
