package dev.advancedspark.common.data;

import java.nio.file.Path;
import java.util.Locale;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;

/** Writes generated data as Parquet, CSV or JSON, always replacing what was there. */
public final class DataFiles {

  /** The file formats the series compares. */
  public enum Format {
    PARQUET,
    CSV,
    JSON;

    public String sparkName() {
      return name().toLowerCase(Locale.ROOT);
    }

    public static Format parse(String text) {
      try {
        return valueOf(text.trim().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "format must be parquet, csv or json, got '" + text + "'", e);
      }
    }
  }

  private DataFiles() {}

  /** Writes {@code data} to {@code path} (a folder) and returns the path. CSV gets a header. */
  public static Path write(Dataset<Row> data, Format format, Path path) {
    var writer = data.write().mode(SaveMode.Overwrite).format(format.sparkName());
    if (format == Format.CSV) {
      writer = writer.option("header", "true");
    }
    writer.save(path.toAbsolutePath().toString());
    return path;
  }
}
