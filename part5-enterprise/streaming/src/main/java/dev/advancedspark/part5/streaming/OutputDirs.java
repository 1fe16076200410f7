package dev.advancedspark.part5.streaming;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Clears an example's output folder before a run with a new private broker: the new broker's topic
 * starts at offset 0 again, so an old checkpoint's offsets would not describe it.
 */
final class OutputDirs {

  private OutputDirs() {}

  static void clear(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot clear " + dir, e);
    }
  }
}
