package dev.advancedspark.part5.observability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.advancedspark.common.testkit.SharedSpark;
import dev.advancedspark.part5.observability.StructuredLogging.LogLine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class StructuredLoggingTest {

  private final SparkSession spark = SharedSpark.session();

  @AfterEach
  void backToTheDefault() {
    StructuredLogging.applySetting(new SparkConf(false));
  }

  @Test
  void withTheSettingOnTheMessageFieldsAreKeysOfTheJsonContext() {
    // given the setting applied as spark-submit applies it
    assertThat(StructuredLogging.applySetting(conf("true"))).isTrue();

    // when a job runs with the task loggers writing JSON lines
    List<LogLine> lines =
        StructuredLogging.logAJob(spark, SharedSpark.scratch("json-logs-on").resolve("on.jsonl"));

    // then every line parsed as a JSON object, and the driver's "Finished task" lines carry the
    // executor id and the task name as fields, not only inside the text
    List<LogLine> finished = finishedOnTheDriver(lines);
    assertThat(finished).isNotEmpty();
    assertThat(finished)
        .allSatisfy(
            l -> {
              assertThat(l.level()).isEqualTo("INFO");
              assertThat(l.context()).containsEntry("executor_id", "driver");
              assertThat(l.context().get("task_name")).startsWith("task ").contains("TID");
              assertThat(l.msg()).contains(l.context().get("task_name"));
            });
  }

  @Test
  void withTheSettingOffTheLinesAreStillJsonButTheMessageFieldsStayInTheText() {
    // given the default (false in Spark 4.2.0)
    assertThat(StructuredLogging.applySetting(conf("false"))).isFalse();

    // when the same job runs
    List<LogLine> lines =
        StructuredLogging.logAJob(spark, SharedSpark.scratch("json-logs-off").resolve("off.jsonl"));

    // then the layout alone makes JSON lines, but the driver's lines have no fields
    List<LogLine> finished = finishedOnTheDriver(lines);
    assertThat(finished).isNotEmpty();
    assertThat(finished)
        .allSatisfy(
            l -> {
              assertThat(l.msg()).contains("executor driver");
              assertThat(l.context()).doesNotContainKey("executor_id");
            });
    // while the executor's task threads carry task_name either way (Executor.setMDCForTask)
    assertThat(lines)
        .filteredOn(
            l -> l.logger().equals("Executor") && l.msg().matches("(Running|Finished) task .*"))
        .isNotEmpty()
        .allSatisfy(l -> assertThat(l.context()).containsKey("task_name"));
  }

  @Test
  void aLineThatIsNotJsonIsNamedWithItsFile() throws Exception {
    Path file = SharedSpark.scratch("json-logs-bad").resolve("bad.jsonl");
    Files.writeString(file, "{\"level\":\"INFO\"}\n12:00:01 INFO Executor: plain text\n");

    assertThatThrownBy(() -> StructuredLogging.read(file))
        .hasMessageContaining("Not a JSON")
        .hasMessageContaining("bad.jsonl")
        .hasMessageContaining("plain text");
  }

  private static List<LogLine> finishedOnTheDriver(List<LogLine> lines) {
    return lines.stream()
        .filter(l -> l.logger().equals("TaskSetManager") && l.msg().startsWith("Finished task"))
        .toList();
  }

  private static SparkConf conf(String enabled) {
    return new SparkConf(false).set(StructuredLogging.ENABLED, enabled);
  }
}
