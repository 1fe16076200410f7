package dev.advancedspark.part5.integration;

import static org.assertj.core.api.Assertions.assertThat;

import dev.advancedspark.common.testkit.SharedSpark;
import dev.advancedspark.part5.integration.WarehouseHandoff.Checksum;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The other side of the hand-off is DuckDB over JDBC, in this JVM: a reader that knows Parquet and
 * nothing of Spark or Delta, as a warehouse's external-table reader does.
 */
class WarehouseHandoffTest {

  static final long ROWS = 1000;
  private static SparkSession spark;
  private static Path dir;

  @BeforeAll
  static void writeTheHandOff() {
    spark = SharedSpark.session();
    dir = SharedSpark.scratch("handoff");
    WarehouseHandoff.write(spark, dir, ROWS);
  }

  @Test
  void aNonSparkReaderSeesTheSameRowsInTheParquetOutput() throws SQLException {
    Path parquet = dir.resolve("parquet");
    Checksum spark =
        WarehouseHandoff.checksum(WarehouseHandoffTest.spark.read().parquet(parquet.toString()));

    Checksum duck = duckdb(WarehouseHandoff.allParquetFiles(parquet));

    assertThat(duck).isEqualTo(spark);
    assertThat(duck.rows()).isEqualTo(ROWS);
  }

  @Test
  void globbingADeltaFolderCountsRemovedFilesTheManifestListsOnlyTheCurrentOnes()
      throws SQLException {
    Path delta = dir.resolve("delta");
    Checksum current =
        WarehouseHandoff.checksum(spark.read().format("delta").load(delta.toString()));
    assertThat(current.rows()).isEqualTo(ROWS * 6 / 10);

    // every Parquet file in the folder: version 0's files are still there after the overwrite
    Checksum globbed = duckdb(WarehouseHandoff.allParquetFiles(delta));
    assertThat(globbed.rows()).isEqualTo(ROWS + ROWS * 6 / 10);

    // the files of the symlink manifest: exactly the current version
    List<Path> listed = WarehouseHandoff.manifestFiles(spark, delta);
    assertThat(listed).isNotEmpty().allSatisfy(f -> assertThat(f).exists().startsWith(delta));
    assertThat(duckdb(listed)).isEqualTo(current);
  }

  /** Count and sums as DuckDB reads them from {@code files}. */
  static Checksum duckdb(List<Path> files) throws SQLException {
    String list =
        files.stream()
            .map(f -> "'" + f.toAbsolutePath().toString().replace("'", "''") + "'")
            .collect(Collectors.joining(", ", "[", "]"));
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT count(*), CAST(sum(order_id) AS BIGINT), CAST(sum(amount_cents) AS BIGINT)"
                    + " FROM read_parquet("
                    + list
                    + ")")) {
      rs.next();
      return new Checksum(rs.getLong(1), rs.getLong(2), rs.getLong(3));
    }
  }
}
