package dev.advancedspark.part4.platforms;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.emr.EmrClient;
import software.amazon.awssdk.services.emr.model.ActionOnFailure;
import software.amazon.awssdk.services.emr.model.AddJobFlowStepsRequest;
import software.amazon.awssdk.services.emr.model.AddJobFlowStepsResponse;
import software.amazon.awssdk.services.emr.model.HadoopJarStepConfig;
import software.amazon.awssdk.services.emr.model.StepConfig;

/**
 * The EMR step file {@code platforms/emr/add-job-flow-steps.json} is exactly what the AWS SDK for
 * Java v2 ({@code software.amazon.awssdk:emr}) sends for an {@code AddJobFlowSteps} call built from
 * the SDK's own model classes: the request goes to a stub HTTP server on 127.0.0.1 (the JDK's
 * {@code HttpServer}), which records it and answers like EMR. No AWS account, no network.
 */
class EmrStepsTest {

  static final Path FILE = Path.of("platforms/emr/add-job-flow-steps.json");
  private static final ObjectMapper JSON = new ObjectMapper();

  private static HttpServer stub;
  private static final List<Map.Entry<Map<String, List<String>>, String>> requests =
      new CopyOnWriteArrayList<>();

  @BeforeAll
  static void startStub() throws IOException {
    stub = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
    stub.createContext(
        "/",
        exchange -> {
          String body =
              new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
          requests.add(Map.entry(Map.copyOf(exchange.getRequestHeaders()), body));
          byte[] answer = "{\"StepIds\":[\"s-EXAMPLE0001\"]}".getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().add("Content-Type", "application/x-amz-json-1.1");
          exchange.sendResponseHeaders(200, answer.length);
          exchange.getResponseBody().write(answer);
          exchange.close();
        });
    stub.start();
  }

  @AfterAll
  static void stopStub() {
    stub.stop(0);
  }

  /** The step as a reader would write it in Java: the SDK's builders, the job's arguments. */
  static AddJobFlowStepsRequest request(String clusterId, List<String> sparkSubmitArgs) {
    List<String> args = new ArrayList<>();
    args.add("spark-submit");
    args.addAll(sparkSubmitArgs);
    return AddJobFlowStepsRequest.builder()
        .jobFlowId(clusterId)
        .steps(
            StepConfig.builder()
                .name("daily-revenue 2026-11-28")
                .actionOnFailure(ActionOnFailure.CONTINUE)
                .hadoopJarStep(
                    HadoopJarStepConfig.builder().jar("command-runner.jar").args(args).build())
                .build())
        .build();
  }

  private static EmrClient client() {
    return EmrClient.builder()
        .endpointOverride(URI.create("http://127.0.0.1:" + stub.getAddress().getPort()))
        .region(Region.US_EAST_1)
        .credentialsProvider(
            StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDEXAMPLE", "secret")))
        .httpClient(UrlConnectionHttpClient.create())
        .build();
  }

  @Test
  void theShippedFileIsTheWireRequestTheSdkSends() throws IOException {
    JsonNode file = JSON.readTree(FILE.toFile());
    List<String> sparkSubmitArgs = new ArrayList<>();
    file.at("/Steps/0/HadoopJarStep/Args").forEach(a -> sparkSubmitArgs.add(a.asText()));
    sparkSubmitArgs.remove(0); // "spark-submit", which request() puts first

    requests.clear();
    AddJobFlowStepsResponse response;
    try (EmrClient emr = client()) {
      response = emr.addJobFlowSteps(request("j-EXAMPLE12345", sparkSubmitArgs));
    }

    assertThat(response.stepIds()).containsExactly("s-EXAMPLE0001");
    assertThat(requests).hasSize(1);
    Map<String, List<String>> headers = requests.get(0).getKey();
    assertThat(headers.get("X-amz-target")).containsExactly("ElasticMapReduce.AddJobFlowSteps");
    assertThat(headers.get("Content-type")).containsExactly("application/x-amz-json-1.1");
    assertThat(headers.get("Authorization").get(0))
        .startsWith("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/");
    assertThat(JSON.readTree(requests.get(0).getValue())).isEqualTo(file);
  }

  @Test
  void aStepWithAnEnumTheSdkDoesNotKnowIsSentAsIsAndWouldFailAtEmr() {
    // The SDK keeps unknown enum values (forward compatibility): an offline check must compare
    // against the known values itself, as this test does for the shipped file.
    assertThat(ActionOnFailure.fromValue("CONTINUE_ON_FAILURE"))
        .isEqualTo(ActionOnFailure.UNKNOWN_TO_SDK_VERSION);
    assertThat(ActionOnFailure.knownValues())
        .extracting(ActionOnFailure::toString)
        .contains("CONTINUE", "TERMINATE_CLUSTER", "CANCEL_AND_WAIT");
  }

  @Test
  void theShippedActionOnFailureIsOneEmrKnows() throws IOException {
    String action = JSON.readTree(FILE.toFile()).at("/Steps/0/ActionOnFailure").asText();
    assertThat(ActionOnFailure.fromValue(action)).isIn(ActionOnFailure.knownValues());
  }

  @Test
  void theStepRunsTheApplicationJarInClusterModeWithTheDecommissionSettings() throws IOException {
    String args = JSON.readTree(FILE.toFile()).at("/Steps/0/HadoopJarStep/Args").toString();
    assertThat(args)
        .contains("\"--deploy-mode\",\"cluster\"")
        .contains("spark.decommission.enabled=true")
        .contains("spark.storage.decommission.shuffleBlocks.enabled=true")
        .contains("daily-revenue-app.jar");
  }
}
