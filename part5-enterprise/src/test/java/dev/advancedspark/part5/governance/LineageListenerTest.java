package dev.advancedspark.part5.governance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.advancedspark.common.testkit.SharedSpark;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

class LineageListenerTest {

  private final SparkSession spark = SharedSpark.session();

  @Test
  @SuppressWarnings("unchecked")
  void aJoinPlusAggregateWriteEmitsAnOpenLineageEventWithColumnLineage() throws Exception {
    // given two Parquet inputs and the listener registered on the session
    Path dir = SharedSpark.scratch("lineage");
    String orders = dir.resolve("orders").toString();
    String customers = dir.resolve("customers").toString();
    String out = dir.resolve("revenue_by_country").toString();
    spark
        .sql(
            "SELECT * FROM VALUES (1, 10, 25.0), (2, 11, 40.0), (3, 10, 5.0) AS o(order_id, customer_id, amount)")
        .write()
        .parquet(orders);
    spark
        .sql("SELECT * FROM VALUES (10, 'GB'), (11, 'DE') AS c(customer_id, country)")
        .write()
        .parquet(customers);
    LineageExample.drainListenerBus(spark);
    LineageListener listener = new LineageListener(dir.resolve("lineage.jsonl"), "part5-tests");
    spark.listenerManager().register(listener);
    try {
      // when a join + aggregate is written
      Dataset<Row> revenue =
          LineageExample.revenueByCountry(
              spark.read().parquet(orders), spark.read().parquet(customers));
      revenue.write().parquet(out);
      LineageExample.awaitEvents(listener, 1);
    } finally {
      spark.listenerManager().unregister(listener);
    }

    // then one COMPLETE event names both inputs and the output
    List<Map<String, Object>> events = listener.events();
    assertThat(events).hasSize(1);
    Map<String, Object> e = events.get(0);
    assertThat(e.get("eventType")).isEqualTo("COMPLETE");
    assertThat((List<Map<String, Object>>) e.get("inputs"))
        .extracting(m -> m.get("name"))
        .containsExactlyInAnyOrder(path(orders), path(customers));
    List<Map<String, Object>> outputs = (List<Map<String, Object>>) e.get("outputs");
    assertThat(outputs).extracting(m -> m.get("name")).containsExactly(path(out));
    // and each output column names the input columns it comes from, through the join and the sum
    Map<String, Object> fields =
        (Map<String, Object>)
            ((Map<String, Object>)
                    ((Map<String, Object>) outputs.get(0).get("facets")).get("columnLineage"))
                .get("fields");
    assertThat(fields).containsOnlyKeys("country", "revenue", "orders");
    assertThat(inputFields(fields, "country")).containsExactly(path(customers) + "#country");
    assertThat(inputFields(fields, "revenue")).containsExactly(path(orders) + "#amount");
    assertThat(inputFields(fields, "orders")).containsExactly(path(orders) + "#order_id");
  }

  @SuppressWarnings("unchecked")
  private static List<String> inputFields(Map<String, Object> fields, String column) {
    List<Map<String, Object>> in =
        (List<Map<String, Object>>) ((Map<String, Object>) fields.get(column)).get("inputFields");
    return in.stream().map(m -> m.get("name") + "#" + m.get("field")).toList();
  }

  private static String path(String p) {
    return Path.of(p).toAbsolutePath().toUri().getPath().replaceAll("/$", "");
  }
}
