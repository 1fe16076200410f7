package dev.advancedspark.part5.delta;

import static org.assertj.core.api.Assertions.assertThat;

import dev.advancedspark.common.testkit.SharedSpark;
import dev.advancedspark.part5.delta.ConcurrentWritersExample.Mine;
import dev.advancedspark.part5.delta.ConcurrentWritersExample.Other;
import dev.advancedspark.part5.delta.ConcurrentWritersExample.Outcome;
import io.delta.tables.DeltaTable;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

class ConcurrentWritersExampleTest {

  private final SparkSession spark = SharedSpark.session();

  @Test
  void blindAppendsDoNotConflict() throws Exception {
    String path = accounts("append-append");
    Outcome o = ConcurrentWritersExample.race(spark, path, Mine.APPEND, Other.APPEND, 1);
    assertThat(o.committed()).isTrue();
    assertThat(spark.read().format("delta").load(path).count()).isEqualTo(10 + 5 + 5);
  }

  @Test
  void aMergeFailsWhenAnotherWriterAppendsToWhatItRead() throws Exception {
    String path = accounts("merge-append");
    Outcome o = ConcurrentWritersExample.race(spark, path, Mine.MERGE, Other.APPEND, 1);
    assertThat(o.committed()).isFalse();
    assertThat(o.conflict()).isEqualTo("ConcurrentAppendException");
    // the loser committed nothing: B's append is there, A's deposit is not
    assertThat(balanceTotal(path)).isEqualTo(1000);
    assertThat(operations(path)).containsExactly("WRITE", "WRITE");
  }

  @Test
  void aMergeFailsWhenAnotherWriterDeletesAFileItRead() throws Exception {
    String path = accounts("merge-delete");
    Outcome o = ConcurrentWritersExample.race(spark, path, Mine.MERGE, Other.DELETE, 1);
    assertThat(o.committed()).isFalse();
    assertThat(o.conflict()).isEqualTo("ConcurrentDeleteReadException");
    assertThat(balanceTotal(path)).isEqualTo(500);
  }

  @Test
  void aRetryRereadsTheTableAndCommitsLeavingItIntact() throws Exception {
    // given
    String path = accounts("retry");

    // when
    Outcome o = ConcurrentWritersExample.race(spark, path, Mine.MERGE, Other.APPEND, 3);

    // then: A committed on its second attempt; both writes are in, in order, nothing twice
    assertThat(o.committed()).isTrue();
    assertThat(o.attempts()).isEqualTo(2);
    assertThat(spark.read().format("delta").load(path).count()).isEqualTo(15);
    assertThat(balanceTotal(path)).isEqualTo(1000 + 5 * 10);
    assertThat(operations(path)).containsExactly("WRITE", "WRITE", "MERGE");
  }

  private long balanceTotal(String path) {
    return spark.read().format("delta").load(path).selectExpr("sum(balance)").first().getLong(0);
  }

  private java.util.List<String> operations(String path) {
    return DeltaTable.forPath(spark, path)
        .history()
        .orderBy("version")
        .select("operation")
        .as(Encoders.STRING())
        .collectAsList();
  }

  private String accounts(String name) {
    String path = SharedSpark.scratch("concurrent-" + name).resolve("accounts").toString();
    ConcurrentWritersExample.createAccounts(spark, path);
    return path;
  }
}
