package dev.advancedspark.part5.integration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.advancedspark.common.metrics.MetricsCollector;
import dev.advancedspark.common.testkit.SharedSpark;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class DbtModelsTest {

  private static final Path PROJECT = Path.of("src/main/dbt/shop");
  private final SparkSession spark = SharedSpark.session();

  @BeforeEach
  void registerTheSourceTables() {
    DbtModels.registerSources(spark);
  }

  @Test
  void everyModelIsParsedAndAnalysedInDependencyOrderWithoutRunningAJob() {
    // when the project is rendered and analysed
    MetricsCollector.Measured<Map<String, StructType>> m =
        MetricsCollector.measure(spark, () -> DbtModels.analyse(spark, PROJECT));

    // then the mart comes after the staging models it refs (in the order it refs them), typed
    assertThat(m.result().keySet())
        .containsExactly("stg_orders", "stg_customers", "revenue_by_country");
    assertThat(m.result().get("revenue_by_country").simpleString())
        .isEqualTo("struct<country:string,revenue:decimal(22,2),orders:bigint>");
    // and analysing ran nothing on the cluster
    assertThat(m.metrics().jobs()).isZero();
  }

  @Test
  void theSchemaTestsPassOnTheExamplesDataAndCatchAnOrphanOrder() {
    DbtModels.analyse(spark, PROJECT);
    assertThat(DbtModels.runSchemaTests(spark, PROJECT))
        .hasSize(8)
        .allSatisfy(t -> assertThat(t.failures()).as(t.name()).isZero());

    // when an order points at a customer that does not exist
    spark
        .sql("SELECT * FROM VALUES (20, 99, 5.0) AS o(order_id, customer_id, amount)")
        .unionByName(spark.table("orders"))
        .createOrReplaceTempView("orders_with_orphan");
    spark.table("orders_with_orphan").localCheckpoint().createOrReplaceTempView("orders");
    DbtModels.analyse(spark, PROJECT);

    // then exactly the relationships test fails, with one row
    List<DbtModels.TestResult> results = DbtModels.runSchemaTests(spark, PROJECT);
    assertThat(results)
        .filteredOn(t -> t.failures() > 0)
        .containsExactly(
            new DbtModels.TestResult("relationships_stg_orders_customer_id__stg_customers", 1));
  }

  @Test
  void aColumnTypoFailsWithTheModelFileAndSparksSuggestion() throws IOException {
    Path broken = copyOfProject("dbt-typo");
    Path mart = broken.resolve("models/marts/revenue_by_country.sql");
    Files.writeString(mart, Files.readString(mart).replace("c.country,", "c.countyr,"));

    assertThatThrownBy(() -> DbtModels.analyse(spark, broken))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("models/marts/revenue_by_country.sql: [UNRESOLVED_COLUMN")
        .hasMessageContaining("`c`.`countyr`")
        .hasMessageContaining("`c`.`country`");
  }

  @Test
  void aRefToAMissingModelAndUnknownJinjaAreNamed() throws IOException {
    Path broken = copyOfProject("dbt-ref");
    Path mart = broken.resolve("models/marts/revenue_by_country.sql");
    String sql = Files.readString(mart);
    Files.writeString(mart, sql.replace("ref('stg_orders')", "ref('stg_order')"));

    assertThatThrownBy(() -> DbtModels.analyse(spark, broken))
        .hasMessageStartingWith(
            "models/marts/revenue_by_country.sql: ref('stg_order') names no model");

    Files.writeString(mart, sql.replace("SUM(o.amount)", "{{ cents_to_dollars('o.amount') }}"));
    assertThatThrownBy(() -> DbtModels.analyse(spark, broken))
        .hasMessageContaining(
            "only ref(), source() and config() are rendered here, not {{ cents_to_dollars");
  }

  private static Path copyOfProject(String name) throws IOException {
    Path target = SharedSpark.scratch(name);
    try (Stream<Path> files = Files.walk(PROJECT)) {
      for (Path f : files.toList()) {
        Path to = target.resolve(PROJECT.relativize(f).toString());
        if (Files.isDirectory(f)) {
          Files.createDirectories(to);
        } else {
          Files.copy(f, to);
        }
      }
    }
    return target;
  }
}
