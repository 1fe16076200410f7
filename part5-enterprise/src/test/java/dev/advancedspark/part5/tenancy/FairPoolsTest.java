package dev.advancedspark.part5.tenancy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.advancedspark.common.testkit.SharedSpark;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.spark.scheduler.Schedulable;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * FAIR against FIFO on 8 local task slots (the shared local[2] session cannot show weights: see
 * {@link FairPools}). The scheduler mode is fixed when a SparkContext starts, so this class stops
 * the shared session and runs two short-lived ones of its own.
 */
class FairPoolsTest {

  private static final int SLOTS = 8;
  private static final Duration DEADLINE = Duration.ofMinutes(2);
  private static FairPools.Contention fair;
  private static FairPools.Contention fifo;
  private static Schedulable unknownBefore;
  private static Schedulable unknownAfter;
  private static List<String> poolsAfter;

  @BeforeAll
  static void runBothModes() {
    SharedSpark.session().stop(); // one SparkContext per JVM
    Path file =
        FairPools.writeAllocationFile(
            SharedSpark.scratch("fair-pools").resolve("fairscheduler.xml"), FairPools.POOLS);
    SparkSession spark = FairPools.session(SLOTS, "FAIR", file);
    try {
      fair = FairPools.runTwoTenants(spark, 6 * SLOTS, 4 * SLOTS, 100, DEADLINE);
      unknownBefore = spark.sparkContext().getPoolForName("nightly").getOrElse(() -> null);
      spark.sparkContext().setLocalProperty("spark.scheduler.pool", "nightly");
      spark.range(4).count();
      spark.sparkContext().setLocalProperty("spark.scheduler.pool", null);
      unknownAfter = spark.sparkContext().getPoolForName("nightly").getOrElse(() -> null);
      poolsAfter =
          scala.jdk.javaapi.CollectionConverters.asJava(spark.sparkContext().getAllPools()).stream()
              .map(Schedulable::name)
              .sorted()
              .toList();
    } finally {
      spark.stop();
    }
    spark = FairPools.session(SLOTS, "FIFO", file);
    try {
      fifo = FairPools.runTwoTenants(spark, 6 * SLOTS, 4 * SLOTS, 100, DEADLINE);
    } finally {
      spark.stop();
    }
  }

  @AfterAll
  static void giveTheSharedSessionBack() {
    SharedSpark.session();
  }

  @Test
  void underFifoTheTenantThatCameFirstTakesEverySlotUntilItsLastTaskIsLaunched() {
    // then adhoc's first task starts only after all 48 etl tasks were launched
    assertThat(fifo.launches()).hasSize(6 * SLOTS + 4 * SLOTS);
    assertThat(fifo.firstAdhocLaunch()).isGreaterThan(fifo.lastEtlLaunch());
    assertThat(fifo.launches().get(fifo.firstAdhocLaunch()).etlTasksLaunched())
        .isEqualTo(6 * SLOTS);
  }

  @Test
  void underFairTheSecondTenantGetsSlotsWhileTheFirstStillHasWorkAndSharesFollowTheWeights() {
    // then adhoc started while etl still had most of its tasks waiting, and the two slots freed
    // first both went to adhoc: below its minShare of 2 it comes before any weight
    assertThat(fair.launches()).hasSize(6 * SLOTS + 4 * SLOTS);
    int first = fair.firstAdhocLaunch();
    assertThat(fair.launches().get(first).etlTasksLaunched()).isLessThan(3 * SLOTS);
    assertThat(fair.launches().get(first + 1).pool()).isEqualTo("adhoc");
    // and while both wanted slots adhoc (weight 1) got far less than half of the task starts and
    // etl (weight 3) the rest: about 2-3 of 8 slots against 5-6
    assertThat(fair.contended()).hasSizeGreaterThan(3 * SLOTS);
    assertThat(fair.share("adhoc")).isBetween(0.15, 0.45);
    assertThat(fifo.share("adhoc")).isZero();
  }

  @Test
  void aPoolThatIsNotInTheFileIsCreatedOnFirstUseWithDefaults() {
    // then "nightly" did not exist, and the first job in it created it: weight 1, minShare 0, FIFO
    assertThat(unknownBefore).isNull();
    assertThat(unknownAfter).isNotNull();
    assertThat(unknownAfter.weight()).isEqualTo(1);
    assertThat(unknownAfter.minShare()).isZero();
    assertThat(unknownAfter.schedulingMode().toString()).isEqualTo("FIFO");
    assertThat(poolsAfter).containsExactly("adhoc", "default", "etl", "nightly");
  }
}
