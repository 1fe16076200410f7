package dev.advancedspark.benchmarks.baselines;

import dev.advancedspark.part1.engines.DuckDbEngine;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * The answer check of the groupby suite: an engine's answer to a question, at the size being
 * measured, against a reference answer computed once per table by DuckDB straight from the Parquet
 * files with the question's SQL (string keys, as generated). References are kept beside the table
 * ({@code _answers-<hash>.properties}, ignored by Spark's and DuckDB's readers; the hash covers the
 * questions' SQL, so a changed question gets a new reference).
 */
public final class AnswerCheck {

  private AnswerCheck() {}

  /**
   * Throws when {@code engine}'s answer to {@code q} differs from {@code expected}, naming the
   * engine, its layout, the question and both fingerprints.
   */
  public static void check(GroupByEngine engine, Question q, Answer expected) {
    Answer actual = engine.answer(q);
    String diff = actual.firstDifference(expected, Answer.TOLERANCE);
    if (diff != null) {
      throw new IllegalStateException(
          "Groupby answer check failed: engine "
              + engine.name()
              + " (layout "
              + engine.layout().label()
              + "), "
              + q.method()
              + ": "
              + diff
              + "; expected {"
              + expected
              + "} but got {"
              + actual
              + "}");
    }
  }

  /** The reference answer to {@code q} for the table in {@code parquet}, computed once. */
  public static synchronized Answer reference(Path parquet, Question q) {
    Path file = parquet.resolve("_answers-" + questionsHash() + ".properties");
    Properties known = new Properties();
    if (Files.exists(file)) {
      try (Reader r = Files.newBufferedReader(file)) {
        known.load(r);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    String line = known.getProperty(q.method());
    if (line != null) {
      return Answer.decode(line);
    }
    Answer answer;
    try (DuckDbEngine duckDb = new DuckDbEngine(Runtime.getRuntime().availableProcessors())) {
      String sql =
          Answer.sql(
              q,
              "(WITH x AS (SELECT * FROM read_parquet('"
                  + GroupByData.duckDbGlob(parquet)
                  + "')) "
                  + q.sql()
                  + ")",
              true);
      answer = Answer.of(q, duckDb.query(sql, AnswerCheck::numbers).get(0));
    }
    answer.store(known, q);
    try {
      Path tmp = Files.createTempFile(parquet, "_answers", ".tmp");
      try (Writer w = Files.newBufferedWriter(tmp)) {
        known.store(w, "groupby reference answers (DuckDB over the Parquet files)");
      }
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return answer;
  }

  /** Every column of the current row as a number (DuckDB's HUGEINT sums come as BigInteger). */
  static List<Number> numbers(java.sql.ResultSet rs) throws java.sql.SQLException {
    int n = rs.getMetaData().getColumnCount();
    List<Number> out = new ArrayList<>(n);
    for (int i = 1; i <= n; i++) {
      Object o = rs.getObject(i);
      out.add(o == null ? null : o instanceof Number num ? num : Double.valueOf(o.toString()));
    }
    return out;
  }

  private static String questionsHash() {
    StringBuilder all = new StringBuilder("fingerprint-v2");
    for (Question q : Question.values()) {
      all.append('\n').append(q.sql());
    }
    return Integer.toHexString(all.toString().hashCode());
  }
}
