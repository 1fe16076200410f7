package dev.advancedspark.part5.observability;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.luben.zstd.ZstdInputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * "Which stage was slowest?" answered after the fact from an application's event log, the file the
 * History Server replays: every {@code SparkListenerStageCompleted} event carries the stage's
 * submission and completion times, its name (the call site) and its task count. Works on a finished
 * application's log ({@code spark.eventLog.enabled}), compressed (zstd, Spark 4's default) or not,
 * single file or rolling ({@code eventlog_v2_*} folders).
 */
public final class SlowestStage {

  /** One completed stage as the event log recorded it. */
  public record StageRun(int stageId, int attempt, String name, int tasks, long durationMillis) {}

  private static final ObjectMapper JSON = new ObjectMapper();

  private SlowestStage() {}

  /** Every completed stage in the event log files under {@code eventLogDir}, in log order. */
  public static List<StageRun> stages(Path eventLogDir) {
    List<StageRun> result = new ArrayList<>();
    try (Stream<Path> files = Files.walk(eventLogDir)) {
      for (Path f :
          files
              .filter(Files::isRegularFile)
              .filter(p -> !p.getFileName().toString().startsWith("."))
              .filter(p -> !p.getFileName().toString().startsWith("appstatus"))
              .sorted()
              .toList()) {
        try (InputStream raw = Files.newInputStream(f);
            InputStream in = f.toString().endsWith(".zstd") ? new ZstdInputStream(raw) : raw;
            BufferedReader r =
                new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
          String line;
          while ((line = r.readLine()) != null) {
            if (line.contains("\"SparkListenerStageCompleted\"")) {
              JsonNode info = JSON.readTree(line).path("Stage Info");
              result.add(
                  new StageRun(
                      info.path("Stage ID").asInt(),
                      info.path("Stage Attempt ID").asInt(),
                      info.path("Stage Name").asText(),
                      info.path("Number of Tasks").asInt(),
                      info.path("Completion Time").asLong()
                          - info.path("Submission Time").asLong()));
            }
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the event logs under " + eventLogDir, e);
    }
    return result;
  }

  /** The stage that took longest, if any completed. */
  public static Optional<StageRun> slowest(Path eventLogDir) {
    return stages(eventLogDir).stream().max(Comparator.comparingLong(StageRun::durationMillis));
  }
}
