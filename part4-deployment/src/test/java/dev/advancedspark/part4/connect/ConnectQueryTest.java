package dev.advancedspark.part4.connect;

import static org.assertj.core.api.Assertions.assertThat;

import dev.advancedspark.common.Examples;
import dev.advancedspark.common.testkit.SharedSpark;
import java.util.List;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

class ConnectQueryTest {

  @Test
  void theQueryTheClientSendsGivesTheSameTotalsOnAClassicSession() {
    // when the method the Connect client runs is run on the shared classic session
    List<String> lines =
        ConnectQuery.bucketTotals(SharedSpark.session(), 1000).collectAsList().stream()
            .map(
                (Row r) ->
                    "bucket=" + r.getLong(0) + " rows=" + r.getLong(1) + " total=" + r.getLong(2))
            .toList();

    // then it gives the totals that SparkConnectIT expects from the server
    assertThat(lines).containsExactlyElementsOf(SparkConnectIT.expectedTotals(1000));
  }

  @Test
  void theClientRefusesBadArgumentsBeforeItConnects() {
    assertThat(Examples.exitStatusOf(() -> ConnectQuery.main(new String[] {"--rows", "0"}), true))
        .isEqualTo(2);
    assertThat(Examples.exitStatusOf(() -> ConnectQuery.main(new String[] {"--nope", "1"}), true))
        .isEqualTo(2);
  }

  @Test
  void theTokenNeverAppearsInAMessage() {
    assertThat(ConnectQuery.masked("sc://localhost:15002/;token=s3cr3t;user_id=a"))
        .isEqualTo("sc://localhost:15002/;token=***;user_id=a");
  }
}
