package dev.advancedspark.common;

/**
 * A wrong or missing command-line argument, a missing input path: something the reader can fix.
 * {@link Examples#run} prints the message (and the usage, when there is one) instead of a stack
 * trace.
 */
public final class UsageException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final String usage;

  /**
   * @param problem what was wrong, or null when the reader only asked for help
   * @param usage the usage text, or null when it would not help (e.g. a missing input file)
   */
  public UsageException(String problem, String usage) {
    super(problem == null ? "help requested" : problem);
    this.usage = usage;
  }

  /** The problem alone, with no usage text: e.g. "Input path target/x.csv does not exist." */
  public static UsageException problem(String problem) {
    return new UsageException(problem, null);
  }

  public boolean helpRequested() {
    return "help requested".equals(getMessage()) && usage != null;
  }

  public String usage() {
    return usage;
  }
}
