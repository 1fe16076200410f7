package dev.advancedspark.part3.caching;

import static org.assertj.core.api.Assertions.assertThat;

import dev.advancedspark.common.data.DataFiles;
import dev.advancedspark.common.data.DataGenerators;
import dev.advancedspark.common.data.DataGenerators.OrdersSpec;
import dev.advancedspark.common.testkit.SharedSpark;
import dev.advancedspark.part3.caching.CachingExample.ActionRun;
import java.nio.file.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.RDDInfo;
import org.apache.spark.storage.StorageLevel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class CachingExampleTest {

  private static final long ROWS = 50_000;
  private static Path ordersDir;
  private final SparkSession spark = SharedSpark.session();
  private final Dataset<Row> orders = spark.read().parquet(ordersDir.toString());

  @BeforeAll
  static void writeOrders() {
    SparkSession spark = SharedSpark.session();
    ordersDir =
        DataFiles.write(
                DataGenerators.orders(spark, OrdersSpec.of(ROWS)),
                DataFiles.Format.PARQUET,
                SharedSpark.scratch("caching").resolve("orders"))
            .toAbsolutePath();
  }

  @AfterEach
  void dropCaches() {
    spark.catalog().clearCache();
  }

  @Test
  void cacheIsLazyAndStoresNothingUntilAnAction() {
    // given
    Dataset<Row> cached = orders.cache();

    // when: nothing has run yet
    var storedBeforeAction = CachingExample.storedRdds(spark);
    cached.count();
    var storedAfterAction = CachingExample.storedRdds(spark);

    // then
    assertThat(cached.storageLevel()).isEqualTo(StorageLevel.MEMORY_AND_DISK());
    assertThat(storedBeforeAction).isEmpty();
    assertThat(storedAfterAction).hasSize(1);
    RDDInfo info = storedAfterAction.get(0);
    assertThat(info.numCachedPartitions()).isEqualTo(info.numPartitions());
    assertThat(info.memSize()).isPositive();
  }

  @Test
  void aCachedQueryReadsInMemoryTableScanAndNoFileFromTheSecondActionOn() {
    // given: the query reads the Parquet files on every action while nothing is cached
    ActionRun uncached = CachingExample.runAction(spark, CachingExample.revenuePerStatus(orders));
    orders.cache();

    // when
    ActionRun fill = CachingExample.runAction(spark, CachingExample.revenuePerStatus(orders));
    ActionRun hit = CachingExample.runAction(spark, CachingExample.revenuePerStatus(orders));

    // then (printed for the README's figures)
    System.out.println("uncached " + uncached.summary());
    System.out.println("cached 1 " + fill.summary());
    System.out.println("cached 2 " + hit.summary());
    assertThat(uncached.readsCache()).isFalse();
    assertThat(uncached.filesRead()).isPositive();
    assertThat(uncached.metrics().inputRecords()).isEqualTo(ROWS);
    assertThat(fill.readsCache()).isTrue();
    assertThat(fill.metrics().inputRecords())
        .as("the first action reads every row to fill the cache")
        .isGreaterThanOrEqualTo(ROWS);
    assertThat(hit.readsCache()).isTrue();
    assertThat(hit.filesRead()).isZero();
    // "input" of a cached read counts cached blocks: one record per batch of up to 10,000 rows
    assertThat(hit.metrics().inputRecords()).isPositive().isLessThan(ROWS / 1_000);
  }

  @Test
  void unpersistFreesTheMemoryAndTheNextQueryReadsTheFilesAgain() {
    // given
    orders.cache().count();
    assertThat(CachingExample.storedRdds(spark)).hasSize(1);

    // when
    orders.unpersist(true);
    ActionRun after = CachingExample.runAction(spark, CachingExample.revenuePerStatus(orders));

    // then
    assertThat(CachingExample.storedRdds(spark)).isEmpty();
    assertThat(after.readsCache()).isFalse();
    assertThat(after.filesRead()).isPositive();
    assertThat(after.metrics().inputRecords()).isEqualTo(ROWS);
  }

  @Test
  void serializedStorageKeepsAnRddOfObjectsInLessMemory() {
    // when
    long deserialized = CachingExample.memorySizeOf(spark, 20_000, StorageLevel.MEMORY_ONLY());
    long serialized = CachingExample.memorySizeOf(spark, 20_000, StorageLevel.MEMORY_ONLY_SER());

    // then (measured: 2,161,088 B and 1,073,616 B with the Java serializer)
    System.out.printf("MEMORY_ONLY %d B, MEMORY_ONLY_SER %d B%n", deserialized, serialized);
    assertThat(serialized).isPositive();
    assertThat(deserialized).isGreaterThan(serialized * 3 / 2);
    assertThat(CachingExample.storedRdds(spark)).isEmpty();
  }
}
