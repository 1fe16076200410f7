package dev.advancedspark.part4.iac;

import static org.assertj.core.api.Assertions.assertThat;

import dev.advancedspark.part4.iac.StrictHcl.Body;
import dev.advancedspark.part4.lint.SparkConfLint;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The Terraform for EMR and Dataproc ({@code platforms/terraform}), parsed strictly and held to
 * {@link TerraformPolicies}; each policy is shown catching a change that breaks it.
 */
class TerraformPolicyTest {

  static final Path DIR = Path.of("platforms/terraform");

  @Test
  void theShippedTerraformParsesAndMeetsEveryPolicy() {
    List<Body> files = TerraformPolicies.parseFolder(DIR);
    assertThat(files).hasSize(3);
    assertThat(TerraformPolicies.resources(files, "aws_emr_cluster")).hasSize(1);
    assertThat(TerraformPolicies.resources(files, "google_dataproc_cluster")).hasSize(1);
    assertThat(TerraformPolicies.violations(files)).isEmpty();
  }

  @Test
  void theSparkSettingsInTheTerraformPassTheLint() {
    SparkConfLint.Report report =
        SparkConfLint.lintPaths(List.of(DIR), SparkConfLint.Options.defaults());
    assertThat(report.findings()).isEmpty();
    assertThat(report.settings()).isGreaterThanOrEqualTo(16);
  }

  /** One edit to one file, and the violation it must cause. */
  @ParameterizedTest(name = "{1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "emr.tf      | target_spot_capacity = 8   | target_spot_capacity = 30  | spot share of worker capacity must be 50-90%, got 94%",
        "emr.tf      | cost-center = \"analytics\" | owner = \"analytics\"     | aws_emr_cluster.daily_revenue: missing tag/label 'cost-center'",
        "emr.tf      | log_uri                           = \"s3://example-logs/emr/daily-revenue/\" | log_uri = \"hdfs:///logs\" | log_uri must be an s3:// location",
        "emr.tf      | capacity-optimized          | lowest-price                | use a capacity-optimized spot allocation strategy",
        "emr.tf      | maximum_ondemand_capacity_units = 2 | maximum_ondemand_capacity_units = 6 | on-demand and core units must stay at the core fleet's 2",
        "emr.tf      | \"spark.decommission.enabled\"                       = \"true\" | \"spark.decommission.enabled\" = \"false\" | uses spot capacity but does not set spark.decommission.enabled=true",
        "dataproc.tf | max_instances = 20          | max_instances = 50          | secondary workers need 0 <= min <= max <= 20, got 0..50",
        "dataproc.tf | graceful_decommission_timeout = \"3600s\" | graceful_decommission_timeout = \"0s\" | graceful_decommission_timeout below 600s",
        "dataproc.tf | preemptibility = \"SPOT\"     | preemptibility = \"NON_PREEMPTIBLE\" | secondary workers should be SPOT",
        "dataproc.tf | \"spark:spark.eventLog.dir\"                               = \"gs://example-logs/spark-events/\" | \"spark:spark.eventLog.dir\" = \"file:/tmp\" | Spark event logs must be on and in a bucket",
      })
  void eachPolicyCatchesTheChangeThatBreaksIt(String file, String from, String to, String violation)
      throws IOException {
    List<Body> files = new ArrayList<>();
    for (Path f :
        List.of(DIR.resolve("dataproc.tf"), DIR.resolve("emr.tf"), DIR.resolve("versions.tf"))) {
      String text = Files.readString(f);
      if (f.getFileName().toString().equals(file.strip())) {
        assertThat(text).as("the edit applies").contains(from.strip());
        text = text.replace(from.strip(), to.strip());
      }
      files.add(StrictHcl.parse(f.toString(), text));
    }
    assertThat(TerraformPolicies.violations(files))
        .anySatisfy(v -> assertThat(v).contains(violation.strip()));
  }
}
