package dev.advancedspark.common.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.advancedspark.common.Examples;
import dev.advancedspark.common.cluster.Ports;
import dev.advancedspark.common.examples.EnvironmentCheckExample;
import dev.advancedspark.common.io.SparkFolders;
import dev.advancedspark.common.testkit.SparkVersion;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * An example run with {@code --event-log}, then Spark's History Server started from the Maven class
 * path over its folder, read through the REST API ({@code /api/v1}) on 127.0.0.1. One server for
 * the class, ended whatever happens (and by its watchdog if this JVM is killed).
 */
class HistoryServerIT {

  static final Path WORK = Path.of("target", "history-it").toAbsolutePath();
  static final Path EVENTS = WORK.resolve("events");
  private static final ObjectMapper JSON = new ObjectMapper();

  private static EventLogFolder folder;
  private static HistoryServerProcess server;

  @BeforeAll
  static void runAnExampleWithAnEventLogAndStartTheServer() throws Exception {
    SparkFolders.deleteRecursively(WORK);
    Files.createDirectories(EVENTS);
    int status =
        Examples.exitStatusOf(
            () ->
                EnvironmentCheckExample.main(
                    new String[] {
                      "--master",
                      "local[2]",
                      "--rows",
                      "10000",
                      "--event-log",
                      "--conf",
                      "spark.eventLog.dir=" + EVENTS.toUri()
                    }),
            false);
    assertThat(status).as("the example's exit status").isZero();
    // a file that is no event log, next to the real one: the server skips it, the launcher says so
    Files.writeString(EVENTS.resolve("notes.txt"), "not an event log\n");

    folder = EventLogFolder.check(EVENTS);
    server =
        HistoryServerLauncher.start(
            folder, Ports.freePort(), WORK.resolve("server"), HistoryServerLauncher.START_TIMEOUT);
  }

  @AfterAll
  static void stopTheServer() {
    if (server != null) {
      server.close();
      assertThat(server.isAlive()).as("the History Server process after close()").isFalse();
    }
  }

  @Test
  void theServerListsTheExampleAsACompletedApplicationAndSkipsTheOtherFile() throws Exception {
    JsonNode apps = JSON.readTree(server.api("applications"));

    assertThat(apps).hasSize(1);
    assertThat(apps.get(0).path("name").asText()).isEqualTo("EnvironmentCheckExample");
    assertThat(apps.get(0).path("attempts").get(0).path("completed").asBoolean()).isTrue();
    // Spark 4 writes a rolling event log by default: a folder eventlog_v2_<app id>; before 4.0
    // rolling is off by default (spark.eventLog.rolling.enabled) and the log is one file <app id>
    String logName = SparkVersion.atLeast(4, 0) ? "eventlog_v2_local-" : "local-";
    assertThat(folder.logs()).hasSize(1).allMatch(name -> name.startsWith(logName));
    assertThat(folder.warnings())
        .containsExactly("skipped notes.txt: not a Spark event log (no SparkListenerLogStart)");
    assertThat(server.url()).startsWith("http://127.0.0.1:");
  }

  @Test
  void jobsAndStagesOfTheRunAreReadBackOverRest() throws Exception {
    String id = JSON.readTree(server.api("applications")).get(0).path("id").asText();

    JsonNode jobs = JSON.readTree(server.api("applications/" + id + "/jobs"));
    JsonNode stages = JSON.readTree(server.api("applications/" + id + "/stages"));

    // the example's sum is a partial aggregate, a shuffle, and a final aggregate: two stages
    assertThat(jobs).isNotEmpty();
    assertThat(jobs.findValuesAsText("status")).containsOnly("SUCCEEDED");
    List<Integer> stageIdsOfJobs = new ArrayList<>();
    jobs.forEach(j -> j.path("stageIds").forEach(s -> stageIdsOfJobs.add(s.asInt())));
    List<Integer> completed = new ArrayList<>();
    stages.forEach(
        s -> {
          if (s.path("status").asText().equals("COMPLETE")) {
            completed.add(s.path("stageId").asInt());
          }
        });
    assertThat(completed).hasSizeGreaterThanOrEqualTo(2);
    assertThat(stageIdsOfJobs).containsAll(completed);
    assertThat(stages.findValuesAsText("status")).containsOnly("COMPLETE", "SKIPPED");
  }

  @Test
  void aSecondServerOnATakenPortFailsWithAMessageAndLeavesNoProcess() {
    assertThatThrownBy(
            () ->
                HistoryServerLauncher.start(
                    folder,
                    server.port(),
                    WORK.resolve("second"),
                    HistoryServerLauncher.START_TIMEOUT))
        .isInstanceOf(HistoryServerException.class)
        .hasMessage(
            "Port "
                + server.port()
                + " on 127.0.0.1 is in use: the History Server could not bind it.");
    assertThat(
            ProcessHandle.current()
                .children()
                .filter(ProcessHandle::isAlive)
                .filter(p -> p.pid() != server.pid()))
        .as("processes this JVM still runs besides the first server")
        .isEmpty();
  }
}
