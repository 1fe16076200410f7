package dev.advancedspark.benchmarks.baselines;

/** One way to answer the groupby questions over data loaded once, outside the timed region. */
public interface GroupByEngine extends AutoCloseable {

  /** What the benchmark times: compute the whole answer and materialize it, without printing. */
  Object run(Question q);

  /** The fingerprint of the engine's answer to {@code q}, for the answer check. */
  Answer answer(Question q);

  /** Whether this engine can answer {@code q} at all (the dense-array baseline cannot do q10). */
  default boolean supports(Question q) {
    return true;
  }

  /** Releases what one {@link #run} left behind (a result table), outside the timed region. */
  default void afterRun() {}

  /** The rows loaded. */
  long rows();

  /** The name used in results ({@code spark-default}, {@code duckdb} ...): the settings. */
  String name();

  /** How the loaded table stores its keys. */
  Layout layout();

  /**
   * Throws when the engine does not run as its name says (wrong layout, thread count...). Called by
   * set-up after loading.
   */
  void verify();

  @Override
  void close();
}
