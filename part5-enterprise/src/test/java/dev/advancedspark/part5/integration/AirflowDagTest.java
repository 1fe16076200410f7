package dev.advancedspark.part5.integration;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.advancedspark.common.testkit.SharedSpark;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.spark.internal.config.ConfigEntry$;
import org.apache.spark.sql.internal.SQLConf$;
import org.junit.jupiter.api.Test;

/**
 * The Airflow DAG, checked offline: Python compiles it; a stub {@code airflow} package (operators
 * that accept only the real keyword arguments) imports it; and each {@code spark.*} key it passes
 * is looked up in Spark's own registry of settings, so a typo fails here, not at 3 a.m.
 */
class AirflowDagTest {

  private static final Path DAG = Path.of("src/main/airflow/dags/daily_revenue.py");
  private static final Path STUB = Path.of("src/test/airflow-stub");

  @Test
  void theDagCompilesAndItsTaskIsWhatTheReadmeSays() throws Exception {
    // when the DAG is compiled and imported against the stub
    JsonNode dags = inspect(DAG);

    // then one daily DAG, catching up one run at a time, with retries, a timeout and an SLA
    assertThat(dags).hasSize(1);
    JsonNode dag = dags.get(0);
    assertThat(dag.path("dag_id").asText()).isEqualTo("daily_revenue");
    assertThat(dag.path("kwargs").path("schedule").asText()).isEqualTo("@daily");
    assertThat(dag.path("kwargs").path("max_active_runs").asInt()).isEqualTo(1);
    JsonNode task = dag.path("tasks").get(0);
    assertThat(task.path("operator").asText()).isEqualTo("SparkSubmitOperator");
    assertThat(task.path("base_args").path("retries").asInt()).isEqualTo(3);
    assertThat(task.path("base_args").path("execution_timeout").asDouble()).isEqualTo(3600.0);
    assertThat(task.path("base_args").path("sla").asDouble()).isEqualTo(7200.0);
    // and it submits DailyRevenueJob (a real class) for the run's date, in client mode
    JsonNode spark = task.path("spark_args");
    assertThat(Class.forName(spark.path("java_class").asText())).isEqualTo(DailyRevenueJob.class);
    assertThat(spark.path("application_args").toString())
        .isEqualTo("[\"--date\",\"{{ ds }}\",\"--output\",\"s3a://lake/marts/daily_revenue\"]");
    assertThat(spark.path("deploy_mode").asText()).isEqualTo("client");
    // and every spark.* key is a real Spark setting
    assertThat(unknownSparkKeys(spark.path("conf"))).isEmpty();
    assertThat(spark.path("conf").path("spark.sql.sources.partitionOverwriteMode").asText())
        .isEqualTo("dynamic");
  }

  @Test
  void aMisspelledSettingAndAnUnknownOperatorArgumentAreCaught() throws Exception {
    Path broken = SharedSpark.scratch("airflow-broken").resolve("daily_revenue.py");
    String dag = Files.readString(DAG);

    // a typo in a Spark key passes Airflow but not the registry check
    Files.writeString(
        broken, dag.replace("spark.sql.shuffle.partitions", "spark.sql.shuffle.partitons"));
    JsonNode conf = inspect(broken).get(0).path("tasks").get(0).path("spark_args").path("conf");
    assertThat(unknownSparkKeys(conf)).containsExactly("spark.sql.shuffle.partitons");
    // and a pool set as a conf is not a setting at all (it is a local property of the thread)
    Files.writeString(
        broken,
        dag.replace(
            "\"spark.eventLog.enabled\"",
            "\"spark.scheduler.pool\": \"etl\", \"spark.eventLog.enabled\""));
    conf = inspect(broken).get(0).path("tasks").get(0).path("spark_args").path("conf");
    assertThat(unknownSparkKeys(conf)).containsExactly("spark.scheduler.pool");

    // a misspelled operator argument fails the import, as it would in Airflow
    Files.writeString(broken, dag.replace("executor_memory=", "executor_mem="));
    assertThat(run(broken).output())
        .contains("got unexpected keyword argument(s) ['executor_mem']");
  }

  /**
   * The keys of {@code conf} that Spark does not define: not in the registry of core and SQL
   * settings ({@code ConfigEntry}), and not one of the string keys the network layer reads ({@code
   * TransportConf}, e.g. {@code spark.network.crypto.cipher}, which is no ConfigEntry).
   */
  static List<String> unknownSparkKeys(JsonNode conf) throws IOException {
    String transportConf;
    try (var in =
        AirflowDagTest.class
            .getClassLoader()
            .getResourceAsStream("org/apache/spark/network/util/TransportConf.class")) {
      transportConf = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
    }
    SQLConf$.MODULE$.get(); // registers the SQL settings
    org.apache.spark.internal.config.package$.MODULE$.EVENT_LOG_ENABLED(); // and the core ones
    List<String> unknown = new ArrayList<>();
    conf.fieldNames()
        .forEachRemaining(
            k -> {
              if (ConfigEntry$.MODULE$.findEntry(k) == null && !transportConf.contains(k)) {
                unknown.add(k);
              }
            });
    return unknown;
  }

  private record Run(int exit, String output) {}

  private static JsonNode inspect(Path dag) throws Exception {
    Run compiled =
        python(
            List.of(
                "-B",
                "-c",
                "import sys; compile(open(sys.argv[1]).read(), sys.argv[1], 'exec')",
                dag.toString()));
    assertThat(compiled.exit()).as(compiled.output()).isZero();
    Run r = run(dag);
    assertThat(r.exit()).as(r.output()).isZero();
    return new ObjectMapper().readTree(r.output());
  }

  private static Run run(Path dag) throws Exception {
    return python(List.of("-B", STUB.resolve("inspect_dags.py").toString(), dag.toString()));
  }

  private static Run python(List<String> args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of("python3"));
    cmd.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().put("PYTHONPATH", STUB.toAbsolutePath().toString());
    pb.environment().put("PYTHONDONTWRITEBYTECODE", "1");
    Process p;
    try {
      p = pb.start();
    } catch (IOException e) {
      throw new IllegalStateException(
          "python3 is needed to check the Airflow DAG: " + e.getMessage(), e);
    }
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException("python3 did not finish within 60 s");
    }
    return new Run(p.exitValue(), out.strip());
  }
}
