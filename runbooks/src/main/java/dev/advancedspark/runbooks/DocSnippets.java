package dev.advancedspark.runbooks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Keeps the code shown in Markdown identical to compiled, tested source.
 *
 * <p>In a source file, a region is marked with comment lines {@code tag::name[]} and {@code
 * end::name[]} (after {@code //}, {@code #} or {@code --}). In Markdown, the line {@code <!--
 * snippet: path/from/repo/root/File.java#name -->} stands right before a fenced code block whose
 * content is that region, without the marker lines and with the common indentation removed.
 *
 * <pre>
 * java runbooks/src/main/java/dev/advancedspark/runbooks/DocSnippets.java          # check
 * java runbooks/src/main/java/dev/advancedspark/runbooks/DocSnippets.java --fix    # rewrite blocks
 * </pre>
 *
 * The check fails on a block that differs from its region, a region or file that does not exist,
 * and a marker that is unbalanced or used twice in one file. It runs as a test in {@code mvn
 * verify}; this class needs nothing but the JDK, so it also runs as a single-file program.
 */
public final class DocSnippets {

  static final Pattern TAG =
      Pattern.compile("^\\s*(?://|#|--)\\s*(tag|end)::([A-Za-z0-9_.-]+)\\[\\]\\s*$");
  static final Pattern REF =
      Pattern.compile("^<!--\\s*snippet:\\s*(\\S+?)#([A-Za-z0-9_.-]+)\\s*-->\\s*$");
  private static final Set<String> SKIP_DIRS = Set.of("target", ".git", "node_modules", ".idea");
  private static final Set<String> SOURCE_SUFFIXES =
      Set.of(".java", ".sh", ".yml", ".yaml", ".sql", ".properties", ".py", ".tf", ".toml");

  /** One problem found, with where it is. */
  public record Problem(Path file, int line, String message) {
    @Override
    public String toString() {
      return file + ":" + line + ": " + message;
    }
  }

  private final Path root;

  public DocSnippets(Path root) {
    this.root = root.toAbsolutePath().normalize();
  }

  public static void main(String[] args) {
    boolean fix = List.of(args).contains("--fix");
    Path root = Path.of(".");
    for (String a : args) {
      if (a.startsWith("--root=")) {
        root = Path.of(a.substring("--root=".length()));
      } else if (!a.equals("--fix")) {
        System.err.println("Usage: DocSnippets [--fix] [--root=DIR]");
        System.exit(2);
      }
    }
    DocSnippets docs = new DocSnippets(root);
    if (fix) {
      int changed = docs.fix();
      System.out.println("Rewrote " + changed + " snippet block(s).");
    }
    List<Problem> problems = docs.check();
    problems.forEach(p -> System.err.println(p));
    if (!problems.isEmpty()) {
      System.err.println(
          problems.size() + " snippet problem(s). Run with --fix to rewrite blocks from sources.");
      System.exit(1);
    }
    System.out.println("Snippets OK: every Markdown block matches its source region.");
  }

  /** Every problem in the tree: marker errors in sources, then reference errors in Markdown. */
  public List<Problem> check() {
    List<Problem> problems = new ArrayList<>();
    for (Path source : files(SOURCE_SUFFIXES)) {
      regions(source, problems);
    }
    for (Path md : files(Set.of(".md"))) {
      processMarkdown(md, problems, false);
    }
    return problems;
  }

  /** Rewrites every referenced block from its source; returns how many blocks changed. */
  public int fix() {
    int changed = 0;
    for (Path md : files(Set.of(".md"))) {
      changed += processMarkdown(md, new ArrayList<>(), true);
    }
    return changed;
  }

  /** The regions of one source file, by name, recording marker problems. */
  Map<String, String> regions(Path source, List<Problem> problems) {
    List<String> lines = read(source);
    Map<String, String> done = new LinkedHashMap<>();
    Map<String, Integer> open = new LinkedHashMap<>();
    Map<String, List<String>> bodies = new LinkedHashMap<>();
    for (int i = 0; i < lines.size(); i++) {
      Matcher m = TAG.matcher(lines.get(i));
      if (!m.matches()) {
        for (List<String> body : bodies.values()) {
          body.add(lines.get(i));
        }
        continue;
      }
      String name = m.group(2);
      if (m.group(1).equals("tag")) {
        if (open.containsKey(name) || done.containsKey(name)) {
          problems.add(
              new Problem(rel(source), i + 1, "marker 'tag::" + name + "[]' is used twice"));
          continue;
        }
        open.put(name, i + 1);
        bodies.put(name, new ArrayList<>());
      } else {
        if (!open.containsKey(name)) {
          problems.add(
              new Problem(
                  rel(source),
                  i + 1,
                  "'end::" + name + "[]' has no matching 'tag::" + name + "[]'"));
          continue;
        }
        open.remove(name);
        done.put(name, dedent(bodies.remove(name)));
      }
    }
    open.forEach(
        (name, line) ->
            problems.add(
                new Problem(
                    rel(source),
                    line,
                    "'tag::" + name + "[]' is never closed by 'end::" + name + "[]'")));
    return done;
  }

  private int processMarkdown(Path md, List<Problem> problems, boolean rewrite) {
    List<String> lines = read(md);
    List<String> out = new ArrayList<>();
    int changed = 0;
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      out.add(line);
      if (line.trim().startsWith("```")) {
        // An ordinary code block (it may show the marker syntax itself): copy it untouched.
        while (++i < lines.size()) {
          out.add(lines.get(i));
          if (lines.get(i).trim().equals("```")) {
            break;
          }
        }
        continue;
      }
      Matcher ref = REF.matcher(line.trim());
      if (!ref.matches()) {
        continue;
      }
      int fence = i + 1;
      if (fence >= lines.size() || !lines.get(fence).trim().startsWith("```")) {
        problems.add(
            new Problem(rel(md), i + 1, "snippet reference is not followed by a ``` code block"));
        continue;
      }
      int close = fence + 1;
      while (close < lines.size() && !lines.get(close).trim().equals("```")) {
        close++;
      }
      if (close >= lines.size()) {
        problems.add(new Problem(rel(md), fence + 1, "code block is never closed"));
        continue;
      }
      List<String> block = lines.subList(fence + 1, close);
      String expected = resolve(md, i + 1, ref.group(1), ref.group(2), problems);
      out.add(lines.get(fence));
      if (expected != null && !String.join("\n", block).equals(expected)) {
        if (rewrite) {
          changed++;
          out.addAll(expected.isEmpty() ? List.of() : List.of(expected.split("\n", -1)));
        } else {
          problems.add(
              new Problem(
                  rel(md),
                  fence + 2,
                  "block differs from "
                      + ref.group(1)
                      + "#"
                      + ref.group(2)
                      + firstDifference(block, expected)));
          out.addAll(block);
        }
      } else {
        out.addAll(block);
      }
      out.add(lines.get(close));
      i = close;
    }
    if (rewrite && changed > 0) {
      write(md, out);
    }
    return changed;
  }

  private String resolve(Path md, int line, String path, String region, List<Problem> problems) {
    Path source = root.resolve(path).normalize();
    if (!source.startsWith(root) || !Files.isRegularFile(source)) {
      problems.add(new Problem(rel(md), line, "snippet source file not found: " + path));
      return null;
    }
    Map<String, String> regions = regions(source, new ArrayList<>());
    if (!regions.containsKey(region)) {
      problems.add(new Problem(rel(md), line, "no region '" + region + "' in " + path));
      return null;
    }
    return regions.get(region);
  }

  private static String firstDifference(List<String> block, String expected) {
    String[] want = expected.split("\n", -1);
    for (int i = 0; i < Math.max(block.size(), want.length); i++) {
      String has = i < block.size() ? block.get(i) : "(end of block)";
      String should = i < want.length ? want[i] : "(end of region)";
      if (!has.equals(should)) {
        return String.format(
            " (block line %d: doc has '%s', source has '%s')", i + 1, has.strip(), should.strip());
      }
    }
    return "";
  }

  static String dedent(List<String> body) {
    int indent = Integer.MAX_VALUE;
    for (String l : body) {
      if (!l.isBlank()) {
        indent = Math.min(indent, l.length() - l.stripLeading().length());
      }
    }
    List<String> out = new ArrayList<>();
    for (String l : body) {
      out.add(
          l.isBlank() ? "" : l.substring(indent == Integer.MAX_VALUE ? 0 : indent).stripTrailing());
    }
    // A formatter may insert a blank line before an end marker: it is not part of the snippet.
    while (!out.isEmpty() && out.get(out.size() - 1).isEmpty()) {
      out.remove(out.size() - 1);
    }
    while (!out.isEmpty() && out.get(0).isEmpty()) {
      out.remove(0);
    }
    return String.join("\n", out);
  }

  private List<Path> files(Set<String> suffixes) {
    try (Stream<Path> walk = Files.walk(root)) {
      return walk.filter(Files::isRegularFile)
          .filter(p -> suffixes.stream().anyMatch(s -> p.getFileName().toString().endsWith(s)))
          .filter(
              p -> {
                for (Path part : root.relativize(p)) {
                  if (SKIP_DIRS.contains(part.toString())) {
                    return false;
                  }
                }
                return true;
              })
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private Path rel(Path p) {
    return root.relativize(p.toAbsolutePath().normalize());
  }

  private static List<String> read(Path p) {
    try {
      return Files.readAllLines(p, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + p, e);
    }
  }

  private static void write(Path p, List<String> lines) {
    try {
      Files.writeString(p, String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + p, e);
    }
  }
}
