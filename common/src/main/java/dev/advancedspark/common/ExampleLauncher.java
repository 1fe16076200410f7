package dev.advancedspark.common;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The Java side of {@code bin/run-example}: lists every class marked {@link RunnableExample} on the
 * class path, or runs one by its simple name.
 */
public final class ExampleLauncher {

  /** One runnable example. */
  public record Entry(String module, String simpleName, String className, String summary) {}

  private ExampleLauncher() {}

  public static void main(String[] args) {
    System.exit(launch(args, System.getProperty("java.class.path")));
  }

  /**
   * Runs {@code args[0]} (an example's simple name) with the rest of {@code args}, or lists the
   * examples; returns the exit status instead of exiting.
   */
  public static int launch(String[] args, String classPath) {
    List<Entry> catalog = catalog(classPath);
    if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h")) {
      System.out.print(listing(catalog));
      return 0;
    }
    String name = args[0];
    Optional<Entry> entry = find(catalog, name);
    if (entry.isEmpty()) {
      System.err.println("error: no example named '" + name + "'.");
      List<String> close =
          catalog.stream().map(Entry::simpleName).filter(n -> isCloseTo(n, name)).toList();
      if (!close.isEmpty()) {
        System.err.println("Did you mean: " + String.join(", ", close) + "?");
      }
      System.err.print(listing(catalog));
      return 2;
    }
    Method main;
    try {
      main = Class.forName(entry.get().className()).getMethod("main", String[].class);
    } catch (ReflectiveOperationException | LinkageError e) {
      System.err.println("error: cannot start " + entry.get().className() + ": " + e);
      return 1;
    }
    // The example's own System.exit (via Examples.exit) becomes the status returned here.
    return Examples.exitStatusOf(
        () -> invoke(main, name, Arrays.copyOfRange(args, 1, args.length)), false);
  }

  private static void invoke(Method main, String name, String[] args) {
    try {
      main.invoke(null, (Object) args);
    } catch (InvocationTargetException e) {
      if (e.getCause() instanceof Examples.ExitRequest exit) {
        throw exit; // an exit request: let Examples.exitStatusOf turn it into the status
      }
      Throwable cause = e.getCause();
      System.err.println(name + " failed: " + cause);
      if (System.getenv("EXAMPLE_DEBUG") != null) {
        cause.printStackTrace();
      }
      Examples.exit(1);
    } catch (IllegalAccessException e) {
      System.err.println("error: cannot start " + main.getDeclaringClass().getName() + ": " + e);
      Examples.exit(1);
    }
  }

  /** "joins" finds JoinStrategiesExample; "EnvCheck" finds EnvironmentCheckExample. */
  static boolean isCloseTo(String candidate, String query) {
    String c = candidate.toLowerCase();
    String q = query.toLowerCase().replace("example", "");
    return !q.isEmpty() && (c.contains(q) || c.startsWith(q.substring(0, Math.min(3, q.length()))));
  }

  static Optional<Entry> find(List<Entry> catalog, String name) {
    return catalog.stream()
        .filter(e -> e.simpleName().equalsIgnoreCase(name) || e.className().equals(name))
        .findFirst();
  }

  static String listing(List<Entry> catalog) {
    StringBuilder sb = new StringBuilder();
    sb.append("Usage: bin/run-example <Name> [--help] [options]\n\nExamples:\n");
    String module = null;
    for (Entry e : catalog) {
      if (!e.module().equals(module)) {
        module = e.module();
        sb.append("  ").append(module).append('\n');
      }
      sb.append(String.format("    %-34s %s%n", e.simpleName(), e.summary()));
    }
    if (catalog.isEmpty()) {
      sb.append("  (none found on the class path)\n");
    }
    return sb.toString();
  }

  /** Every {@link RunnableExample} in the class-path folders (the modules' target/classes). */
  public static List<Entry> catalog(String classPath) {
    List<Entry> entries = new ArrayList<>();
    for (String element : classPath.split(File.pathSeparator)) {
      Path dir = Path.of(element);
      if (!Files.isDirectory(dir)) {
        continue;
      }
      String module = moduleName(dir);
      try (Stream<Path> files = Files.walk(dir)) {
        files
            .filter(
                p -> p.toString().endsWith(".class") && !p.getFileName().toString().contains("$"))
            .forEach(p -> describe(dir, p, module).ifPresent(entries::add));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    entries.sort(Comparator.comparing(Entry::module).thenComparing(Entry::simpleName));
    return entries;
  }

  private static Optional<Entry> describe(Path root, Path classFile, String module) {
    String rel = root.relativize(classFile).toString();
    String className =
        rel.substring(0, rel.length() - ".class".length()).replace(File.separatorChar, '.');
    try {
      Class<?> c = Class.forName(className, false, ExampleLauncher.class.getClassLoader());
      RunnableExample marker = c.getAnnotation(RunnableExample.class);
      if (marker == null || !Modifier.isPublic(c.getModifiers())) {
        return Optional.empty();
      }
      return Optional.of(new Entry(module, c.getSimpleName(), className, marker.value()));
    } catch (ClassNotFoundException | LinkageError e) {
      if (!isMarked(classFile)) {
        return Optional.empty();
      }
      // A marked example that cannot load is listed with the reason, never dropped silently.
      String simple = className.substring(className.lastIndexOf('.') + 1);
      System.err.println("warning: example " + className + " cannot be loaded: " + e);
      return Optional.of(new Entry(module, simple, className, "(cannot be loaded: " + e + ")"));
    }
  }

  /**
   * Whether a class file mentions the {@link RunnableExample} annotation type, without loading it:
   * a cheap test, used only for classes that failed to load (the launcher itself, which reads the
   * annotation, also matches).
   */
  static boolean isMarked(Path classFile) {
    try {
      String bytes = new String(Files.readAllBytes(classFile), StandardCharsets.ISO_8859_1);
      return bytes.contains("L" + RunnableExample.class.getName().replace('.', '/') + ";");
    } catch (IOException e) {
      return false;
    }
  }

  static String moduleName(Path classesDir) {
    // <module>/target/classes -> <module>; a module inside another module's folder keeps the
    // outer name (part5-enterprise/streaming): folders with a pom.xml below the build's root.
    Path abs = classesDir.toAbsolutePath().normalize();
    Path target = abs.getParent();
    if (target == null || target.getParent() == null) {
      return abs.toString();
    }
    Path module = target.getParent();
    String name = module.getFileName().toString();
    for (Path outer = module.getParent();
        outer != null
            && outer.getParent() != null
            && Files.isRegularFile(outer.resolve("pom.xml"))
            && Files.isRegularFile(outer.getParent().resolve("pom.xml"));
        outer = outer.getParent()) {
      name = outer.getFileName() + "/" + name;
    }
    return name;
  }
}
