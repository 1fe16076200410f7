package dev.advancedspark.common;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
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
 * <p>Exit statuses: 0 done (or {@code --help}), 1 the example failed (a message, no stack trace), 2
 * a usage error (a bad argument, a missing input path: one {@code error:} line, then the usage when
 * it helps).
 *
 * <p>Set {@code EXAMPLE_DEBUG=1} to see the full stack trace of an unexpected failure.
 */
public final class Examples {

  private Examples() {}

  /** Thrown instead of {@link System#exit} while {@link #exitStatusOf} runs a {@code main}. */
  static final class ExitRequest extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int status;

    ExitRequest(int status) {
      super("exit " + status, null, false, false);
      this.status = status;
    }
  }

  private enum Mode {
    RUN,
    PARSE_ONLY
  }

  private static final ThreadLocal<Mode> CAPTURED = new ThreadLocal<>();

  /**
   * Runs an example's {@code main} in this thread and returns the status it would exit with,
   * instead of exiting the JVM. With {@code parseOnly} the example stops once its arguments are
   * accepted (status 0) and never starts Spark: a cheap way for a test to try bad arguments on
   * every example.
   */
  public static int exitStatusOf(Runnable main, boolean parseOnly) {
    Mode previous = CAPTURED.get();
    // A parse-only caller (a test) keeps its mode through the launcher's own capture.
    CAPTURED.set(parseOnly || previous == Mode.PARSE_ONLY ? Mode.PARSE_ONLY : Mode.RUN);
    try {
      main.run();
      return 0;
    } catch (ExitRequest e) {
      return e.status;
    } finally {
      if (previous == null) {
        CAPTURED.remove();
      } else {
        CAPTURED.set(previous);
      }
    }
  }

  /** {@link #run(String[], ExampleArgs, String, BiConsumer)} named after {@code spec}. */
  public static void run(
      String[] args, ExampleArgs spec, BiConsumer<SparkSession, ExampleArgs.Parsed> body) {
    run(args, spec, spec.exampleName(), body);
  }

  /**
   * The thin main of a tool that needs no Spark session (a calculator): the same parsing, messages
   * and exit statuses as {@link #run}, without starting Spark.
   */
  public static void runTool(String[] args, ExampleArgs spec, Consumer<ExampleArgs.Parsed> body) {
    int status = runAndReport(args, spec, spec.exampleName(), null, body);
    if (status != 0 || CAPTURED.get() != null) {
      exit(status);
    }
  }

  /** A tool's whole run on explicit streams, returning its exit status (0, 1 findings, 2 usage). */
  @FunctionalInterface
  public interface StatusTool {
    int run(String[] args, PrintStream out, PrintStream err);
  }

  /**
   * The thin main of a tool whose work is a {@link StatusTool} (a linter, a doctor, a calculator
   * with findings): parsed like {@link #runTool} (and, for the bad-arguments test, stopped there),
   * then run on the standard streams, and the JVM ends with its status when that is not 0.
   */
  public static void runTool(String[] args, ExampleArgs spec, StatusTool tool) {
    runTool(
        args,
        spec,
        opts -> {
          int status = tool.run(args, System.out, System.err);
          if (status != 0) {
            exit(status);
          }
        });
  }

  /** Exits with the status: the one place (with {@link #exitStatusOf}) an example ends the JVM. */
  public static void exit(int status) {
    if (CAPTURED.get() != null) {
      throw new ExitRequest(status);
    }
    System.exit(status);
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
    if (status != 0 || CAPTURED.get() != null) {
      exit(status);
    }
  }

  /** Like {@link #run} but returns the exit status instead of exiting: for tests of bad input. */
  public static int runAndReport(
      String[] args,
      ExampleArgs spec,
      String appName,
      BiConsumer<SparkSession, ExampleArgs.Parsed> body) {
    return runAndReport(args, spec, appName, body, null);
  }

  private static int runAndReport(
      String[] args,
      ExampleArgs spec,
      String appName,
      BiConsumer<SparkSession, ExampleArgs.Parsed> body,
      Consumer<ExampleArgs.Parsed> tool) {
    ExampleArgs.Parsed parsed;
    try {
      parsed = spec.parse(args);
    } catch (UsageException e) {
      return report(e);
    }
    if (CAPTURED.get() == Mode.PARSE_ONLY) {
      return 0;
    }
    SparkSession spark = null;
    try {
      if (tool != null) {
        tool.accept(parsed);
        return 0;
      }
      spark = SparkSessions.forExample(parsed.sessionSettings(appName));
      if (parsed.ui()) {
        announceUi(spark, System.out);
      }
      body.accept(spark, parsed);
      return 0;
    } catch (ExitRequest e) {
      // A body that ends with Examples.exit(status) under the launcher: keep its status.
      throw e;
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
        if (parsed.ui()) {
          // after a failure too: the UI's failed stage and its error are worth a look
          keepUiOpen(spark, parsed.uiWaitSeconds(), System.out);
        }
        spark.stop();
      }
    }
  }

  /** Prints the live UI's URL (and a note when it listens beyond 127.0.0.1). */
  private static void announceUi(SparkSession spark, PrintStream out) {
    out.println("Spark UI: " + uiUrl(spark) + " (live while the example runs)");
    String localIp = System.getenv("SPARK_LOCAL_IP");
    if (!"127.0.0.1".equals(localIp)) {
      out.println(
          "note: SPARK_LOCAL_IP is "
              + (localIp == null ? "unset" : "'" + localIp + "'")
              + ", so Spark's UI listens on that address, not only on 127.0.0.1"
              + " (bin/run-example sets SPARK_LOCAL_IP=127.0.0.1 for --ui).");
    }
  }

  private static String uiUrl(SparkSession spark) {
    scala.Option<String> url = spark.sparkContext().uiWebUrl();
    return url.isDefined() ? url.get() : "(no UI: spark.ui.enabled=false was given)";
  }

  /**
   * Keeps the session, and so its UI, until Enter (or the end of standard input) when {@code
   * seconds} is {@link ExampleArgs#UI_WAIT_FOR_ENTER}, else for {@code seconds}; an interrupt ends
   * the wait (Ctrl-C ends the JVM, and Spark's shutdown hook stops the session).
   */
  static void keepUiOpen(SparkSession spark, long seconds, PrintStream out) {
    String url = uiUrl(spark);
    if (seconds == ExampleArgs.UI_WAIT_FOR_ENTER) {
      out.println("Spark UI open at " + url + ": press Enter to stop.");
      out.flush();
      try {
        int c;
        do {
          c = System.in.read();
        } while (c != -1 && c != '\n');
        if (c == -1) {
          out.println("Standard input is closed: stopping (use --ui-wait SECONDS instead).");
        }
      } catch (java.io.IOException e) {
        out.println("Cannot read standard input (" + e.getMessage() + "): stopping.");
      }
      return;
    }
    out.println(
        "Spark UI open at " + url + " for " + seconds + " s (Ctrl-C stops the example sooner).");
    out.flush();
    try {
      Thread.sleep(java.util.concurrent.TimeUnit.SECONDS.toMillis(seconds));
    } catch (InterruptedException e) {
      // An interrupt means "stop waiting": the session is stopped next, which an interrupt flag
      // left set would disturb.
      out.println("Interrupted: stopping.");
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
    return report(e, System.out, System.err);
  }

  /**
   * Prints a usage error the way every example and tool does, and returns its exit status: the
   * usage on {@code out} and 0 for {@code --help}; else one {@code error:} line, then the usage
   * when it helps, on {@code err}, and 2. For tools whose {@code run} method takes its streams
   * (tests).
   */
  public static int report(UsageException e, PrintStream out, PrintStream err) {
    if (e.helpRequested()) {
      out.print(e.usage());
      return 0;
    }
    err.println("error: " + e.getMessage());
    if (e.usage() != null) {
      err.print(e.usage());
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
