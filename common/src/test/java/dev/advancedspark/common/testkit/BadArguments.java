package dev.advancedspark.common.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.advancedspark.common.ExampleArgs;
import dev.advancedspark.common.ExampleLauncher;
import dev.advancedspark.common.Examples;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.assertj.core.api.SoftAssertions;

/**
 * Tries bad arguments on every {@code @RunnableExample} of a module, through {@link
 * ExampleLauncher#launch} as {@code bin/run-example} does, in this JVM and without starting Spark
 * ({@link Examples#exitStatusOf} in parse-only mode): a wrong flag, a non-positive value for each
 * count, a missing path for each input. Each must exit with status 2 and print one {@code error:}
 * line (then at most the usage), never a stack trace. The defaults must be accepted (status 0).
 *
 * <pre>{@code
 * @Test
 * void everyExampleAnswersBadArgumentsWithAUsageError() {
 *   BadArguments.checkEveryExampleOf("part2-dataframes");
 * }
 * }</pre>
 */
public final class BadArguments {

  /** What one run printed and returned. */
  public record Outcome(String example, List<String> args, int status, String out, String err) {}

  private BadArguments() {}

  /**
   * The class path the launcher searches: the module's own {@code target/classes} (the working
   * directory of a Maven test run is the module's folder), then this JVM's class path.
   */
  static String classPath() {
    return Path.of("target", "classes").toAbsolutePath()
        + java.io.File.pathSeparator
        + System.getProperty("java.class.path");
  }

  /** The examples of {@code module} (its {@code target/classes}). */
  public static List<ExampleLauncher.Entry> examplesOf(String module) {
    return ExampleLauncher.catalog(classPath()).stream()
        .filter(e -> e.module().equals(module))
        .distinct()
        .toList();
  }

  /** The argument spec an example declares as a static {@link ExampleArgs} field. */
  public static ExampleArgs specOf(String className) {
    try {
      Class<?> c = Class.forName(className);
      for (Field f : c.getDeclaredFields()) {
        if (Modifier.isStatic(f.getModifiers()) && f.getType() == ExampleArgs.class) {
          f.setAccessible(true);
          return (ExampleArgs) f.get(null);
        }
      }
      throw new AssertionError(className + " declares no static ExampleArgs field");
    } catch (ReflectiveOperationException e) {
      throw new AssertionError("cannot read the arguments of " + className, e);
    }
  }

  /** Runs {@code name args...} through the launcher, parse-only, capturing its output. */
  public static Outcome run(String name, String... args) {
    PrintStream out = System.out;
    PrintStream err = System.err;
    ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
    ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
    String[] launcherArgs = Stream.concat(Stream.of(name), Stream.of(args)).toArray(String[]::new);
    int[] status = new int[1];
    try {
      System.setOut(new PrintStream(outBytes, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(errBytes, true, StandardCharsets.UTF_8));
      int exit =
          Examples.exitStatusOf(
              () -> status[0] = ExampleLauncher.launch(launcherArgs, classPath()), true);
      status[0] = exit != 0 ? exit : status[0];
    } finally {
      System.setOut(out);
      System.setErr(err);
    }
    return new Outcome(
        name,
        List.of(args),
        status[0],
        outBytes.toString(StandardCharsets.UTF_8),
        errBytes.toString(StandardCharsets.UTF_8));
  }

  /** The bad-argument cases of one example. */
  public static List<List<String>> badCases(ExampleArgs spec) {
    List<List<String>> cases = new ArrayList<>();
    cases.add(List.of("--no-such-flag", "1"));
    for (String count : spec.countOptions()) {
      long min = spec.minimumOf(count);
      cases.add(List.of("--" + count, String.valueOf(Math.min(0, min - 1))));
      cases.add(List.of("--" + count, String.valueOf(min - 5)));
    }
    for (String input : spec.inputPathOptions()) {
      cases.add(List.of("--" + input, Path.of("target", "no-such-input.csv").toString()));
    }
    return cases;
  }

  /** Asserts the contract for every example of {@code module}; returns how many runs it made. */
  public static int checkEveryExampleOf(String module) {
    List<ExampleLauncher.Entry> examples = examplesOf(module);
    assertThat(examples).as("examples of " + module + " on the class path").isNotEmpty();
    SoftAssertions softly = new SoftAssertions();
    int runs = 0;
    for (ExampleLauncher.Entry e : examples) {
      ExampleArgs spec = specOf(e.className());
      softly
          .assertThat(spec.exampleName())
          .as(e.className() + ": name in its ExampleArgs")
          .isEqualTo(e.simpleName());
      for (String option : spec.optionNames()) {
        if (spec.kindOf(option).equals("text")) {
          softly
              .assertThat(option)
              .as(e.simpleName() + " --" + option + ": a number declared as plain text")
              .doesNotMatch("rows|partitions|customers|users|records|objects|n|buckets|files");
        }
      }
      Outcome ok = run(e.simpleName());
      runs++;
      softly.assertThat(ok.status()).as(e.simpleName() + " with its defaults: " + ok).isZero();
      for (List<String> args : badCases(spec)) {
        Outcome o = run(e.simpleName(), args.toArray(String[]::new));
        runs++;
        softly.assertThat(o.status()).as(describe(o)).isEqualTo(2);
        softly.assertThat(o.out()).as(describe(o) + ": stdout").isEmpty();
        List<String> lines = o.err().lines().toList();
        softly.assertThat(lines).as(describe(o)).isNotEmpty();
        if (!lines.isEmpty()) {
          softly.assertThat(lines.get(0)).as(describe(o)).startsWith("error: ");
          softly
              .assertThat(lines.size() == 1 || lines.get(1).startsWith("Usage: "))
              .as(describe(o) + ": one error line, then only the usage")
              .isTrue();
        }
        softly
            .assertThat(o.err())
            .as(describe(o))
            .doesNotContain("\tat ", "Exception", "no example named");
      }
    }
    softly.assertAll();
    return runs;
  }

  private static String describe(Outcome o) {
    return o.example() + " " + String.join(" ", o.args()) + " -> " + o.status() + "\n" + o.err();
  }
}
