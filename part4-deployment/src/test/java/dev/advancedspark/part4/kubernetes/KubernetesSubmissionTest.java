package dev.advancedspark.part4.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.SparkConf;
import org.apache.spark.deploy.k8s.submit.KubernetesClientApplication;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Spark's own Kubernetes submission ({@code spark-kubernetes_2.13:4.2.0}, the code behind {@code
 * spark-submit --master k8s://... --deploy-mode cluster}) run against an in-process mock API server
 * on 127.0.0.1, with the {@code --conf} lines of {@code platforms/kubernetes/spark-submit-k8s.sh}.
 * What Spark asks the cluster for is then read back from the mock: the driver pod (resources,
 * labels, the pod template's node selector), its config maps (the settings the driver starts with,
 * the executor pod template) and the driver service. No image is pulled and no pod runs: this shows
 * the request, not the job.
 */
class KubernetesSubmissionTest {

  static final Path SCRIPT = Path.of("platforms/kubernetes/spark-submit-k8s.sh");
  static final String NAMESPACE = "data-jobs";

  private static KubernetesMockServer server;
  private static KubernetesClient client;

  @BeforeAll
  static void submit() throws IOException {
    server =
        new KubernetesMockServer(
            new Context(),
            new MockWebServer(),
            new HashMap<>(),
            new ApplyAsCreateDispatcher(),
            false);
    server.init(InetAddress.getByName("127.0.0.1"), 0);
    client = server.createClient();

    Map<String, String> confLines = confLines(Files.readString(SCRIPT));
    SparkConf conf = new SparkConf(false);
    confLines.forEach(conf::set);
    conf.set("spark.master", "k8s://" + client.getMasterUrl().toString().replaceAll("/$", ""))
        .set("spark.submit.deployMode", "cluster")
        .set("spark.app.name", "daily-revenue")
        .set(
            "spark.kubernetes.driver.podTemplateFile",
            SCRIPT.resolveSibling("driver-pod-template.yaml").toAbsolutePath().toString())
        .set(
            "spark.kubernetes.executor.podTemplateFile",
            SCRIPT.resolveSibling("executor-pod-template.yaml").toAbsolutePath().toString());
    new KubernetesClientApplication()
        .start(
            new String[] {
              "--primary-java-resource",
              "local:///opt/spark/app/daily-revenue-app.jar",
              "--main-class",
              "dev.advancedspark.part4.app.DailyRevenueJob",
              "--arg",
              "--input",
              "--arg",
              "s3a://example-data/orders/2026-11-28/"
            },
            conf);
  }

  @AfterAll
  static void stop() {
    if (client != null) {
      client.close();
    }
    if (server != null) {
      server.destroy();
    }
  }

  /** The {@code --conf key=value} lines of a spark-submit script. */
  static Map<String, String> confLines(String script) {
    Map<String, String> conf = new LinkedHashMap<>();
    Matcher m = Pattern.compile("--conf\\s+\"?([^=\\s]+)=([^\"\\s]*)").matcher(script);
    while (m.find()) {
      conf.put(m.group(1), m.group(2));
    }
    return conf;
  }

  private static Pod driverPod() {
    List<Pod> pods = client.pods().inNamespace(NAMESPACE).list().getItems();
    assertThat(pods).hasSize(1);
    return pods.get(0);
  }

  @Test
  void theScriptsSettingsAreRead() throws IOException {
    Map<String, String> conf = confLines(Files.readString(SCRIPT));
    assertThat(conf)
        .containsEntry("spark.executor.memory", "4g")
        .containsEntry("spark.decommission.enabled", "true")
        .hasSizeGreaterThan(20);
  }

  @Test
  void theDriverPodAsksForHeapPlusOverheadAndTheCoresSet() {
    Container driver = driverPod().getSpec().getContainers().get(0);
    // spark.driver.memory=2g + overhead max(384 MiB, 0.10 x 2048 MiB) = 2048 + 384 = 2432 MiB.
    assertThat(driver.getResources().getRequests().get("memory")).isEqualTo(new Quantity("2432Mi"));
    assertThat(driver.getResources().getLimits().get("memory")).isEqualTo(new Quantity("2432Mi"));
    assertThat(driver.getResources().getRequests().get("cpu")).isEqualTo(new Quantity("1"));
    assertThat(driver.getImage()).isEqualTo("registry.example.com/data/daily-revenue:1.0.0");
    assertThat(driver.getArgs()).contains("driver", "dev.advancedspark.part4.app.DailyRevenueJob");
  }

  @Test
  void theDriverPodCarriesSparkAndTeamLabelsAndTheTemplatesNodeSelector() {
    Pod pod = driverPod();
    assertThat(pod.getMetadata().getLabels())
        .containsEntry("spark-role", "driver")
        .containsEntry("team", "data-platform")
        .containsKey("spark-app-selector");
    assertThat(pod.getSpec().getServiceAccountName()).isEqualTo("spark-driver");
    assertThat(pod.getSpec().getNodeSelector())
        .containsEntry("node.kubernetes.io/instance-type", "m5.2xlarge")
        .containsEntry("karpenter.sh/capacity-type", "on-demand");
    assertThat(pod.getSpec().getContainers().get(0).getEnv())
        .anySatisfy(e -> assertThat(e.getName() + "=" + e.getValue()).isEqualTo("TZ=UTC"));
  }

  @Test
  void theDriversConfigMapCarriesDecommissionAndShuffleTrackingSettings() {
    List<ConfigMap> maps = client.configMaps().inNamespace(NAMESPACE).list().getItems();
    String properties =
        maps.stream()
            .filter(cm -> cm.getData() != null && cm.getData().containsKey("spark.properties"))
            .map(cm -> cm.getData().get("spark.properties"))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no spark.properties config map in " + maps));
    assertThat(properties)
        .contains("spark.decommission.enabled=true")
        .contains("spark.storage.decommission.shuffleBlocks.enabled=true")
        .contains("spark.storage.decommission.rddBlocks.enabled=true")
        .contains("spark.dynamicAllocation.shuffleTracking.enabled=true")
        .contains("spark.dynamicAllocation.shuffleTracking.timeout=30min")
        .contains("spark.executor.memory=4g")
        .contains("spark.executor.memoryOverhead=1g");
    // The executor pod template travels with the driver, in a config map of its own.
    assertThat(maps)
        .anySatisfy(
            cm ->
                assertThat(String.join("\n", cm.getData().values()))
                    .contains("karpenter.sh/capacity-type: spot")
                    .contains("terminationGracePeriodSeconds: 120"));
  }

  @Test
  void aDriverServiceIsCreatedForTheExecutorsToCallBack() {
    List<Service> services = client.services().inNamespace(NAMESPACE).list().getItems();
    assertThat(services).hasSize(1);
    assertThat(services.get(0).getSpec().getClusterIP()).isEqualTo("None");
    assertThat(services.get(0).getSpec().getSelector()).containsEntry("spark-role", "driver");
  }
}
