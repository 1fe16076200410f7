package dev.advancedspark.part2.windows;

import static dev.advancedspark.common.testkit.DataFrameAssert.assertThatDataFrame;
import static org.assertj.core.api.Assertions.assertThat;

import dev.advancedspark.common.data.DataGenerators;
import dev.advancedspark.common.data.DataGenerators.OrdersSpec;
import dev.advancedspark.common.plan.Plans;
import dev.advancedspark.common.testkit.SharedSpark;
import dev.advancedspark.part2.windows.WindowShuffleSharingExample.PlanShape;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

class WindowShuffleSharingExampleTest {

  private final SparkSession spark = SharedSpark.session();
  private final Dataset<Row> orders = DataGenerators.orders(spark, OrdersSpec.of(2_000));

  @Test
  void functionsOverOneSpecShareOneShuffleOneSortAndOneWindowOperator() {
    PlanShape shape = PlanShape.of(Plans.finalPlan(WindowShuffleSharingExample.sameSpec(orders)));

    assertThat(shape).isEqualTo(new PlanShape(1, 1, 1));
  }

  @Test
  void samePartitioningWithAnotherOrderAddsASortButNoShuffle() {
    PlanShape shape =
        PlanShape.of(
            Plans.finalPlan(WindowShuffleSharingExample.samePartitioningOtherOrder(orders)));

    assertThat(shape.shuffles()).isEqualTo(1);
    assertThat(shape.sorts()).isEqualTo(2);
    assertThat(shape.windows()).isEqualTo(2);
  }

  @Test
  void anotherPartitioningAddsAShuffle() {
    PlanShape shape =
        PlanShape.of(Plans.finalPlan(WindowShuffleSharingExample.twoPartitionings(orders)));

    assertThat(shape.shuffles()).isEqualTo(2);
    assertThat(shape.windows()).isEqualTo(2);
  }

  @Test
  void sharingTheShuffleDoesNotChangeTheAnswer() {
    // The per-customer order number is the same whichever other window column rides along.
    Dataset<Row> shared =
        WindowShuffleSharingExample.sameSpec(orders).select("order_id", "order_no");
    Dataset<Row> separate =
        WindowShuffleSharingExample.twoPartitionings(orders).select("order_id", "order_no");

    assertThatDataFrame(shared).hasSameRowsAs(separate);
  }
}
