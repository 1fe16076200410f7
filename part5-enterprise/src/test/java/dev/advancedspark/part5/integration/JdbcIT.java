package dev.advancedspark.part5.integration;

import static org.assertj.core.api.Assertions.assertThat;

import dev.advancedspark.common.metrics.MetricsCollector;
import dev.advancedspark.common.metrics.RunMetrics;
import dev.advancedspark.common.plan.Plans;
import dev.advancedspark.common.testkit.SharedSpark;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** One real PostgreSQL server for the class, started under target/ on a free loopback port. */
class JdbcIT {

  private static final long ROWS = 1_000;
  private static LocalPostgres pg;
  private static SparkSession spark;
  private static String url;
  private static Properties props;

  @BeforeAll
  static void startPostgresAndLoadOrders() throws Exception {
    spark = SharedSpark.session();
    pg = LocalPostgres.start(SharedSpark.workDir().resolve("postgres-it"), Duration.ofMinutes(2));
    url = pg.jdbcUrl();
    props = JdbcExample.props(pg);
    JdbcExample.createOrdersTable(pg, "orders");
    JdbcExample.batchWrite(
        JdbcExample.orders(spark, ROWS),
        url,
        props,
        "orders",
        SaveMode.Append,
        200,
        "SERIALIZABLE");
  }

  @AfterAll
  static void stopPostgres() {
    if (pg != null) {
      ProcessHandle server = pg.process();
      pg.close();
      assertThat(server.isAlive()).isFalse();
      assertThat(server.descendants()).isEmpty();
    }
  }

  @Test
  void theServerRunsAsAnUnprivilegedUserWhenTheTestsRunAsRoot() {
    String user = pg.process().info().user().orElse("?");
    if (LocalPostgres.isRoot()) {
      assertThat(user).isEqualTo("nobody");
    } else {
      assertThat(user).isEqualTo(System.getProperty("user.name"));
    }
  }

  @Test
  void aBatchWriteCommitsEachPartitionInOneTransactionAtTheAskedIsolationLevel() {
    // the load in @BeforeAll: two partitions, batchsize 200, SERIALIZABLE
    List<String> log = pg.statements();
    assertThat(log.stream().filter(s -> s.contains("ISOLATION LEVEL SERIALIZABLE")).count())
        .isEqualTo(2);
    assertThat(log.stream().filter(s -> s.startsWith("INSERT INTO orders (")).count())
        .isEqualTo(ROWS);
    assertThat(log.stream().filter(s -> s.equals("COMMIT")).count()).isGreaterThanOrEqualTo(2);
  }

  @Test
  void aPartitionedReadRunsOneTaskAndOneQueryPerStride() {
    // when orders are read in 4 partitions over id
    int before = pg.statements().size();
    Dataset<Row> read =
        JdbcExample.partitionedRead(spark, url, props, "orders", "id", 1, ROWS + 1, 4);
    RunMetrics m =
        MetricsCollector.metricsOf(
            spark, () -> read.write().format("noop").mode("overwrite").save());

    // then 4 tasks ran, each sending its own range query to the server
    assertThat(m.tasks()).isEqualTo(4);
    assertThat(m.inputRecords()).isEqualTo(ROWS);
    List<String> queries =
        pg.statements().subList(before, pg.statements().size()).stream()
            .filter(s -> s.startsWith("SELECT \"id\",\"country\",\"amount\" FROM orders WHERE"))
            .toList();
    assertThat(queries).hasSize(4);
    assertThat(queries).anyMatch(q -> q.contains("\"id\" < 251 or \"id\" is null"));
    assertThat(queries).anyMatch(q -> q.contains("\"id\" >= 751"));
  }

