package dev.advancedspark.common.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.advancedspark.common.BuildInfo;
import dev.advancedspark.common.testkit.SharedSpark;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

class EnvironmentCheckExampleTest {

  private final SparkSession spark = SharedSpark.session();

  @Test
  void reportsTheVersionMatrixAndRunsAJob() {
    assertThat(EnvironmentCheckExample.describe(spark))
        // the Spark the build asked for (the root pom's spark.version, or a profile's: -Pspark-3.5
        // ...)
        .containsEntry("Spark", BuildInfo.sparkVersion())
        .containsEntry("master", "local[2]")
        .containsEntry("spark.sql.shuffle.partitions", "4")
        .containsKey("Java");
    assertThat(EnvironmentCheckExample.describe(spark).get("Scala")).startsWith("2.13");
    assertThat(EnvironmentCheckExample.sumOfRange(spark, 1_000_000)).isEqualTo(499_999_500_000L);
  }
}
