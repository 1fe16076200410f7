package dev.advancedspark.part4.platforms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.databricks.sdk.core.utils.SerDeUtils;
import com.databricks.sdk.service.compute.AwsAvailability;
import com.databricks.sdk.service.compute.ClusterSpec;
import com.databricks.sdk.service.jobs.CreateJob;
import com.databricks.sdk.service.jobs.Task;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The Databricks job definition read into the Databricks SDK for Java's own request class ({@code
 * CreateJob}), with Jackson set to refuse what the model does not know: a misspelled field is an
 * error here, not a setting the Jobs API drops.
 */
class DatabricksJobTest {

  static final Path FILE = Path.of("platforms/databricks/job.json");

  /** The SDK's own mapper, made strict. */
  static ObjectMapper strictMapper() {
    return SerDeUtils.createMapper()
        .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .disable(DeserializationFeature.READ_UNKNOWN_ENUM_VALUES_AS_NULL)
        .disable(DeserializationFeature.READ_UNKNOWN_ENUM_VALUES_USING_DEFAULT_VALUE);
  }

  @Test
  void theFileIsADatabricksCreateJobRequest() throws IOException {
    CreateJob job = strictMapper().readValue(FILE.toFile(), CreateJob.class);
    assertThat(job.getName()).isEqualTo("daily-revenue");
    assertThat(job.getTasks()).hasSize(1);
    Task task = job.getTasks().iterator().next();
    assertThat(task.getSparkJarTask().getMainClassName())
        .isEqualTo("dev.advancedspark.part4.app.DailyRevenueJob");
    ClusterSpec cluster = task.getNewCluster();
    assertThat(cluster.getAwsAttributes().getAvailability())
        .isEqualTo(AwsAvailability.SPOT_WITH_FALLBACK);
    // The driver (the first node) on demand, the workers on spot.
    assertThat(cluster.getAwsAttributes().getFirstOnDemand()).isEqualTo(1L);
    assertThat(cluster.getAutoscale().getMinWorkers()).isEqualTo(2L);
    assertThat(cluster.getAutoscale().getMaxWorkers()).isEqualTo(8L);
    assertThat(cluster.getSparkConf()).containsEntry("spark.decommission.enabled", "true");
    // Written back by the SDK's mapper, the request is the file: nothing was dropped.
    ObjectMapper mapper = strictMapper();
    assertThat(mapper.readTree(mapper.writeValueAsString(job)))
        .isEqualTo(mapper.readTree(FILE.toFile()));
  }

  @Test
  void aMisspelledFieldIsRefused() throws IOException {
    String json =
        Files.readString(FILE).replace("\"spot_bid_price_percent\"", "\"spot_bid_percent\"");
    assertThatThrownBy(() -> strictMapper().readValue(json, CreateJob.class))
        .isInstanceOf(UnrecognizedPropertyException.class)
        .hasMessageContaining("spot_bid_percent");
  }

  @Test
  void anUnknownEnumValueIsRefused() throws IOException {
    String json = Files.readString(FILE).replace("SPOT_WITH_FALLBACK", "SPOT_FALLBACK");
    assertThatThrownBy(() -> strictMapper().readValue(json, CreateJob.class))
        .isInstanceOf(InvalidFormatException.class)
        .hasMessageContaining("SPOT_FALLBACK");
  }
}
