package dev.advancedspark.benchmarks;

import org.openjdk.jmh.annotations.Fork;

/**
 * Prints the JVM flags of {@link SparkBenchmark}'s {@code @Fork}, one line, for scripts that run
 * benchmarks in the launching JVM ({@code smoke.sh} runs JMH with {@code -f 0}): the flags stay in
 * one place.
 */
public final class JvmFlags {

  private JvmFlags() {}

  /** Spark's Java 17+ flags, as the forked benchmark JVMs get them. */
  public static String[] sparkFlags() {
    return SparkBenchmark.class.getAnnotation(Fork.class).jvmArgsAppend();
  }

  public static void main(String[] args) {
    System.out.println(String.join(" ", sparkFlags()));
  }
}
