package dev.advancedspark.common.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.advancedspark.common.testkit.SharedSpark;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobEnd;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

class ListenersTest {

  private final SparkSession spark = SharedSpark.session();

  /** Counts job ends. */
  private static final class JobEnds extends SparkListener {
    final AtomicInteger count = new AtomicInteger();

    @Override
    public void onJobEnd(SparkListenerJobEnd jobEnd) {
      count.incrementAndGet();
    }
  }

  @Test
  void theListenerSeesEveryEventOfTheBlockAndNoneAfter() {
    // given: an RDD count is exactly one job (a Dataset count may be several with AQE)
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    jsc.parallelize(List.of(1, 2, 3)).count(); // an earlier job the listener must not see
    JobEnds listener = new JobEnds();

    // when
    long rows =
        Listeners.during(
            spark.sparkContext(), listener, () -> jsc.parallelize(List.of(1, 2, 3, 4)).count());

    // then: the block's one job arrived before during() returned; later jobs are not seen
    assertThat(rows).isEqualTo(4);
    assertThat(listener.count).hasValue(1);
    jsc.parallelize(List.of(1)).count();
    Listeners.drain(spark.sparkContext());
    assertThat(listener.count).hasValue(1);
  }

  @Test
  void theListenerIsRemovedWhenTheBlockFails() {
    JobEnds listener = new JobEnds();

    assertThatThrownBy(
            () ->
                Listeners.during(
                    spark.sparkContext(),
                    listener,
                    () -> {
                      throw new IllegalStateException("boom");
                    }))
        .hasMessage("boom");

    spark.range(10).count();
    Listeners.drain(spark.sparkContext());
    assertThat(listener.count).hasValue(0);
  }
}
