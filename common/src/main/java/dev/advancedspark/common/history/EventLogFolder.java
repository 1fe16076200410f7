package dev.advancedspark.common.history;

import dev.advancedspark.common.BuildInfo;
import dev.advancedspark.common.UsageException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.spark.SparkConf;
import org.apache.spark.io.CompressionCodec;

/**
 * A folder of Spark event logs, checked before a History Server is started on it: it must exist and
 * hold at least one event log. What the server would skip (a file that is no event log) or may
 * misread (a log written by another Spark version) is named in {@link #warnings()}.
 *
 * <p>What counts as an event log, as Spark 4.2 writes them ({@code EventLogFileWriters}): a file
 * whose first line is the {@code SparkListenerLogStart} event, read through Spark's codec when its
 * name ends in one ({@code .lz4}, {@code .lzf}, {@code .snappy}, {@code .zstd}), or a rolling log
 * folder {@code eventlog_v2_*} (Spark 4's default, {@code spark.eventLog.rolling.enabled=true}).
 *
 * @param folder the folder, absolute
 * @param logs the names of the event logs in it
 * @param warnings one line per thing the reader should know (skipped files, other versions)
 */
public record EventLogFolder(Path folder, List<String> logs, List<String> warnings) {

  private static final Pattern COMPRESSED = Pattern.compile(".*\\.(lz4|lzf|snappy|zstd)$");
  private static final Pattern LOG_START =
      Pattern.compile("\\{\"Event\":\"SparkListenerLogStart\",\"Spark Version\":\"([^\"]+)\"}");

  public EventLogFolder {
    logs = List.copyOf(logs);
    warnings = List.copyOf(warnings);
  }

  /**
   * Checks {@code folder}.
   *
   * @throws UsageException naming the folder when it is missing, not a folder, or holds no event
   *     log, with the command that writes one
   */
  public static EventLogFolder check(Path folder) {
    Path dir = folder.toAbsolutePath().normalize();
    String hint =
        " Write one first: bin/run-example EnvironmentCheckExample --event-log"
            + " (any example takes --event-log).";
    if (!Files.exists(dir)) {
      throw UsageException.problem("Event log folder not found: " + dir + "." + hint);
    }
    if (!Files.isDirectory(dir)) {
      throw UsageException.problem("Not a folder: " + dir + " (give the folder of event logs).");
    }
    List<String> logs = new ArrayList<>();
    List<String> warnings = new ArrayList<>();
    List<Path> entries;
    try (Stream<Path> s = Files.list(dir)) {
      entries = s.filter(p -> !p.getFileName().toString().startsWith(".")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot list " + dir, e);
    }
    if (entries.isEmpty()) {
      throw UsageException.problem("Event log folder is empty: " + dir + "." + hint);
    }
    for (Path entry : entries) {
      String name = entry.getFileName().toString();
      if (Files.isDirectory(entry)) {
        if (name.startsWith("eventlog_v2_")) {
          logs.add(name);
          checkVersion(name, firstEventFile(entry), warnings);
        } else {
          warnings.add("skipped " + name + ": a folder, not a Spark event log");
        }
      } else {
        if (sparkVersionOf(entry) == null) {
          warnings.add("skipped " + name + ": not a Spark event log (no SparkListenerLogStart)");
        } else {
          logs.add(name);
          checkVersion(name, entry, warnings);
        }
      }
    }
    if (logs.isEmpty()) {
      throw UsageException.problem(
          "No Spark event log in " + dir + " (" + String.join("; ", warnings) + ")." + hint);
    }
    return new EventLogFolder(dir, logs, warnings);
  }

  /** Warns when the log {@code name} (its first events in {@code file}) is of another version. */
  private static void checkVersion(String name, Path file, List<String> warnings) {
    String version = file == null ? null : sparkVersionOf(file);
    if (version != null && !version.equals(BuildInfo.sparkVersion())) {
      warnings.add(
          name
              + " was written by Spark "
              + version
              + "; this History Server is Spark "
              + BuildInfo.sparkVersion()
              + " and may not show all of it");
    }
  }

  /** The first {@code events_1_*} file of a rolling event log folder, or null. */
  private static Path firstEventFile(Path rollingLog) {
    try (Stream<Path> s = Files.list(rollingLog)) {
      return s.filter(p -> p.getFileName().toString().startsWith("events_1_"))
          .findFirst()
          .orElse(null);
    } catch (IOException e) {
      return null;
    }
  }

  /**
   * The Spark version in an event log's first line (decompressed with Spark's own codec when the
   * name ends in one), or null when it is no event log.
   */
  static String sparkVersionOf(Path file) {
    Matcher codec = COMPRESSED.matcher(file.getFileName().toString());
    try (InputStream raw = Files.newInputStream(file);
        InputStream in =
            codec.matches()
                ? CompressionCodec.createCodec(new SparkConf(false), codec.group(1))
                    .compressedInputStream(raw)
                : raw) {
      byte[] head = in.readNBytes(256);
      Matcher m = LOG_START.matcher(new String(head, StandardCharsets.UTF_8));
      return m.lookingAt() ? m.group(1) : null;
    } catch (IOException | RuntimeException e) {
      // unreadable, or not what its name says: not an event log this check can read
      return null;
    }
  }
}
