package dev.advancedspark.part4.lint;

import static org.assertj.core.api.Assertions.assertThat;

import dev.advancedspark.part4.lint.SparkConfLint.Finding;
import dev.advancedspark.part4.lint.SparkConfLint.Options;
import dev.advancedspark.part4.lint.SparkConfLint.Setting;
import dev.advancedspark.part4.lint.SparkConfLint.Severity;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SparkConfLintTest {

  private static final Path FILE = Path.of("job.conf");

  private static List<Finding> lint(String text) {
    return SparkConfLint.lint(FILE, text, Options.defaults());
  }

  private static List<String> errors(String text) {
    return lint(text).stream()
        .filter(f -> f.severity() == Severity.ERROR)
        .map(Finding::message)
        .toList();
  }

  @Test
  void findsKeysAndValuesInEveryFormat() {
    String text =
        String.join(
            "\n",
            "spark-submit --conf spark.executor.memory=4g \\", // spark-submit
            "spark.executor.cores   4", // spark-defaults.conf
            "  spark.sql.shuffle.partitions: \"64\"", // YAML
            "  \"spark.dynamicAllocation.enabled\": \"true\",", // JSON
            "  \"spark:spark.executor.instances\" = \"3\"", // Dataproc property in HCL
            "  \"Args\": [\"--conf\", \"spark.decommission.enabled=true\"]", // EMR step
            "# spark.not.a.key in a comment is skipped",
            "see https://spark.apache.org/docs and org.apache.spark.SparkConf: not keys");
    assertThat(SparkConfLint.settings(text))
        .extracting(Setting::key, Setting::value)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("spark.executor.memory", "4g"),
            org.assertj.core.groups.Tuple.tuple("spark.executor.cores", "4"),
            org.assertj.core.groups.Tuple.tuple("spark.sql.shuffle.partitions", "64"),
            org.assertj.core.groups.Tuple.tuple("spark.dynamicAllocation.enabled", "true"),
            org.assertj.core.groups.Tuple.tuple("spark.executor.instances", "3"),
            org.assertj.core.groups.Tuple.tuple("spark.decommission.enabled", "true"));
    assertThat(lint(text)).isEmpty();
  }

  @Test
  void aTypoIsAnErrorThatNamesTheRealKey() {
    assertThat(errors("--conf spark.executor.memoryOverhed=1g"))
        .containsExactly(
            "spark.executor.memoryOverhed is not a Spark 4.2 setting (Spark ignores it);"
                + " did you mean spark.executor.memoryOverhead?");
  }

  @Test
  void aValueTheKeysConverterRefusesIsAnError() {
    assertThat(errors("spark.dynamicAllocation.enabled=ture"))
        .singleElement()
        .asString()
        .startsWith("'ture' is not a valid value of spark.dynamicAllocation.enabled");
    assertThat(errors("spark.executor.memory: \"4 GiB\"")).hasSize(1);
    // Templates are left alone: their value is known only at deploy time.
    assertThat(lint("spark.executor.memory=${executor_memory}")).isEmpty();
  }

  @Test
  void oldNamesAreWarningsAndPrefixFamiliesPass() {
    List<Finding> f =
        lint(
            "spark.yarn.executor.memoryOverhead=1g\n"
                + "spark.hadoop.fs.s3a.aws.credentials.provider=x\n"
                + "spark.kubernetes.driver.label.team=data\n");
    assertThat(f)
        .singleElement()
        .satisfies(
            w -> {
              assertThat(w.severity()).isEqualTo(Severity.WARNING);
              assertThat(w.message()).contains("old name of spark.executor.memoryOverhead");
            });
  }

  @Test
  void anExecutorThatDoesNotFitTheNamedNodeTypeIsAnError() {
    // m5.xlarge: 16 GiB; the built-in rule keeps 2763 MiB for the node: 13621 MiB allocatable.
    // 12g heap + max(384, 0.10 x 12288) = 12288 + 1228 = 13516 MiB: fits.
    assertThat(errors("instance_type = \"m5.xlarge\"\nspark.executor.memory=12g")).isEmpty();
    // 13g: 13312 + 1331 = 14643 MiB: does not.
    assertThat(errors("instance_type = \"m5.xlarge\"\nspark.executor.memory=13g"))
        .containsExactly(
            "the executor container needs 14643 MiB (heap 13312 + overhead 1331 MiB) but a"
                + " m5.xlarge has 13621 MiB allocatable (16.0 GiB node): it never gets scheduled");
  }

  @Test
  void theMinimumOverheadAndOffHeapCountToo() {
    // 384 MiB minimum overhead dominates a small heap; off-heap memory is on top of both.
    SparkConfLint.ContainerRequest r =
        SparkConfLint.request(
            "executor",
            java.util.Map.of(
                "spark.executor.memory", new Setting("1", "spark.executor.memory", "2g"),
                "spark.memory.offHeap.enabled",
                    new Setting("2", "spark.memory.offHeap.enabled", "true"),
                "spark.memory.offHeap.size", new Setting("3", "spark.memory.offHeap.size", "1g")));
    assertThat(r.heapMib()).isEqualTo(2048);
    assertThat(r.overheadMib()).isEqualTo(384);
    assertThat(r.extraMib()).isEqualTo(1024);
  }

  @Test
  void moreCoresThanTheNodeHasIsAnError() {
    assertThat(errors("machine_type = \"n2-standard-4\"\nspark.executor.cores=8"))
        .containsExactly("the executor asks for 8 cores but a n2-standard-4 has 4 vCPUs");
  }

  @Test
  void kubeflowDriverAndExecutorFieldsAreCheckedAsSparkKeys() {
    String manifest =
        String.join(
            "\n",
            "apiVersion: sparkoperator.k8s.io/v1beta2",
            "kind: SparkApplication",
            "spec:",
            "  executor:",
            "    memory: 30g",
            "    cores: 4",
            "    nodeSelector:",
            "      node.kubernetes.io/instance-type: m5.2xlarge");
    assertThat(errors(manifest))
        .singleElement()
        .asString()
        .startsWith("the executor container needs 33792 MiB");
  }

  @Test
  void vendorPrefixesPassOnlyWhenAllowed(@TempDir Path dir) throws IOException {
    Path f =
        Files.writeString(
            dir.resolve("db.json"), "\"spark.databricks.delta.preview.enabled\": \"true\"\n");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
    assertThat(SparkConfLint.run(new String[] {"--path", f.toString()}, o, o)).isEqualTo(1);
    assertThat(
            SparkConfLint.run(
                new String[] {"--path", f.toString(), "--allow-prefix", "spark.databricks."}, o, o))
        .isEqualTo(0);
  }

  @Test
  void aReadersOwnNodeCatalogReplacesTheBuiltInOne(@TempDir Path dir) throws IOException {
    // EMR's own figure for a node type (YARN memory) instead of the built-in rule.
    Path csv = Files.writeString(dir.resolve("nodes.csv"), "m5.xlarge,aws,4,16,12288\n");
    Path job =
        Files.writeString(
            dir.resolve("job.tf"),
            "instance_type = \"m5.xlarge\"\n\"spark.executor.memory\" = \"11g\"\n");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
    // Built in: 11264 + 1126 = 12390 MiB fits 13621 MiB.
    assertThat(SparkConfLint.run(new String[] {"--path", job.toString()}, o, o)).isEqualTo(0);
    // With 12288 MiB allocatable it does not.
    assertThat(
            SparkConfLint.run(
                new String[] {"--path", job.toString(), "--node-types", csv.toString()}, o, o))
        .isEqualTo(1);
    assertThat(out.toString(StandardCharsets.UTF_8))
        .contains("needs 12390 MiB (heap 11264 + overhead 1126 MiB) but a m5.xlarge has 12288 MiB");
    assertThat(
            SparkConfLint.run(
                new String[] {"--path", job.toString(), "--node-types", "missing.csv"}, o, o))
        .isEqualTo(2);
  }

  @Test
  void theToolExitsOneOnFindingsTwoOnAMissingPathAndZeroWhenClean(@TempDir Path dir)
      throws IOException {
    Path bad = Files.writeString(dir.resolve("bad.sh"), "--conf spark.exectuor.cores=2\n");
    Path good = Files.writeString(dir.resolve("good.properties"), "spark.executor.cores 2\n");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
    PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);

    assertThat(SparkConfLint.run(new String[] {"--path", bad.toString()}, o, e)).isEqualTo(1);
    assertThat(out.toString(StandardCharsets.UTF_8))
        .contains("bad.sh:line 1: error: spark.exectuor.cores is not a Spark 4.2 setting")
        .contains("did you mean spark.executor.cores?")
        .contains("1 files, 1 settings: 1 errors, 0 warnings");

    assertThat(SparkConfLint.run(new String[] {"--path", good.toString()}, o, e)).isEqualTo(0);

    assertThat(
            SparkConfLint.run(new String[] {"--path", dir.resolve("nope.yaml").toString()}, o, e))
        .isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("path not found:")
        .contains("nope.yaml");
    assertThat(SparkConfLint.run(new String[] {"--pth", "x"}, o, e)).isEqualTo(2);
  }
}
