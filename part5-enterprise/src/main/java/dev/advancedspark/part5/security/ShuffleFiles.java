package dev.advancedspark.part5.security;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** What the shuffle files under a local dir hold, read as raw bytes, the way an intruder would. */
public final class ShuffleFiles {

  /**
   * @param files shuffle data files found ({@code shuffle_*.data})
   * @param bytes their total size
   * @param withMarker how many of them contain the marker bytes as-is
   */
  public record Scan(int files, long bytes, int withMarker) {}

  private ShuffleFiles() {}

  /** Scans every {@code shuffle_*.data} file under {@code root} for {@code marker}. */
  public static Scan scan(Path root, String marker) {
    if (!Files.isDirectory(root)) {
      return new Scan(0, 0, 0);
    }
    byte[] needle = marker.getBytes(StandardCharsets.UTF_8);
    try (Stream<Path> walk = Files.walk(root)) {
      List<Path> files =
          walk.filter(Files::isRegularFile)
              .filter(p -> p.getFileName().toString().matches("shuffle_.*\\.data"))
              .toList();
      long bytes = 0;
      int hits = 0;
      for (Path f : files) {
        byte[] content = Files.readAllBytes(f);
        bytes += content.length;
        if (indexOf(content, needle) >= 0) {
          hits++;
        }
      }
      return new Scan(files.size(), bytes, hits);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot scan " + root, e);
    }
  }

  static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  /** For tests of {@link #indexOf}. */
  static boolean contains(String haystack, String needle) {
    return indexOf(
            haystack.getBytes(StandardCharsets.UTF_8), needle.getBytes(StandardCharsets.UTF_8))
        >= 0;
  }
}
