package dev.advancedspark.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaMethodCall;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import dev.advancedspark.benchmarks.caching.CachingBenchmark;
import dev.advancedspark.benchmarks.expressions.UdfBenchmark;
import dev.advancedspark.benchmarks.formats.FileFormatBenchmark;
import dev.advancedspark.benchmarks.join.JoinBenchmark;
import dev.advancedspark.benchmarks.join.SkewJoinBenchmark;
import dev.advancedspark.benchmarks.memory.SpillBenchmark;
import dev.advancedspark.benchmarks.shuffle.RepartitionVsCoalesceBenchmark;
import dev.advancedspark.benchmarks.shuffle.ShufflePartitionsBenchmark;
import dev.advancedspark.part1.partitions.RepartitionVsCoalesceExample;
import dev.advancedspark.part2.joins.JoinStrategiesExample;
import dev.advancedspark.part2.joins.SkewedJoinExample;
import dev.advancedspark.part2.layout.BucketedJoinExample;
import dev.advancedspark.part2.pushdown.FileFormatScanExample;
import dev.advancedspark.part2.pushdown.PushdownDefeatersExample;
import dev.advancedspark.part2.shuffles.AqeCoalescingExample;
import dev.advancedspark.part3.memory.SpillExample;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The suites that measure a lesson call the part's own functions (issue 16 item 9: a change to the
 * lesson changes the measurement) and do not write the lesson's Spark calls themselves. Read from
 * the suites' bytecode, lambdas included: a suite that went back to its own copy (its own {@code
 * hint("broadcast")}, {@code bucketBy}, {@code repartition}) fails here even when the copy gives
 * the same plan.
 */
class LessonWiringTest {

  /**
   * A suite, the part functions it must call ({@code Class.method}) and the Spark calls it must
   * leave to them.
   */
  record Wiring(Class<?> suite, List<String> calls, List<String> notItself) {
    @Override
    public String toString() {
      return suite.getSimpleName();
    }
  }

  private static final JavaClasses SUITES =
      new ClassFileImporter()
          .importClasses(
              JoinBenchmark.class,
              SkewJoinBenchmark.class,
              CachingBenchmark.class,
              RepartitionVsCoalesceBenchmark.class,
              ShufflePartitionsBenchmark.class,
              UdfBenchmark.class,
              FileFormatBenchmark.class,
              SpillBenchmark.class);

  static Stream<Wiring> suites() {
    String join = JoinStrategiesExample.class.getName();
    // Spark's classes by name: the check reads call sites and needs none of them loaded.
    String dataset = "org.apache.spark.sql.Dataset";
    return Stream.of(
        new Wiring(
            JoinBenchmark.class,
            List.of(
                join + ".broadcastHashJoin",
                join + ".shuffledHashJoin",
                join + ".sortMergeJoin",
                BucketedJoinExample.class.getName() + ".saveBucketed"),
            List.of(
                dataset + ".hint",
                "org.apache.spark.sql.functions.broadcast",
                "org.apache.spark.sql.DataFrameWriter.bucketBy")),
        new Wiring(
            CachingBenchmark.class, List.of(join + ".sortMergeJoin"), List.of(dataset + ".hint")),
        new Wiring(
            RepartitionVsCoalesceBenchmark.class,
            List.of(
                RepartitionVsCoalesceExample.class.getName() + ".repartitioned",
                RepartitionVsCoalesceExample.class.getName() + ".coalesced"),
            List.of(dataset + ".repartition", dataset + ".coalesce")),
        new Wiring(
            ShufflePartitionsBenchmark.class,
            List.of(
                AqeCoalescingExample.class.getName() + ".settings",
                AqeCoalescingExample.class.getName() + ".revenuePerCustomer"),
            List.of(dataset + ".groupBy")),
        new Wiring(
            SkewJoinBenchmark.class,
            List.of(
                SkewedJoinExample.class.getName() + ".skewedOrders",
                SkewedJoinExample.class.getName() + ".join",
                SkewedJoinExample.class.getName() + ".saltedJoin",
                SkewedJoinExample.class.getName() + ".aqeSkewSettings",
                SkewedJoinExample.class.getName() + ".noSkewHandlingSettings"),
            List.of()),
        new Wiring(
            UdfBenchmark.class,
            List.of(
                PushdownDefeatersExample.class.getName() + ".viaUdf",
                PushdownDefeatersExample.class.getName() + ".onTheRawColumn"),
            List.of()),
        new Wiring(
            FileFormatBenchmark.class,
            List.of(
                FileFormatScanExample.class.getName() + ".writeAllFormats",
                FileFormatScanExample.class.getName() + ".read",
                FileFormatScanExample.class.getName() + ".selectiveFilter",
                FileFormatScanExample.class.getName() + ".narrowProjection"),
            List.of()),
        new Wiring(
            SpillBenchmark.class,
            List.of(
                SpillExample.class.getName() + ".sortAndMeasure",
                SpillExample.class.getName() + ".sortedPerCustomer"),
            List.of()));
  }

  /** Every {@code Owner.method} the class calls, its lambdas included. */
  static Set<String> calls(Class<?> suite) {
    JavaClass cls = SUITES.get(suite);
    Set<String> out = new TreeSet<>();
    for (JavaMethodCall call : cls.getMethodCallsFromSelf()) {
      out.add(call.getTargetOwner().getName() + "." + call.getName());
    }
    return out;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("suites")
  void theSuiteCallsThePartsFunctionsNotItsOwnCopy(Wiring w) {
    Set<String> calls = calls(w.suite());

    assertThat(calls).as("what %s calls", w).containsAll(w.calls());
    for (String own : w.notItself()) {
      assertThat(calls).as("what %s leaves to the part", w).doesNotContain(own);
    }
  }
}
