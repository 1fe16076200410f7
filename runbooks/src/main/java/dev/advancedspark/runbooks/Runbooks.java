package dev.advancedspark.runbooks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Keeps the runbooks honest: every runbook ({@code runbooks/*.md} but the README) has the one
 * outline, names the tests that reproduce it, and those tests exist; the fix is cut from tested
 * source; every link of a runbook or decision map ({@code runbooks/decision-maps/*.md}) points at a
 * file that exists; the module README lists them all.
 *
 * <pre>
 * java runbooks/src/main/java/dev/advancedspark/runbooks/Runbooks.java     # check, from the root
 * </pre>
 */
public final class Runbooks {

  /** The outline every runbook follows, in this order. */
  public static final List<String> OUTLINE =
      List.of(
          "## Symptom",
          "## Where to look",
          "## How to confirm",
          "## Cause",
          "## Fix",
          "## How to verify");

  static final Pattern LINK = Pattern.compile("\\[([^\\]]*)\\]\\(([^)\\s#]+)(#[^)]*)?\\)");
  static final Pattern RULE = Pattern.compile("`([A-Z_]+)`");

  private final Path root;

  public Runbooks(Path root) {
    this.root = root.toAbsolutePath().normalize();
  }

  public static void main(String[] args) {
    List<String> problems = new Runbooks(Path.of(args.length > 0 ? args[0] : ".")).check();
    problems.forEach(System.err::println);
    if (!problems.isEmpty()) {
      System.err.println(problems.size() + " runbook problem(s).");
      System.exit(1);
    }
    System.out.println("Runbooks and decision maps: OK");
  }

  /** The runbooks: Markdown files directly in {@code runbooks/}, the README excepted. */
  public List<Path> runbooks() {
    return markdown(root.resolve("runbooks")).stream()
        .filter(p -> !p.getFileName().toString().equals("README.md"))
        .toList();
  }

  /** The decision maps: Markdown files in {@code runbooks/decision-maps/}. */
  public List<Path> decisionMaps() {
    return markdown(root.resolve("runbooks/decision-maps"));
  }

  /** Every problem found, as "file: message". */
  public List<String> check() {
    List<String> problems = new ArrayList<>();
    for (Path runbook : runbooks()) {
      checkRunbook(runbook, problems);
    }
    for (Path map : decisionMaps()) {
      String text = read(map);
      checkLinks(map, text, problems);
      if (!text.contains("RESULTS.md")
          && !text.contains("Test.java")
          && !text.contains("IT.java")) {
        problems.add(
            rel(map) + ": a decision map must cite its figures (benchmarks/RESULTS.md or a test)");
      }
    }
    Path readme = root.resolve("runbooks/README.md");
    String index = Files.exists(readme) ? read(readme) : "";
    for (Path p : concat(runbooks(), decisionMaps())) {
      String link = readme.getParent().relativize(p).toString().replace('\\', '/');
      if (!index.contains("(" + link + ")")) {
        problems.add(rel(readme) + ": does not list " + link);
      }
    }
    return problems;
  }

  private void checkRunbook(Path runbook, List<String> problems) {
    String text = read(runbook);
    String where = rel(runbook) + ": ";
    int last = -1;
    for (String heading : OUTLINE) {
      int at = indexOfLine(text, heading);
      if (at < 0) {
        problems.add(where + "lacks the section '" + heading + "'");
      } else if (at < last) {
        problems.add(where + "section '" + heading + "' is out of order");
      } else {
        last = at;
      }
    }
    String reproduced =
        text.lines().filter(l -> l.startsWith("Reproduced by:")).findFirst().orElse(null);
    if (reproduced == null) {
      problems.add(where + "lacks a 'Reproduced by:' line naming its tests");
    } else {
      Matcher m = LINK.matcher(reproduced);
      int tests = 0;
      while (m.find()) {
        Path target = runbook.getParent().resolve(m.group(2)).normalize();
        String file = target.getFileName().toString();
        if (!file.endsWith("Test.java") && !file.endsWith("IT.java")) {
          problems.add(where + "'Reproduced by' names " + m.group(2) + ", which is not a test");
          continue;
        }
        tests++;
        if (!Files.exists(target)) {
          problems.add(where + "names a test that does not exist: " + m.group(2));
          continue;
        }
        String label = m.group(1).replace("`", "");
        String className = file.substring(0, file.length() - ".java".length());
        int hash = label.indexOf('#');
        String labelClass = hash < 0 ? label : label.substring(0, hash);
        if (!labelClass.equals(className)) {
          problems.add(where + "link text " + label + " does not match its file " + file);
        }
        if (hash >= 0) {
          String method = label.substring(hash + 1);
          if (!read(target).contains("void " + method + "(")) {
            problems.add(where + className + " has no test method " + method);
          }
        }
      }
      if (tests == 0) {
        problems.add(where + "'Reproduced by' links no test");
      }
    }
    int fix = indexOfLine(text, "## Fix");
    int verify = indexOfLine(text, "## How to verify");
    if (fix >= 0 && verify > fix && !text.substring(fix, verify).contains("<!-- snippet:")) {
      problems.add(where + "the Fix section has no snippet cut from tested source");
    }
    checkLinks(runbook, text, problems);
    String doctor = text.lines().filter(l -> l.startsWith("Doctor rule:")).findFirst().orElse(null);
    if (doctor != null) {
      Path rules =
          root.resolve(
              "part3-tuning/src/main/java/dev/advancedspark/part3/monitoring/SparkDoctor.java");
      String source = Files.exists(rules) ? read(rules) : "";
      Matcher m = RULE.matcher(doctor);
      while (m.find()) {
        if (!source.contains("    " + m.group(1) + "(")) {
          problems.add(where + "names a doctor rule that does not exist: " + m.group(1));
        }
      }
    }
  }

  private void checkLinks(Path doc, String text, List<String> problems) {
    Matcher m = LINK.matcher(text);
    while (m.find()) {
      String target = m.group(2);
      if (target.startsWith("http://") || target.startsWith("https://")) {
        continue;
      }
      if (!Files.exists(doc.getParent().resolve(target).normalize())) {
        problems.add(rel(doc) + ": links a file that does not exist: " + target);
      }
    }
  }

  private static int indexOfLine(String text, String line) {
    int at = text.startsWith(line + "\n") ? 0 : text.indexOf("\n" + line + "\n");
    return at < 0 ? -1 : at;
  }

  private static List<Path> concat(List<Path> a, List<Path> b) {
    List<Path> out = new ArrayList<>(a);
    out.addAll(b);
    return out;
  }

  private static List<Path> markdown(Path dir) {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.getFileName().toString().endsWith(".md")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String read(Path p) {
    try {
      return Files.readString(p, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private String rel(Path p) {
    return root.relativize(p).toString();
  }
}
