package dev.advancedspark.common.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Folders that Spark writes and reads: their data files, their size on disk, and wiping them.
 *
 * <p>A data file is what Spark's own file listing would read: a regular file whose name does not
 * start with {@code _} or {@code .} (so not {@code _SUCCESS}, not the {@code .crc} checksums, the
 * same rule as Spark's {@code InMemoryFileIndex}). Partition folders ({@code order_date=...}) are
 * walked into.
 */
public final class SparkFolders {

  private SparkFolders() {}

  /** The data files under {@code dir}, in path order. */
  public static List<Path> dataFiles(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(Files::isRegularFile).filter(SparkFolders::isDataFile).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot list " + dir, e);
    }
  }

  /** The sizes of the data files under {@code dir}, in path order. */
  public static List<Long> dataFileSizes(Path dir) {
    return dataFiles(dir).stream().map(SparkFolders::size).toList();
  }

  /** The bytes of the data files under {@code dir}: markers and checksums excluded. */
  public static long sizeOnDisk(Path dir) {
    return dataFiles(dir).stream().mapToLong(SparkFolders::size).sum();
  }

  /** Deletes {@code dir} and everything in it; nothing when it does not exist. */
  public static void deleteRecursively(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot delete " + dir, e);
    }
  }

  private static boolean isDataFile(Path file) {
    String name = file.getFileName().toString();
    return !name.startsWith("_") && !name.startsWith(".");
  }

  private static long size(Path file) {
    try {
      return Files.size(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
