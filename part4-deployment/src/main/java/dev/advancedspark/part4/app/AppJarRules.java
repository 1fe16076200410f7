package dev.advancedspark.part4.app;

import dev.advancedspark.common.ExampleArgs;
import dev.advancedspark.common.Examples;
import dev.advancedspark.common.RunnableExample;
import dev.advancedspark.common.UsageException;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Enumeration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Checks an application jar before it goes to {@code spark-submit}: the mistakes that pass the
 * build and fail (or, worse, silently change behaviour) on the cluster.
 *
 * <ol>
 *   <li><b>No Spark or Scala classes.</b> The cluster puts its own Spark and Scala on the class
 *       path first. A bundled copy is dead weight at best; when its version differs from the
 *       cluster's, classes of two versions meet (an {@code InvalidClassException} on a serialized
 *       task, a {@code NoSuchMethodError}); with {@code spark.driver.userClassPathFirst} it is a
 *       {@code ClassCastException} between two loaders' copies of one class.
 *   <li><b>No signature files</b> ({@code META-INF/*.SF}, {@code .DSA}, {@code .RSA}, {@code .EC}):
 *       they sign the original jar, not the merged one, and the JVM refuses the jar with "Invalid
 *       signature file digest".
 *   <li><b>No package that the cluster's class path also has.</b> Classes load parent first: a
 *       bundled, unrelocated {@code com.google.common} class is never loaded when Spark's class
 *       path has Guava; the application silently runs against Spark's version. Relocate it.
 * </ol>
 *
 * <pre>
 * bin/run-example AppJarRules --jar part4-deployment/target/part4-deployment-1.0.0-SNAPSHOT-app.jar
 * </pre>
 */
@RunnableExample("Lint an application jar: no Spark/Scala classes, no signatures, no clashes")
public final class AppJarRules {

  private static final Pattern SIGNATURE =
      Pattern.compile("META-INF/[^/]+\\.(SF|DSA|RSA|EC)", Pattern.CASE_INSENSITIVE);
  private static final List<String> CLUSTER_PROVIDED = List.of("org/apache/spark/", "scala/");

  private AppJarRules() {}

  /** One broken rule: which, and the entries or packages that break it. */
  public record Violation(String rule, List<String> examples, int count) {
    @Override
    public String toString() {
      return rule + ": " + count + " (e.g. " + String.join(", ", examples) + ")";
    }
  }

  /**
   * Checks {@code jar} against the rules; an empty list means it passes.
   *
   * @param clusterClassPath the jars and folders the cluster provides (Spark's {@code jars/}), for
   *     the clash rule; empty to skip it
   */
  public static List<Violation> check(Path jar, Collection<Path> clusterClassPath) {
    List<String> entries = entries(jar);
    List<Violation> violations = new ArrayList<>();
    List<String> bundled =
        entries.stream()
            .filter(e -> e.endsWith(".class"))
            .filter(e -> CLUSTER_PROVIDED.stream().anyMatch(e::startsWith))
            .toList();
    add(violations, "bundles Spark or Scala classes (mark Spark `provided`)", bundled);
    add(
        violations,
        "keeps signature files of a dependency (exclude META-INF/*.SF, *.DSA, *.RSA, *.EC)",
        entries.stream().filter(e -> SIGNATURE.matcher(e).matches()).toList());
    if (!clusterClassPath.isEmpty()) {
      Set<String> provided = new TreeSet<>();
      for (Path p : clusterClassPath) {
        packagesOf(p, provided);
      }
      Set<String> clashes = new TreeSet<>(packages(entries));
      clashes.retainAll(provided);
      // Spark's own packages are reported by the first rule already.
      clashes.removeIf(p -> CLUSTER_PROVIDED.stream().anyMatch(p::startsWith));
      add(
          violations,
          "has packages the cluster's class path also has (relocate them)",
          List.copyOf(clashes));
    }
    return violations;
  }

  /** The class files of {@code jar} under a package prefix, e.g. {@code "com/google/common/"}. */
  public static List<String> classesUnder(Path jar, String prefix) {
    return entries(jar).stream().filter(e -> e.startsWith(prefix) && e.endsWith(".class")).toList();
  }

  /** Every entry name of {@code jar}. */
  public static List<String> entries(Path jar) {
    if (!Files.isRegularFile(jar)) {
      throw UsageException.problem("Jar " + jar.toAbsolutePath() + " does not exist.");
    }
    List<String> names = new ArrayList<>();
    try (ZipFile zip = new ZipFile(jar.toFile())) {
      Enumeration<? extends ZipEntry> e = zip.entries();
      while (e.hasMoreElements()) {
        names.add(e.nextElement().getName());
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read jar " + jar, e);
    }
    return names;
  }

  /** A jar or folder on a class path: the packages (as {@code a/b/}) that hold classes. */
  private static void packagesOf(Path entry, Set<String> into) {
    if (Files.isRegularFile(entry) && entry.toString().endsWith(".jar")) {
      into.addAll(packages(entries(entry)));
    } else if (Files.isDirectory(entry)) {
      try (var walk = Files.walk(entry)) {
        walk.filter(p -> p.toString().endsWith(".class"))
            .map(p -> entry.relativize(p).toString().replace(File.separatorChar, '/'))
            .forEach(n -> into.addAll(packages(List.of(n))));
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot read class folder " + entry, e);
      }
    }
  }

  private static Set<String> packages(List<String> entries) {
    Set<String> packages = new TreeSet<>();
    for (String e : entries) {
      // Versioned classes (META-INF/versions/N/...) and module-info belong to no package here.
      if (e.endsWith(".class") && !e.startsWith("META-INF/") && e.lastIndexOf('/') > 0) {
        packages.add(e.substring(0, e.lastIndexOf('/') + 1));
      }
    }
    return packages;
  }

  private static void add(List<Violation> into, String rule, List<String> offenders) {
    if (!offenders.isEmpty()) {
      into.add(
          new Violation(
              rule, offenders.subList(0, Math.min(3, offenders.size())), offenders.size()));
    }
  }

  static final ExampleArgs SPEC =
      ExampleArgs.forTool("AppJarRules")
          .option(
              "jar",
              "part4-deployment/target/part4-deployment-1.0.0-SNAPSHOT-app.jar",
              "the application jar to check")
          .option(
              "cluster-classpath",
              "",
              "the cluster's class path (jars and folders, ':'-separated); default: this JVM's");

  /** Runs the check from the command line: 0 when the jar passes, 1 when not, 2 on bad usage. */
  static int run(String[] args, PrintStream out, PrintStream err) {
    try {
      ExampleArgs.Parsed opts = SPEC.parse(args);
      String cp = opts.get("cluster-classpath");
      List<Path> clusterClassPath =
          List.of(
                  (cp.isBlank() ? System.getProperty("java.class.path") : cp)
                      .split(File.pathSeparator))
              .stream()
              .filter(s -> !s.isBlank())
              .map(Path::of)
              // This JVM's own classes (a build's target/classes) are not the cluster's.
              .filter(p -> !Files.isDirectory(p))
              .toList();
      List<Violation> violations = check(Path.of(opts.get("jar")), clusterClassPath);
      if (violations.isEmpty()) {
        out.println("OK: " + opts.get("jar") + " passes every rule.");
        return 0;
      }
      violations.forEach(v -> out.println("FAIL: " + v));
      return 1;
    } catch (UsageException e) {
      return Examples.report(e, out, err);
    }
  }

  public static void main(String[] args) {
    // runTool parses (and, for the bad-arguments test, stops there); run() does the rest and
    // returns the status: 1 when the check finds problems, 2 for a usage error.
    Examples.runTool(
        args,
        SPEC,
        opts -> {
          int status = run(args, System.out, System.err);
          if (status != 0) {
            Examples.exit(status);
          }
        });
  }
}
