package dev.advancedspark.common;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.BiConsumer;
import org.apache.spark.sql.SparkSession;

/**
 * The thin {@code main} every example shares: parse arguments, build the session, run the lesson,
 * stop the session, and turn a reader's mistake into a message instead of a stack trace.
 *
 * <pre>{@code
 * static final ExampleArgs ARGS = ExampleArgs.forExample("TopCustomersExample").option("n", "10", "top n");
 *
 * public static void main(String[] args) {
 *   Examples.run(args, ARGS, (spark, opts) -> print(topCustomers(orders(spark), opts.getInt("n"))));
 * }
 * }</pre>
 *
 * <p>The pieces, by role: {@link ExampleArgs} declares and parses an example's options; this class
 * runs its {@code main}; {@link RunnableExample} marks a class as an example, and {@link
 * ExampleLauncher} (behind {@code bin/run-example}) finds and starts it by its simple name.
 *
 * <p>Set {@code EXAMPLE_DEBUG=1} to see the full stack trace of an unexpected failure.
 */
public final class Examples {

  private Examples() {}

  /** Runs an example whose app name is the name {@code spec} was declared with; exits on error. */
  public static void run(
      String[] args, ExampleArgs spec, BiConsumer<SparkSession, ExampleArgs.Parsed> body) {
    run(args, spec, spec.exampleName(), body);
  }

  /** Like {@link #run(String[], ExampleArgs, BiConsumer)}, returning the exit status. */
  public static int runAndReport(
      String[] args, ExampleArgs spec, BiConsumer<SparkSession, ExampleArgs.Parsed> body) {
    return runAndReport(args, spec, spec.exampleName(), body);
  }

  /**
   * Runs an example under {@code appName}; exits with 2 after a usage error and 1 after a failure.
   */
  public static void run(
      String[] args,
      ExampleArgs spec,
      String appName,
      BiConsumer<SparkSession, ExampleArgs.Parsed> body) {
    int status = runAndReport(args, spec, appName, body);
    if (status != 0) {
      System.exit(status);
    }
  }

  /** Like {@link #run} but returns the exit status instead of exiting: for tests of bad input. */
  public static int runAndReport(
      String[] args,
      ExampleArgs spec,
      String appName,
      BiConsumer<SparkSession, ExampleArgs.Parsed> body) {
    ExampleArgs.Parsed parsed;
    try {
      parsed = spec.parse(args);
    } catch (UsageException e) {
      return report(e);
    }
    SparkSession spark = null;
    try {
      spark = SparkSessions.forExample(parsed.sessionSettings(appName));
      body.accept(spark, parsed);
      return 0;
    } catch (UsageException e) {
      return report(e);
    } catch (Exception e) {
      // Exception, not RuntimeException: Scala code throws checked ones (SparkException) unchecked.
      Throwable root = e;
      while (root.getCause() != null && root.getCause() != root) {
        root = root.getCause();
      }
      System.err.println(appName + " failed: " + firstLine(e.getMessage()));
      if (root != e) {
        System.err.println(
            "  caused by: "
                + root.getClass().getSimpleName()
                + ": "
                + firstLine(root.getMessage()));
      }
      if (System.getenv("EXAMPLE_DEBUG") != null) {
        e.printStackTrace();
      } else {
        System.err.println("  (set EXAMPLE_DEBUG=1 for the full stack trace)");
      }
      return 1;
    } finally {
      if (spark != null) {
        spark.stop();
      }
    }
  }

  /** Fails with a message naming the path when an input the reader pointed at is missing. */
  public static Path requireExists(Path path, String what) {
    if (!Files.exists(path)) {
      throw UsageException.problem(
          what
              + " not found: "
              + path.toAbsolutePath()
              + " (check the path, or run without it to generate data).");
    }
    return path;
  }

  private static int report(UsageException e) {
    if (e.helpRequested()) {
      System.out.print(e.usage());
      return 0;
    }
    System.err.println("error: " + e.getMessage());
    if (e.usage() != null) {
      System.err.print(e.usage());
    }
    return 2;
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "(no message)";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
