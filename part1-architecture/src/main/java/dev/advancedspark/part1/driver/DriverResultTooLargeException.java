package dev.advancedspark.part1.driver;

/**
 * A result that should not be pulled into the driver: its message says how big, what the limit is
 * and what to do instead.
 */
public final class DriverResultTooLargeException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public DriverResultTooLargeException(String message, Throwable cause) {
    super(message, cause);
  }
}
