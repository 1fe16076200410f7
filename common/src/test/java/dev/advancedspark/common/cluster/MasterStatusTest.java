package dev.advancedspark.common.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.UncheckedIOException;
import org.junit.jupiter.api.Test;

class MasterStatusTest {

  /** Trimmed from a real Spark 4.2.0 master's /json/ page (StandaloneClusterIT's cluster). */
  private static final String JSON =
      """
      {
        "url" : "spark://127.0.0.1:41545",
        "workers" : [ {
          "id" : "worker-20261123213220-127.0.0.1-44445", "host" : "127.0.0.1", "port" : 44445,
          "webuiaddress" : "http://127.0.0.1:40001", "cores" : 1, "coresused" : 1, "coresfree" : 0,
          "memory" : 1024, "memoryused" : 512, "memoryfree" : 512, "state" : "ALIVE"
        }, {
          "id" : "worker-20261123213220-127.0.0.1-35981", "host" : "127.0.0.1", "port" : 35981,
          "cores" : 1, "coresused" : 0, "memory" : 1024, "state" : "DEAD"
        } ],
        "aliveworkers" : 1, "cores" : 1, "coresused" : 1, "memory" : 1024, "memoryused" : 512,
        "activeapps" : [ {
          "id" : "app-20261123213228-0000", "name" : "standalone-cluster-it", "cores" : 1,
          "user" : "root", "state" : "RUNNING", "duration" : 1200
        } ],
        "completedapps" : [ ], "status" : "ALIVE"
      }
      """;

  @Test
  void readsWorkersAppsAndTheMasterState() {
    // when the master's JSON page is parsed
    MasterStatus status = MasterStatus.parse(JSON);

    // then the fields a test or lesson waits on are there
    assertThat(status.url()).isEqualTo("spark://127.0.0.1:41545");
    assertThat(status.status()).isEqualTo("ALIVE");
    assertThat(status.aliveWorkers()).isEqualTo(1);
    assertThat(status.workers())
        .extracting(MasterStatus.Worker::state)
        .containsExactly("ALIVE", "DEAD");
    assertThat(status.workers().get(0).coresUsed()).isEqualTo(1);
    assertThat(status.activeApps())
        .containsExactly(
            new MasterStatus.App("app-20261123213228-0000", "standalone-cluster-it", "RUNNING", 1));
    assertThat(status.hasAliveWorkers(1)).isTrue();
    assertThat(status.hasAliveWorkers(2)).isFalse();
  }

  @Test
  void somethingElseThanJsonIsRejectedWithTheText() {
    assertThatThrownBy(() -> MasterStatus.parse("<html>proxy error</html>"))
        .isInstanceOf(UncheckedIOException.class)
        .hasMessageContaining("proxy error");
  }
}
