package dev.advancedspark.common.testkit;

/**
 * The Spark line the tests run on, for the few lessons whose plan, metric or API differs between
 * the lines the build is tested on (the root pom's profiles {@code spark-3.5}, {@code spark-4.0},
 * {@code spark-4.1}; no profile is Spark 4.2).
 *
 * <p>A test that behaves differently per line asserts the behaviour OF that line behind an explicit
 * switch, never a skip:
 *
 * <pre>{@code
 * if (SparkVersion.atLeast(4, 0)) {
 *   assertThat(plan).contains("...");      // what 4.0+ does
 * } else {
 *   assertThat(plan).doesNotContain("..."); // what 3.5 does instead
 * }
 * }</pre>
 *
 * Every test class that calls {@code SparkVersion.atLeast} needs a "differs" row in {@code
 * COMPATIBILITY.md} and a sentence in its module README (runbooks' {@code CompatibilityTableTest}
 * checks the first).
 */
public final class SparkVersion {

  private SparkVersion() {}

  /** The version of the Spark on the class path, e.g. {@code 4.2.0}. */
  public static String current() {
    return org.apache.spark.package$.MODULE$.SPARK_VERSION();
  }

  /** True when the Spark on the class path is {@code major.minor} or newer. */
  public static boolean atLeast(int major, int minor) {
    int[] v = majorMinor(current());
    return v[0] > major || (v[0] == major && v[1] >= minor);
  }

  static int[] majorMinor(String version) {
    String[] parts = version.split("[.-]");
    if (parts.length < 2) {
      throw new IllegalArgumentException("not a Spark version: '" + version + "'");
    }
    return new int[] {Integer.parseInt(parts[0]), Integer.parseInt(parts[1])};
  }
}
