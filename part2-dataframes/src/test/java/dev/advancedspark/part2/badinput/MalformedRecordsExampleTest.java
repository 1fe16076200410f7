package dev.advancedspark.part2.badinput;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.advancedspark.common.UsageException;
import dev.advancedspark.common.data.DataFiles.Format;
import dev.advancedspark.common.testkit.SharedSpark;
import dev.advancedspark.common.testkit.SparkVersion;
import dev.advancedspark.part2.badinput.MalformedRecordsExample.Split;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.SparkThrowable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class MalformedRecordsExampleTest {

  private final SparkSession spark = SharedSpark.session();

  private static List<String> good(Format format) {
    return format == Format.JSON
        ? MalformedRecordsExample.GOOD_JSON
        : MalformedRecordsExample.GOOD_CSV;
  }

  private static List<String> bad(Format format) {
    return format == Format.JSON
        ? MalformedRecordsExample.BAD_JSON
        : MalformedRecordsExample.BAD_CSV;
  }

  private static List<String> linesUnder(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files
          .filter(p -> p.getFileName().toString().startsWith("part-"))
          .flatMap(
              p -> {
                try {
                  return Files.readAllLines(p).stream();
                } catch (IOException e) {
                  throw new java.io.UncheckedIOException(e);
                }
              })
          .toList();
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = Format.class,
      names = {"CSV", "JSON"})
  void permissiveReadKeepsEveryLineAndQuarantinesExactlyTheBrokenOnes(Format format)
      throws IOException {
    Path dir = SharedSpark.scratch("bad-input-" + format.sparkName());
    Path input = MalformedRecordsExample.writeFixture(format, dir);

    Split split =
        MalformedRecordsExample.split(MalformedRecordsExample.readPermissive(spark, format, input));
    MalformedRecordsExample.quarantine(split, dir.resolve("quarantine"));

    assertThat(split.total()).isEqualTo(good(format).size() + bad(format).size());
    assertThat(split.goodCount()).isEqualTo(good(format).size());
    assertThat(split.badCount()).isEqualTo(bad(format).size());
    assertThat(linesUnder(dir.resolve("quarantine")))
        .containsExactlyInAnyOrderElementsOf(bad(format));
    assertThat(
            split
                .good()
                .select("order_id")
                .as(org.apache.spark.sql.Encoders.LONG())
                .collectAsList())
        .containsExactlyInAnyOrder(1L, 2L, 7L, 9L);
    assertThat(split.good().columns()).doesNotContain(MalformedRecordsExample.CORRUPT);
  }

  @ParameterizedTest
  @EnumSource(
      value = Format.class,
      names = {"CSV", "JSON"})
  void failFastStopsAtTheFirstBrokenLineWithAOneLineMessage(Format format) {
    Path input =
        MalformedRecordsExample.writeFixture(
            format, SharedSpark.scratch("bad-input-failfast-" + format.sparkName()));

    Throwable thrown =
        catchThrowable(() -> MalformedRecordsExample.readFailFast(spark, format, input));

    // Bad data is a failure of the run (exit status 1), not a usage error (2).
    assertThat(thrown)
        .isInstanceOf(MalformedRecordsExample.MalformedInputException.class)
        .isNotInstanceOf(UsageException.class)
        .hasNoCause();
    assertThat(thrown.getMessage())
        .doesNotContain("\n")
        .contains(input.toString())
        .contains("malformed record (mode FAILFAST)");
  }

  @Test
  @SuppressWarnings("deprecation") // getErrorClass(): the name 3.5 has too (4.0+: getCondition())
  void sparkReportsFailFastAsFailedReadFileCausedByMalformedRecord() {
    Path input =
        MalformedRecordsExample.writeFixture(Format.CSV, SharedSpark.scratch("bad-input-raw"));

    Throwable raw =
        catchThrowable(
            () ->
                spark
                    .read()
                    .schema(MalformedRecordsExample.ORDERS)
                    .option("header", "true")
                    .option("mode", "FAILFAST")
                    .csv(input.toString())
                    .collectAsList());

    assertThat(raw).isInstanceOf(SparkThrowable.class);
    if (SparkVersion.atLeast(4, 0)) {
      assertThat(((SparkThrowable) raw).getErrorClass()).startsWith("FAILED_READ_FILE");
      assertThat(raw.getCause()).isInstanceOf(SparkThrowable.class);
      assertThat(((SparkThrowable) raw.getCause()).getErrorClass())
          .startsWith("MALFORMED_RECORD_IN_PARSING");
    } else {
      // Spark 3.5: a plain "Job aborted due to stage failure" (no condition) on top; the
      // MALFORMED_RECORD_IN_PARSING failure is further down the cause chain
      assertThat(((SparkThrowable) raw).getErrorClass()).isNull();
      assertThat(Stream.iterate(raw.getCause(), t -> t != null, Throwable::getCause))
          .anyMatch(
              t ->
                  t instanceof SparkThrowable st
                      && st.getErrorClass() != null
                      && st.getErrorClass().startsWith("MALFORMED_RECORD_IN_PARSING"));
    }
    assertThat(MalformedRecordsExample.explainMalformed(raw, input))
        .contains("not-a-number")
        .doesNotContain("\n");
  }

  @Test
  void countingOnlyTheCorruptColumnOfTheRawFileIsRefusedWhichIsWhySplitCaches() {
    Path input =
        MalformedRecordsExample.writeFixture(Format.CSV, SharedSpark.scratch("bad-input-uncached"));
    Dataset<Row> raw = MalformedRecordsExample.readPermissive(spark, Format.CSV, input);

    Throwable refused =
        catchThrowable(() -> raw.where(col(MalformedRecordsExample.CORRUPT).isNotNull()).count());

    if (SparkVersion.atLeast(4, 0)) {
      assertThat(refused).isInstanceOf(SparkThrowable.class);
      assertThat(refused.getMessage()).contains(MalformedRecordsExample.CORRUPT);
    } else {
      // Spark 3.5 runs it, and the answer is wrong: with only the corrupt column required, no
      // field is parsed, so no line is malformed
      assertThat(refused).isNull();
      assertThat(raw.where(col(MalformedRecordsExample.CORRUPT).isNotNull()).count()).isZero();
    }
    assertThat(MalformedRecordsExample.split(raw).badCount())
        .isEqualTo(MalformedRecordsExample.BAD_CSV.size());
  }

  @Test
  void failFastOnACleanFileReturnsEveryRow() {
    Path dir = SharedSpark.scratch("bad-input-clean");
    Path input = dir.resolve("clean.csv");
    try {
      Files.writeString(
          input,
          "order_id,customer_id,amount,order_date\n"
              + String.join("\n", MalformedRecordsExample.GOOD_CSV)
              + "\n");
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }

    List<Row> rows = MalformedRecordsExample.readFailFast(spark, Format.CSV, input);

    assertThat(rows).hasSize(MalformedRecordsExample.GOOD_CSV.size());
  }

  @Test
  void aMissingInputGivesAMessageNamingThePath() {
    Path missing = Path.of("target/no-such-dir/orders.csv");

    assertThatThrownBy(() -> MalformedRecordsExample.requireInput(missing))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining(missing.toAbsolutePath().toString())
        .hasMessageContaining("not found");
  }
}
