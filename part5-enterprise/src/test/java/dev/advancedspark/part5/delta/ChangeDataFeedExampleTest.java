package dev.advancedspark.part5.delta;

import static org.assertj.core.api.Assertions.assertThat;

import dev.advancedspark.common.testkit.SharedSpark;
import java.nio.file.Path;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

class ChangeDataFeedExampleTest {

  private final SparkSession spark = SharedSpark.session();

  @Test
  void theChangeFeedStreamsEveryRowLevelChangeWithItsType() throws Exception {
    // given: inserts, an update, a delete, an insert on a table with CDF on
    Path dir = SharedSpark.scratch("cdf");
    String path = dir.resolve("cities").toString();
    ChangeDataFeedExample.createAndChange(spark, path);

    // when
    ChangeDataFeedExample.streamChanges(
        spark, path, dir.resolve("changes").toString(), dir.resolve("_checkpoint").toString());

    // then
    assertThat(ChangeDataFeedExample.changeCounts(spark, dir.resolve("changes").toString()))
        .containsExactlyInAnyOrderEntriesOf(
            Map.of("insert", 4L, "update_preimage", 1L, "update_postimage", 1L, "delete", 1L));
    assertThat(
            spark
                .read()
                .format("delta")
                .load(dir.resolve("changes").toString())
                .where("_change_type = 'update_postimage'")
                .first()
                .<String>getAs("city"))
        .isEqualTo("Lyon");
  }
}
