package dev.advancedspark.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.SparkException;
import org.junit.jupiter.api.Test;

/**
 * Runs {@link Examples#runAndReport} end to end, which starts and stops its own session: an IT so
 * it never stops the unit tests' shared session.
 */
class ExamplesIT {

  @Test
  void aCheckedSparkExceptionThrownFromScalaCodeIsAOneLineMessageNotAStackTrace() {
    ExampleArgs spec = ExampleArgs.forExample("DemoExample");
    PrintStream original = System.err;
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    int status;
    try {
      status =
          Examples.runAndReport(
              new String[] {"--master", "local[1]"},
              spec,
              "DemoExample",
              (spark, opts) -> sneakyThrow(new SparkException("[FAILED_READ_FILE] bad.csv")));
    } finally {
      System.setErr(original);
    }

    String printed = err.toString(StandardCharsets.UTF_8);
    assertThat(status).isEqualTo(1);
    assertThat(printed)
        .contains("DemoExample failed: [FAILED_READ_FILE] bad.csv")
        .doesNotContain("\tat ");
  }

  @Test
  void withUiWaitThePrintedUrlAnswersUntilTheWaitEndsThenTheSessionStops() throws Exception {
    // given an example run with --ui-wait (a long wait that this test cuts short)
    ExampleArgs spec = ExampleArgs.forExample("UiDemoExample");
    Pattern open = Pattern.compile("Spark UI open at (http://127\\.0\\.0\\.1:\\d+) for 120 s");
    LineWatcher out = new LineWatcher(open);
    PrintStream original = System.out;
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    CompletableFuture<Integer> status = new CompletableFuture<>();
    Thread runner =
        new Thread(
            () ->
                status.complete(
                    Examples.runAndReport(
                        new String[] {"--master", "local[1]", "--ui-wait", "120"},
                        spec,
                        (spark, opts) -> spark.range(100).selectExpr("sum(id)").collect())),
            "ui-example");
    String url;
    String applications;
    try {
      runner.start();
      // when the example has run its lesson and printed where its UI is (or ended without it)
      CompletableFuture.anyOf(out.found, status).get(90, TimeUnit.SECONDS);
      assertThat(out.found).as("the example printed its UI URL: " + out.text()).isDone();
      url = out.found.get();
      applications = get(url + "/api/v1/applications");
    } finally {
      runner.interrupt();
      // the session is stopped before the next test (or IT class) asks for one, pass or fail
      runner.join(TimeUnit.SECONDS.toMillis(60));
      System.setOut(original);
    }

    // then the printed URL served the application, and ending the wait stopped the session
    assertThat(applications).containsPattern("\"name\"\\s*:\\s*\"UiDemoExample\"");
    assertThat(status).isCompletedWithValue(0);
    assertThat(out.text()).contains("Spark UI: " + url);
    assertThatThrownBy(() -> get(url + "/api/v1/applications")).isInstanceOf(IOException.class);
  }

  /** Keeps what is printed, and completes {@link #found} with group 1 once the pattern shows. */
  private static final class LineWatcher extends OutputStream {
    final CompletableFuture<String> found = new CompletableFuture<>();
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final Pattern pattern;

    LineWatcher(Pattern pattern) {
      this.pattern = pattern;
    }

    @Override
    public synchronized void write(int b) {
      bytes.write(b);
      if (b == '\n' && !found.isDone()) {
        Matcher m = pattern.matcher(text());
        if (m.find()) {
          found.complete(m.group(1));
        }
      }
    }

    synchronized String text() {
      return bytes.toString(StandardCharsets.UTF_8);
    }
  }

  private static String get(String url) throws IOException, InterruptedException {
    HttpClient client =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    HttpResponse<String> response =
        client.send(
            // the UI's first REST call starts Jersey: seconds on a busy machine
            HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60)).build(),
            HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IOException("GET " + url + " answered " + response.statusCode());
    }
    return response.body();
  }

  /** What Scala code does: a checked exception that javac cannot see. */
  @SuppressWarnings("unchecked")
  private static <E extends Throwable> void sneakyThrow(Throwable e) throws E {
    throw (E) e;
  }
}
