package dev.advancedspark.benchmarks.baselines;

/** One way to answer the groupby questions over data loaded once, outside the timed region. */
public interface GroupByEngine extends AutoCloseable {

  /** What the benchmark times: compute the whole answer and materialize it, without printing. */
  Object run(Question q);

  /** The answer, collected, for the cross-engine check. */
  Answer answer(Question q);

  /** The rows loaded. */
  long rows();

  /** The name used in results ({@code spark-default}, {@code duckdb} ...). */
  String name();

  /**
   * Throws when the engine does not run as its name says (wrong layout, thread count...). Called by
   * set-up after loading.
   */
  void verify();

  @Override
  void close();
}
