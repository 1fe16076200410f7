package dev.advancedspark.common.history;

/** The History Server could not be started or did not answer in time; the message says why. */
public final class HistoryServerException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public HistoryServerException(String message) {
    super(message);
  }
}