  @Test
  void throughTheV2CatalogTheFilterAndTheAggregateRunInPostgresThroughTheV1ReaderOnlyTheFilter() {
    // given the same orders table through the V2 catalog and through the V1 reader
    JdbcExample.registerCatalog(spark, "pg", pg);
    int before = pg.statements().size();

    // when big orders are summed per country each way
    Dataset<Row> v2 = JdbcExample.bigOrderRevenueByCountry(spark.table("pg.public.orders"), 900);
    Dataset<Row> v1 =
        JdbcExample.bigOrderRevenueByCountry(spark.read().jdbc(url, "orders", props), 900);
    List<Row> v2Rows = v2.orderBy("country").collectAsList();
    List<Row> v1Rows = v1.orderBy("country").collectAsList();
    List<String> server = pg.statements().subList(before, pg.statements().size());

    // then both give the same five rows
    assertThat(v2Rows).hasSize(5).isEqualTo(v1Rows);
    // and V2 pushed the filter and the aggregate: the server ran the GROUP BY
    String v2Plan = Plans.treeString(Plans.finalPlan(v2));
    assertThat(v2Plan)
        .contains("PushedAggregates: [SUM(amount)]")
        .contains("PushedGroupByExpressions: [country]");
    assertThat(server)
        .anySatisfy(
            q ->
                assertThat(q)
                    .contains("SUM(\"amount\")")
                    .contains("\"amount\" > 900.0")
                    .contains("GROUP BY \"country\""));
    // and V1 pushed only the filter: the server returned every big order, Spark summed them
    String v1Plan = Plans.treeString(Plans.finalPlan(v1));
    assertThat(v1Plan)
        .contains("PushedFilters: [*IsNotNull(amount), *GreaterThan(amount,900.0)]")
        .doesNotContain("PushedAggregates")
        .contains("HashAggregate");
    assertThat(server)
        .anySatisfy(
            q ->
                assertThat(q)
                    .isEqualTo(
                        "SELECT \"country\",\"amount\" FROM orders WHERE (\"amount\" IS NOT NULL)"
                            + " AND (\"amount\" > 900.0)"));
  }

  @Test
  void theUpsertThroughAStagingTableIsIdempotent() throws Exception {
    // given a target with a primary key
    JdbcExample.createOrdersTable(pg, "orders_target");
    Dataset<Row> batch = JdbcExample.orders(spark, 100);

    // when the same batch is merged twice, then a changed version of it once more
    int first = JdbcExample.upsert(batch, pg, "orders_target", "orders_staging");
    int second = JdbcExample.upsert(batch, pg, "orders_target", "orders_staging");
    int changed =
        JdbcExample.upsert(
            batch.selectExpr("id", "country", "amount + 1 AS amount"),
            pg,
            "orders_target",
            "orders_staging");

    // then the target holds each id once, with the last values
    assertThat(first).isEqualTo(100);
    assertThat(second).isEqualTo(100); // 100 updates to the same values: no new rows
    assertThat(changed).isEqualTo(100);
    try (Connection c = pg.connect();
        Statement s = c.createStatement();
        ResultSet r =
            s.executeQuery("SELECT count(*), count(DISTINCT id), sum(amount) FROM orders_target")) {
      r.next();
      assertThat(r.getLong(1)).isEqualTo(100);
      assertThat(r.getLong(2)).isEqualTo(100);
      double expected =
          batch.agg(org.apache.spark.sql.functions.sum("amount")).first().getDouble(0) + 100;
      assertThat(r.getDouble(3)).isEqualTo(expected);
    }
  }

  @Test
  void aUrlToAClosedPortFailsWithAClearMessageWithinTheDeadline() throws Exception {
    String closed = "jdbc:postgresql://127.0.0.1:" + LocalPostgres.freePort() + "/postgres";

    String message =
        CompletableFuture.supplyAsync(
                () -> JdbcExample.unreachable(spark, closed, Duration.ofSeconds(5)))
            .get(60, TimeUnit.SECONDS);

    assertThat(message).contains("Connection to 127.0.0.1:").contains("refused");
  }
}
