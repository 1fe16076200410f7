package dev.advancedspark.common;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SparkSessionsTest {

  @Test
  void theMasterComesFromTheArgumentsOrIsLocal() {
    assertThat(SparkSessions.resolveMaster(null, null)).isEqualTo("local[*]");
    assertThat(SparkSessions.resolveMaster("spark://h:7077", null)).isEqualTo("spark://h:7077");
    // --master wins over whatever else is set
    assertThat(SparkSessions.resolveMaster("local[2]", "yarn")).isEqualTo("local[2]");
    // spark-submit's default (local[*]) agrees with ours: nothing to say
    assertThat(SparkSessions.resolveMaster(null, "local[*]")).isEqualTo("local[*]");
  }

  @Test
  void withoutMasterTheMasterSparkSubmitChoseIsUsed() {
    // spark-submit --master yarn ... passes spark.master to the driver JVM as a system property
    assertThat(SparkSessions.resolveMaster(null, "yarn")).isEqualTo("yarn");
    assertThat(SparkSessions.resolveMaster(null, "spark://h:7077")).isEqualTo("spark://h:7077");
    assertThat(SparkSessions.resolveMaster(null, " ")).isEqualTo("local[*]");
  }

  @Test
  void anExampleHasNoUiUnlessAskedThenOneOnAFreeLoopbackPort() {
    Map<String, String> off =
        SparkSessions.exampleConf(SparkSessions.Settings.local("Demo"), "local[*]");
    SparkSessions.Settings withUi = new SparkSessions.Settings("Demo", null, Map.of(), false, true);
    Map<String, String> on = SparkSessions.exampleConf(withUi, "local[*]");

    assertThat(off).containsEntry("spark.ui.enabled", "false").doesNotContainKey("spark.ui.port");
    assertThat(on)
        .containsEntry("spark.ui.enabled", "true")
        .containsEntry("spark.driver.host", "127.0.0.1");
    assertThat(Integer.parseInt(on.get("spark.ui.port"))).isBetween(1, 65535);
    // --conf still wins
    Map<String, String> forced =
        SparkSessions.exampleConf(
            new SparkSessions.Settings("Demo", null, Map.of("spark.ui.enabled", "true"), false),
            "local[*]");
    assertThat(forced).containsEntry("spark.ui.enabled", "true");
  }

  @Test
  void benchmarkAndClusterProfilesAreQuietLoopbackAndWriteUnderTheirFolder() {
    Path work = Path.of("target", "profile-test");
    Map<String, String> bench =
        SparkSessions.benchmarkConf(work, Map.of("spark.sql.shuffle.partitions", "3"));
    Map<String, String> cluster = SparkSessions.clusterProfile(work);

    for (Map<String, String> conf : java.util.List.of(bench, cluster)) {
      assertThat(conf)
          .containsEntry("spark.driver.host", "127.0.0.1")
          .containsEntry("spark.driver.bindAddress", "127.0.0.1")
          .containsEntry("spark.ui.enabled", "false")
          .containsEntry("spark.local.dir", work.resolve("spark-local").toAbsolutePath().toString())
          .containsEntry(
              "spark.sql.warehouse.dir",
              work.resolve("spark-warehouse").toAbsolutePath().toString());
    }
    // a benchmark's own settings win
    assertThat(bench).containsEntry("spark.sql.shuffle.partitions", "3");
    assertThat(
            SparkSessions.benchmarkConf(work, Map.of("spark.ui.enabled", "true"))
                .get("spark.ui.enabled"))
        .isEqualTo("true");
  }
}
