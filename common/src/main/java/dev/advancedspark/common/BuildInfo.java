package dev.advancedspark.common;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * The versions this build was made with, as the root {@code pom.xml} sets them ({@code
 * scala.binary.version}, {@code spark.version}): written into {@code build.properties} by Maven's
 * resource filtering, so no class repeats them as a literal.
 */
public final class BuildInfo {

  private static final Properties PROPS = load();

  private BuildInfo() {}

  /** The Scala binary version of the Spark artifacts, e.g. {@code 2.13}. */
  public static String scalaBinaryVersion() {
    return get("scala.binary.version");
  }

  /** The Spark version the build compiles against, e.g. {@code 4.2.0}. */
  public static String sparkVersion() {
    return get("spark.version");
  }

  private static String get(String key) {
    String v = PROPS.getProperty(key);
    if (v == null || v.isBlank() || v.startsWith("${")) {
      throw new IllegalStateException(
          "build.properties has no value for " + key + ": rebuild the common module with Maven");
    }
    return v;
  }

  private static Properties load() {
    Properties p = new Properties();
    try (InputStream in = BuildInfo.class.getResourceAsStream("build.properties")) {
      if (in != null) {
        p.load(in);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read build.properties", e);
    }
    return p;
  }
}
