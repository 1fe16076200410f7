package dev.advancedspark.part4.platforms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.cloud.dataproc.v1.Batch;
import com.google.cloud.dataproc.v1.Job;
import com.google.cloud.dataproc.v1.LoggingConfig;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The Dataproc files parsed into Google's own model classes ({@code
 * proto-google-cloud-dataproc-v1}) with protobuf's JSON parser, which refuses unknown fields and
 * enum values: the check the Dataproc API does on the request, offline.
 */
class DataprocFilesTest {

  static final Path DIR = Path.of("platforms/dataproc");

  static <B extends Message.Builder> B parse(String json, B builder)
      throws InvalidProtocolBufferException {
    JsonFormat.parser().merge(json, builder);
    return builder;
  }

  @Test
  void theBatchIsADataprocBatch() throws IOException {
    String json = Files.readString(DIR.resolve("batch.json"));
    Batch batch = parse(json, Batch.newBuilder()).build();
    assertThat(batch.getBatchConfigCase()).isEqualTo(Batch.BatchConfigCase.SPARK_BATCH);
    assertThat(batch.getSparkBatch().getMainClass())
        .isEqualTo("dev.advancedspark.part4.app.DailyRevenueJob");
    assertThat(batch.getRuntimeConfig().getPropertiesMap())
        .containsEntry("spark.executor.memory", "8g")
        .containsEntry("spark.dynamicAllocation.maxExecutors", "20");
    assertThat(batch.getEnvironmentConfig().getExecutionConfig().getTtl().getSeconds())
        .isEqualTo(7200);
    assertPrintsBackTheSame(json, batch);
  }

  @Test
  void theJobIsADataprocSparkJobOnTheTerraformCluster() throws IOException {
    String json = Files.readString(DIR.resolve("job.json"));
    Job job = parse(json, Job.newBuilder()).build();
    assertThat(job.getPlacement().getClusterName()).isEqualTo("daily-revenue");
    assertThat(Files.readString(Path.of("platforms/terraform/dataproc.tf")))
        .containsPattern("name\\s*=\\s*\"daily-revenue\"");
    assertThat(job.getSparkJob().getPropertiesMap())
        .containsEntry("spark.decommission.enabled", "true")
        .containsEntry("spark.storage.decommission.shuffleBlocks.enabled", "true");
    assertThat(job.getSparkJob().getLoggingConfig().getDriverLogLevelsMap())
        .containsEntry("root", LoggingConfig.Level.WARN);
    assertPrintsBackTheSame(json, job);
  }

  @Test
  void anUnknownFieldIsRefused() throws IOException {
    String json =
        Files.readString(DIR.resolve("job.json")).replace("\"mainClass\"", "\"mainClas\"");
    assertThatThrownBy(() -> parse(json, Job.newBuilder()))
        .isInstanceOf(InvalidProtocolBufferException.class)
        .hasMessageContaining("mainClas");
  }

  @Test
  void anUnknownEnumValueIsRefused() throws IOException {
    String json = Files.readString(DIR.resolve("job.json")).replace("\"WARN\"", "\"WARNING\"");
    assertThatThrownBy(() -> parse(json, Job.newBuilder()))
        .isInstanceOf(InvalidProtocolBufferException.class)
        .hasMessageContaining("WARNING");
  }

  /** Printing the parsed message gives the file back: no field was dropped or renamed. */
  private static void assertPrintsBackTheSame(String json, Message message) throws IOException {
    ObjectMapper mapper = new ObjectMapper();
    assertThat(mapper.readTree(JsonFormat.printer().print(message)))
        .isEqualTo(mapper.readTree(json));
  }
}
