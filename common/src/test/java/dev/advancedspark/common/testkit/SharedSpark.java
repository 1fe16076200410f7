package dev.advancedspark.common.testkit;

import dev.advancedspark.common.SparkSessions;
import dev.advancedspark.common.io.SparkFolders;
import java.nio.file.Path;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * One {@code local[2]} SparkSession for the whole test JVM, shared by every test class: starting a
 * session costs seconds, so a suite pays for it once. Stopped when the JVM exits.
 *
 * <pre>{@code
 * @ExtendWith(SharedSpark.class)
 * class MyExampleTest {
 *   private final SparkSession spark;
 *   MyExampleTest(SparkSession spark) { this.spark = spark; }
 * }
 * }</pre>
 *
 * or simply {@code SparkSession spark = SharedSpark.session();}.
 *
 * <p>The session's work folder is the module's {@code target/} (Surefire passes it as {@code
 * spark.test.home}). Tests that change a SQL setting use {@link
 * dev.advancedspark.common.SqlConfs#with} so the next test sees the defaults again.
 */
public final class SharedSpark implements ParameterResolver {

  private static SparkSession session;

  /** The shared session, created on first use. */
  public static synchronized SparkSession session() {
    if (session == null || session.sparkContext().isStopped()) {
      session = SparkSessions.forTests("tests", workDir());
      Runtime.getRuntime().addShutdownHook(new Thread(SharedSpark::stop, "stop-shared-spark"));
    }
    return session;
  }

  /** The module's target folder (or ./target when run outside Maven). */
  public static Path workDir() {
    return Path.of(System.getProperty("spark.test.home", "target")).toAbsolutePath();
  }

  /** A fresh folder under the module's target folder for a test's files. */
  public static Path scratch(String name) {
    Path dir = workDir().resolve("test-data").resolve(name);
    SparkFolders.deleteRecursively(dir);
    try {
      java.nio.file.Files.createDirectories(dir);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return dir;
  }

  private static synchronized void stop() {
    if (session != null) {
      session.stop();
      session = null;
    }
  }

  @Override
  public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext context) {
    return parameterContext.getParameter().getType() == SparkSession.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameterContext, ExtensionContext context) {
    return session();
  }
}
