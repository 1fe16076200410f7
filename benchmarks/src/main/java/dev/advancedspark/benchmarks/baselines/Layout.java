package dev.advancedspark.benchmarks.baselines;

/**
 * How the table's keys are stored, the same for every engine: a separate dimension from the
 * engine's settings.
 *
 * <ul>
 *   <li>{@code STRING}: as generated and as db-benchmark ships them, {@code id1..id3} strings
 *       ({@code "id042"}, {@code "id0000012345"}), {@code id4..id6} ints.
 *   <li>{@code INT_CODED}: {@code id1..id3} coded as the int in the string ({@code "id042"} -> 42),
 *       coded once when the table is loaded, before timing. The answers keep the int keys (the
 *       answer check compares the key numbers, so both layouts give comparable answers). DuckDB's
 *       own db-benchmark script does the same kind of thing with {@code ENUM} columns for id1 and
 *       id2.
 * </ul>
 */
public enum Layout {
  STRING("string"),
  INT_CODED("int-coded");

  private final String label;

  Layout(String label) {
    this.label = label;
  }

  /** The value of the benchmark's {@code layout} parameter. */
  public String label() {
    return label;
  }

  /** Whether id1..id3 are strings in this layout. */
  public boolean stringKeys() {
    return this == STRING;
  }

  public static Layout of(String label) {
    for (Layout l : values()) {
      if (l.label.equals(label)) {
        return l;
      }
    }
    throw new IllegalArgumentException("layout must be string or int-coded, not " + label);
  }

  /** The number in a key string ({@code "id042"} -> 42), without allocating. */
  public static int keyNumber(String key) {
    int n = 0;
    for (int i = 2; i < key.length(); i++) {
      n = n * 10 + (key.charAt(i) - '0');
    }
    return n;
  }
}
