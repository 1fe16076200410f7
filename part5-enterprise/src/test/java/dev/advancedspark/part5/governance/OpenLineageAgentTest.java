package dev.advancedspark.part5.governance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.advancedspark.common.testkit.SharedSpark;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The official OpenLineage agent ({@code io.openlineage:openlineage-spark_2.13:1.37.0}) on Spark
 * 4.2, offline, with the file transport, next to {@link LineageListener} on the same write. The
 * agent is a listener set at context start ({@code spark.extraListeners}), so this class stops the
 * shared session and runs one of its own.
 */
class OpenLineageAgentTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static Path dir;
  private static List<JsonNode> agentEvents;
  private static List<Map<String, Object>> ourEvents;
  private static boolean stoppedByAgent;

  @BeforeAll
  static void runAJoinPlusAggregateWithTheAgentAndOurListener() throws Exception {
    SharedSpark.session().stop(); // one SparkContext per JVM
    // This module's other tests get Delta's extension and session catalog from system properties
    // (see the pom). The agent is shown on a plain session: with Delta's catalog as spark_catalog
    // it
    // reported no event for the Parquet write below (seen on 1.37.0; not investigated further).
    Map<String, String> deltaProperties = new java.util.HashMap<>();
    for (String key : List.of("spark.sql.extensions", "spark.sql.catalog.spark_catalog")) {
      String value = System.clearProperty(key);
      if (value != null) {
        deltaProperties.put(key, value);
      }
    }
    dir = SharedSpark.scratch("openlineage-agent");
    Path agentFile = dir.resolve("agent-events.jsonl");
    SparkSession spark =
        SparkSession.builder()
            .master("local[2]")
            .appName("openlineage-agent")
            .config("spark.ui.enabled", "false")
            .config("spark.driver.host", "127.0.0.1")
            .config("spark.driver.bindAddress", "127.0.0.1")
            .config("spark.sql.shuffle.partitions", "2")
            // tag::openlineage-agent[]
            .config("spark.extraListeners", "io.openlineage.spark.agent.OpenLineageSparkListener")
            .config("spark.openlineage.transport.type", "file")
            .config("spark.openlineage.transport.location", agentFile.toString())
            .config("spark.openlineage.namespace", "part5-tests")
            // end::openlineage-agent[]
            .getOrCreate();
    LineageListener ours = new LineageListener(dir.resolve("our-events.jsonl"), "part5-tests");
    try {
      String orders = dir.resolve("orders").toString();
      String customers = dir.resolve("customers").toString();
      spark
          .sql(
              "SELECT * FROM VALUES (1, 10, 25.0), (2, 11, 40.0) AS o(order_id, customer_id, amount)")
          .write()
          .parquet(orders);
      spark
          .sql("SELECT * FROM VALUES (10, 'GB'), (11, 'DE') AS c(customer_id, country)")
          .write()
          .parquet(customers);
      LineageExample.drainListenerBus(spark);
      spark.listenerManager().register(ours);
      LineageExample.revenueByCountry(spark.read().parquet(orders), spark.read().parquet(customers))
          .write()
          .parquet(dir.resolve("revenue_by_country").toString());
      LineageExample.awaitEvents(ours, 1);
      stoppedByAgent = spark.sparkContext().isStopped();
    } finally {
      spark.stop(); // the agent writes the application's COMPLETE event here
      deltaProperties.forEach(System::setProperty);
      SharedSpark.session();
    }
    agentEvents = new ArrayList<>();
    for (String line : Files.readAllLines(agentFile)) {
      agentEvents.add(JSON.readTree(line));
    }
    ourEvents = ours.events();
  }

  @Test
  void theAgentRunsOnSpark42OfflineAndAgreesWithOurListenerOnColumnLineage() {
    // then the agent did not stop the context and wrote COMPLETE events to its file
    assertThat(stoppedByAgent).isFalse();
    JsonNode write =
        agentEvents.stream()
            .filter(e -> e.path("eventType").asText().equals("COMPLETE"))
            .filter(
                e ->
                    e.path("outputs").size() == 1
                        && e.path("outputs")
                            .get(0)
                            .path("name")
                            .asText()
                            .endsWith("revenue_by_country")
                        && e.path("outputs").get(0).path("facets").has("columnLineage"))
            .findFirst()
            .orElseThrow(
                () -> new AssertionError("no COMPLETE event for the write: " + agentEvents));

    // and its column lineage is ours: each output column from the same input columns
    Map<String, List<String>> agent = new TreeMap<>();
    write
        .path("outputs")
        .get(0)
        .path("facets")
        .path("columnLineage")
        .path("fields")
        .fields()
        .forEachRemaining(
            f -> {
              List<String> from = new ArrayList<>();
              f.getValue()
                  .path("inputFields")
                  .forEach(
                      i ->
                          from.add(last(i.path("name").asText()) + "." + i.path("field").asText()));
              agent.put(f.getKey(), from);
            });
    Map<String, List<String>> ours = new TreeMap<>();
    @SuppressWarnings("unchecked")
    Map<String, Object> fields =
        (Map<String, Object>)
            ((Map<String, Object>)
                    ((Map<String, Object>)
                            ((List<Map<String, Object>>) ourEvents.get(0).get("outputs"))
                                .get(0)
                                .get("facets"))
                        .get("columnLineage"))
                .get("fields");
    fields.forEach(
        (col, v) -> {
          @SuppressWarnings("unchecked")
          List<Map<String, Object>> in =
              (List<Map<String, Object>>) ((Map<String, Object>) v).get("inputFields");
          ours.put(
              col,
              in.stream().map(i -> last((String) i.get("name")) + "." + i.get("field")).toList());
        });
    assertThat(agent)
        .containsEntry("country", List.of("customers.country"))
        .containsEntry("revenue", List.of("orders.amount"));
    assertThat(ours).isEqualTo(agent);
  }

  private static String last(String path) {
    return path.substring(path.replaceAll("/$", "").lastIndexOf('/') + 1).replaceAll("/$", "");
  }
}
