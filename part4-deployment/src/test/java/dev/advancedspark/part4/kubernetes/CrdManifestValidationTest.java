package dev.advancedspark.part4.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import com.networknt.schema.Schema;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The Kubernetes manifests in {@code platforms/kubernetes} against the operators' own CRD schemas
 * (vendored under {@code src/test/resources/.../kubernetes/crds}, see VENDORED.md there), made
 * strict as {@code kubectl apply --validate=strict} is.
 */
class CrdManifestValidationTest {

  static final Path DIR = Path.of("platforms/kubernetes");

  private static Schema kubeflow;
  private static Schema apache;
  private static Schema podTemplateSpec;

  @BeforeAll
  static void schemas() {
    kubeflow = CrdSchemas.compile(CrdSchemas.openApiSchema(CrdSchemas.KUBEFLOW_CRD, "v1beta2"));
    JsonNode apacheSchema = CrdSchemas.openApiSchema(CrdSchemas.APACHE_CRD, "v1");
    apache = CrdSchemas.compile(apacheSchema);
    // The apache operator's CRD embeds the full Kubernetes PodTemplateSpec schema: the pod
    // template files are checked against it.
    podTemplateSpec =
        CrdSchemas.compile(
            apacheSchema
                .path("properties")
                .path("spec")
                .path("properties")
                .path("driverSpec")
                .path("properties")
                .path("podTemplateSpec"));
  }

  @Test
  void theKubeflowManifestMatchesTheKubeflowCrd() {
    assertThat(CrdSchemas.validate(kubeflow, read("kubeflow-daily-revenue.yaml"))).isEmpty();
  }

  @Test
  void theApacheOperatorManifestMatchesItsCrd() {
    assertThat(CrdSchemas.validate(apache, read("apache-daily-revenue.yaml"))).isEmpty();
  }

  @Test
  void thePodTemplatesArePodTemplateSpecs() {
    for (String file : new String[] {"driver-pod-template.yaml", "executor-pod-template.yaml"}) {
      ObjectNode pod = (ObjectNode) read(file);
      assertThat(pod.path("kind").asString()).isEqualTo("Pod");
      pod.remove("apiVersion");
      pod.remove("kind");
      assertThat(CrdSchemas.validate(podTemplateSpec, pod)).as(file).isEmpty();
    }
  }

  @Test
  void aMisspelledFieldIsRejectedNotPruned() throws Exception {
    String text =
        Files.readString(DIR.resolve("kubeflow-daily-revenue.yaml"))
            .replace("  mainApplicationFile:", "  mainApplicationFle:");
    assertThat(CrdSchemas.validate(kubeflow, CrdSchemas.readYaml(text)))
        .anySatisfy(e -> assertThat(e).contains("mainApplicationFle"))
        .anySatisfy(e -> assertThat(e).contains("required").contains("mainApplicationFile"));

    String template =
        Files.readString(DIR.resolve("executor-pod-template.yaml"))
            .replace("terminationGracePeriodSeconds", "terminationGracePeriod");
    ObjectNode pod = (ObjectNode) CrdSchemas.readYaml(template);
    pod.remove("apiVersion");
    pod.remove("kind");
    assertThat(CrdSchemas.validate(podTemplateSpec, pod))
        .singleElement()
        .asString()
        .contains("terminationGracePeriod");
  }

  @Test
  void aWrongTypeOrEnumIsRejected() throws Exception {
    String text =
        Files.readString(DIR.resolve("apache-daily-revenue.yaml"))
            .replace("deploymentMode: ClusterMode", "deploymentMode: Cluster")
            .replace("maxExecutors: 10", "maxExecutors: ten");
    assertThat(CrdSchemas.validate(apache, CrdSchemas.readYaml(text)))
        .hasSize(2)
        .anySatisfy(e -> assertThat(e).contains("deploymentMode"))
        .anySatisfy(e -> assertThat(e).contains("maxExecutors"));
  }

  @Test
  void withoutStrictModeTheTypoWouldPass() throws Exception {
    // The lesson in one assertion: the CRD schema as the API server reads it accepts the typo.
    JsonNode lenient =
        CrdSchemas.readYaml(
                new String(
                    CrdSchemas.class.getResourceAsStream(CrdSchemas.KUBEFLOW_CRD).readAllBytes()))
            .path("spec")
            .path("versions")
            .get(0)
            .path("schema")
            .path("openAPIV3Schema");
    String text =
        Files.readString(DIR.resolve("kubeflow-daily-revenue.yaml"))
            .replace("    memoryOverhead: 1g", "    memoryOverhed: 1g");
    assertThat(CrdSchemas.validate(CrdSchemas.compile(lenient), CrdSchemas.readYaml(text)))
        .isEmpty();
    assertThat(CrdSchemas.validate(kubeflow, CrdSchemas.readYaml(text)))
        .singleElement()
        .asString()
        .contains("memoryOverhed");
  }

  private static JsonNode read(String file) {
    return CrdSchemas.readYaml(DIR.resolve(file));
  }
}
