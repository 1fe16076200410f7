package dev.advancedspark.runbooks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Comment;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * Writes {@code COMPATIBILITY.md}: on which Spark line each lesson (test class) holds, differs or
 * is not available, from the root pom's profiles, the tests' version switches and the test reports
 * that {@code bin/compat-matrix} collected under {@code target/compat/<line>/}.
 *
 * <pre>
 * java runbooks/src/main/java/dev/advancedspark/runbooks/CompatibilityTable.java --modules 3.5
 * java runbooks/src/main/java/dev/advancedspark/runbooks/CompatibilityTable.java --write
 * </pre>
 *
 * What the sources say (profiles, {@code SparkVersion.atLeast} switches, excluded lessons) is read
 * here and checked against {@code COMPATIBILITY.md} by {@code CompatibilityTableTest}, so the table
 * cannot silently fall behind the tests. JDK only: it also runs as a single-file program.
 */
public final class CompatibilityTable {

  /** The default line: the root pom without a profile. */
  public static final String DEFAULT_LINE = "4.2";

  static final Pattern SWITCH =
      Pattern.compile("SparkVersion\\.atLeast\\(\\s*(\\d+)\\s*,\\s*(\\d+)");
  static final Pattern README_DIFFERS = Pattern.compile("^- `(\\w+)`[^:]*:\\s*(.+)$");

  /** A Spark line the build is tested on. */
  public record Line(
      String name,
      String profile,
      String spark,
      String delta,
      String jackson,
      String scala,
      String jdks,
      List<String> modules,
      String modulesLeftOut,
      Map<String, String> excluded) {}

  /** A test class that switches on the Spark version: it differs on lines before {@code since}. */
  public record Switch(String module, String testClass, String since) {}

  private final Path root;

  public CompatibilityTable(Path root) {
    this.root = root.toAbsolutePath().normalize();
  }

  public static void main(String[] args) throws IOException {
    CompatibilityTable t = new CompatibilityTable(Path.of("."));
    if (args.length == 2 && args[0].equals("--modules")) {
      for (Line l : t.lines()) {
        if (l.name().equals(args[1])) {
          System.out.println(String.join(",", l.modules()));
          return;
        }
      }
      System.err.println("error: no Spark line '" + args[1] + "' (known: " + t.lineNames() + ")");
      System.exit(2);
    } else if (args.length == 1 && args[0].equals("--lines")) {
      System.out.println(String.join(" ", t.lineNames()));
    } else if (args.length == 1 && args[0].equals("--write")) {
      Path out = t.root.resolve("COMPATIBILITY.md");
      Files.writeString(out, t.render(LocalDate.now().toString()), StandardCharsets.UTF_8);
      System.out.println("wrote " + out);
    } else {
      System.err.println("usage: CompatibilityTable --lines | --modules <line> | --write");
      System.exit(2);
    }
  }

  List<String> lineNames() {
    return lines().stream().map(Line::name).toList();
  }

  /** The lines, oldest first: the root pom's profiles {@code spark-X.Y}, then the default line. */
  public List<Line> lines() {
    Document pom = parse(root.resolve("pom.xml"));
    Element project = pom.getDocumentElement();
    Map<String, String> top = properties(child(project, "properties"));
    List<String> allModules = new ArrayList<>();
    for (Element m : children(child(project, "modules"), "module")) {
      allModules.add(m.getTextContent().trim());
    }
    List<Line> lines = new ArrayList<>();
    Element profiles = child(project, "profiles");
    if (profiles != null) {
      for (Element p : children(profiles, "profile")) {
        String id = text(child(p, "id"));
        if (!id.startsWith("spark-")) {
          continue;
        }
        Map<String, String> props = new LinkedHashMap<>(top);
        props.putAll(properties(child(p, "properties")));
        String modules = props.get("compat.modules");
        lines.add(
            new Line(
                id.substring("spark-".length()),
                id,
                props.get("spark.version"),
                props.get("delta.version"),
                props.get("jackson.version"),
                props.get("scala.version"),
                props.get("compat.jdks"),
                modules == null ? allModules : List.of(modules.trim().split("\\s*,\\s*")),
                props.getOrDefault("compat.modules.reason", ""),
                excludedTests(p)));
      }
    }
    lines.add(
        new Line(
            DEFAULT_LINE,
            "",
            top.get("spark.version"),
            top.get("delta.version"),
            top.get("jackson.version"),
            top.get("scala.version"),
            top.get("compat.jdks"),
            allModules,
            "",
            Map.of()));
    return lines;
  }

  /** Test classes a profile leaves out (compiler testExcludes), each with the comment before it. */
  static Map<String, String> excludedTests(Element profile) {
    Map<String, String> out = new TreeMap<>();
    for (Node n : descendants(profile, "testExcludes")) {
      String reason = "";
      for (Node c = n.getFirstChild(); c != null; c = c.getNextSibling()) {
        if (c instanceof Comment comment) {
          reason = comment.getData().trim().replaceAll("\\s+", " ");
        } else if (c instanceof Element e && e.getTagName().equals("testExclude")) {
          String file = Path.of(e.getTextContent().trim()).getFileName().toString();
          out.put(file.replace(".java", ""), reason);
        }
      }
    }
    return out;
  }

  /** Every test class that calls {@code SparkVersion.atLeast}, with the version it needs. */
  public List<Switch> switches() {
    List<Switch> out = new ArrayList<>();
    for (String module : lines().get(lines().size() - 1).modules()) {
      Path tests = root.resolve(module).resolve("src/test/java");
      if (!Files.isDirectory(tests)) {
        continue;
      }
      try (Stream<Path> files = Files.walk(tests)) {
        for (Path f : files.filter(p -> p.toString().endsWith(".java")).sorted().toList()) {
          if (f.getFileName().toString().equals("SparkVersion.java")) {
            continue; // the switch itself, not a lesson
          }
          Matcher m = SWITCH.matcher(Files.readString(f, StandardCharsets.UTF_8));
          String since = null;
          while (m.find()) {
            String v = m.group(1) + "." + m.group(2);
            since = since == null || compare(v, since) > 0 ? v : since;
          }
          if (since != null) {
            out.add(new Switch(module, f.getFileName().toString().replace(".java", ""), since));
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return out;
  }

  /** What a module README says differs for {@code testClass} (its "Spark versions" list). */
  public String howItDiffers(String module, String testClass) {
    Path readme = root.resolve(module).resolve("README.md");
    try {
      for (String line : Files.readAllLines(readme, StandardCharsets.UTF_8)) {
        Matcher m = README_DIFFERS.matcher(line);
        if (m.matches() && m.group(1).equals(testClass)) {
          return m.group(2).trim();
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return null;
  }

  /** The whole COMPATIBILITY.md, from the sources and the reports under target/compat. */
  public String render(String date) {
    List<Line> lines = lines();
    List<Switch> switches = switches();
    StringBuilder md = new StringBuilder();
    md.append("# On which Spark line does each lesson hold?\n\n")
        .append("Generated by `bin/compat-matrix` on ")
        .append(date)
        .append(" from the test reports of one `mvn verify` per line (the commands below) and")
        .append(" from the tests' version switches (`SparkVersion.atLeast`) and the profiles'")
        .append(" exclusions in the root `pom.xml`. Do not edit by hand: runbooks'")
        .append(" `CompatibilityTableTest` fails when this file disagrees with the switches and")
        .append(" exclusions.")
        .append(" A line without reports here keeps its row and cells from the table before.\n\n");
    md.append("## Lines\n\n")
        .append(
            "| Line | Spark | Delta | Jackson | Scala | JDKs | Command | Result | Wall time |\n")
        .append("|---|---|---|---|---|---|---|---|---|\n");
    for (Line l : lines) {
      Properties run = run(l);
      md.append("| ")
          .append(l.name())
          .append(l.profile().isEmpty() ? " (default)" : "")
          .append(" | ")
          .append(l.spark())
          .append(" | ")
          .append(l.delta())
          .append(" | ")
          .append(l.jackson())
          .append(" | ")
          .append(l.scala())
          .append(" | ")
          .append(l.jdks())
          .append(" | `")
          .append(run.getProperty("command", "not run"))
          .append("` | ")
          .append(run.getProperty("result", "not run"))
          .append(" | ")
          .append(run.getProperty("wall", "-"))
          .append(" |\n");
    }
    md.append("\nWall times were taken on a shared 2-core machine under load from other builds;")
        .append(" \"(nice 19)\" after a time: that run was started with `nice -n 19`, at the")
        .append(" lowest CPU priority, behind the other builds. They measure the load as much as")
        .append(" the line: compare lines with care. JDK of the runs: ")
        .append(
            run(lines.get(0)).getProperty("jdk", previous().jdk() == null ? "?" : previous().jdk()))
        .append(".\n\n");
    for (Line l : lines) {
      if (!l.modulesLeftOut().isEmpty()) {
        md.append("- **")
            .append(l.name())
            .append("** builds only ")
            .append(String.join(", ", l.modules()))
            .append(": ")
            .append(l.modulesLeftOut())
            .append("\n");
      }
    }
    md.append("\n## Lessons\n\n")
        .append("holds: every test of the class passed. differs: passed, asserting what that line")
        .append(" does (the version switch in the test; how, below). not available: the profile")
        .append(" leaves the lesson out (why, below). not built: the line does not build that")
        .append(" module (why, above). not run: the line builds it, but this table's run left it")
        .append(" out (its command, above).\n\n");
    md.append("| Module | Test |");
    for (Line l : lines) {
      md.append(' ').append(l.name()).append(" |");
    }
    md.append("\n|---|---|");
    md.append("---|".repeat(lines.size())).append('\n');
    Map<String, String> testClasses = new TreeMap<>(); // module/Class -> module
    for (Line l : lines) {
      for (Map.Entry<String, int[]> e : results(l).entrySet()) {
        testClasses.put(e.getKey(), e.getKey().substring(0, e.getKey().lastIndexOf('/')));
      }
      for (String excluded : l.excluded().keySet()) {
        testClasses.put(moduleOf(excluded) + "/" + excluded, moduleOf(excluded));
      }
      if (run(l).getProperty("carried") != null) {
        previous().cells().getOrDefault(l.name(), Map.of()).entrySet().stream()
            .filter(e -> !e.getValue().equals("no result"))
            .forEach(
                e ->
                    testClasses.put(
                        e.getKey(), e.getKey().substring(0, e.getKey().lastIndexOf('/'))));
      }
    }
    for (Switch s : switches) {
      testClasses.put(s.module() + "/" + s.testClass(), s.module());
    }
    for (String key : testClasses.keySet()) {
      String module = key.substring(0, key.lastIndexOf('/'));
      String cls = key.substring(key.lastIndexOf('/') + 1);
      md.append("| ").append(module).append(" | ").append(cls).append(" |");
      for (Line l : lines) {
        md.append(' ').append(cell(l, module, cls, switches)).append(" |");
      }
      md.append('\n');
    }
    md.append("\n## What differs\n\n");
    for (Switch s : switches) {
      String how = howItDiffers(s.module(), s.testClass());
      md.append("- `")
          .append(s.testClass())
          .append("` (")
          .append(s.module())
          .append(", before ")
          .append(s.since())
          .append("): ")
          .append(how == null ? "NOT EXPLAINED in " + s.module() + "/README.md" : how)
          .append('\n');
    }
    md.append("\n## Not available\n\n");
    for (Line l : lines) {
      for (Map.Entry<String, String> e : l.excluded().entrySet()) {
        md.append("- `")
            .append(e.getKey())
            .append("` on ")
            .append(l.name())
            .append(": ")
            .append(e.getValue())
            .append('\n');
      }
    }
    return md.toString();
  }

  /**
   * Where {@code markdown} (a COMPATIBILITY.md) disagrees with the sources: a version switch
   * without its "differs" cells or its explanation, a "differs" cell without a switch, an excluded
   * lesson without its "not available" cell (or the reverse), a line or version it does not list.
   */
  public List<String> problems(String markdown) {
    List<String> problems = new ArrayList<>();
    List<Line> lines = lines();
    if (!Pattern.compile("Generated by `bin/compat-matrix` on \\d{4}-\\d{2}-\\d{2}")
        .matcher(markdown)
        .find()) {
      problems.add("no 'Generated by `bin/compat-matrix` on <date>' line");
    }
    for (Line l : lines) {
      String row =
          "| "
              + l.name()
              + (l.profile().isEmpty() ? " (default)" : "")
              + " | "
              + l.spark()
              + " | "
              + l.delta()
              + " | "
              + l.jackson()
              + " | "
              + l.scala()
              + " | "
              + l.jdks()
              + " |";
      if (!markdown.contains(row)) {
        problems.add("the Lines table lacks: " + row);
      }
    }
    // the Lessons table: | module | Class | cell per line |
    List<String> header = null;
    Map<String, List<String>> rows = new LinkedHashMap<>();
    for (String line : markdown.lines().toList()) {
      if (line.startsWith("| Module | Test |")) {
        header = cells(line).subList(2, cells(line).size());
      } else if (header != null && line.startsWith("| ") && !line.startsWith("|---")) {
        List<String> c = cells(line);
        rows.put(c.get(1), c.subList(2, c.size()));
      } else if (header != null && line.isBlank() && !rows.isEmpty()) {
        break;
      }
    }
    if (header == null || !header.equals(lines.stream().map(Line::name).toList())) {
      problems.add("the Lessons table's columns are not the lines " + lineNames() + ": " + header);
      return problems;
    }
    List<Switch> switches = switches();
    for (Switch s : switches) {
      if (howItDiffers(s.module(), s.testClass()) == null) {
        problems.add(
            s.module()
                + "/README.md does not say what differs for `"
                + s.testClass()
                + "` (a line '- `"
                + s.testClass()
                + "` (...): how')");
      }
      if (!markdown.contains(
          "- `"
              + s.testClass()
              + "` ("
              + s.module()
              + ", before "
              + s.since()
              + "): "
              + howItDiffers(s.module(), s.testClass()))) {
        problems.add("'What differs' lacks " + s.testClass() + " as its README explains it");
      }
    }
    for (Map.Entry<String, List<String>> row : rows.entrySet()) {
      for (int i = 0; i < lines.size(); i++) {
        Line l = lines.get(i);
        String cls = row.getKey();
        String cell = row.getValue().get(i);
        boolean excluded = l.excluded().containsKey(cls);
        boolean differs =
            switches.stream()
                .anyMatch(s -> s.testClass().equals(cls) && compare(l.name(), s.since()) < 0);
        if (excluded != cell.equals("not available")) {
          problems.add(
              cls
                  + " on "
                  + l.name()
                  + ": '"
                  + cell
                  + "', but the profile "
                  + (excluded ? "excludes it" : "does not exclude it"));
        }
        if (cell.equals("differs") && !differs) {
          problems.add(cls + " on " + l.name() + ": 'differs', but its test has no switch for it");
        }
        // "no result" (the line was not run) and "FAILS" are what the runs gave; "holds" where the
        // test switches is a table older than the switch
        if (differs && cell.equals("holds")) {
          problems.add(
              cls
                  + " on "
                  + l.name()
                  + ": '"
                  + cell
                  + "', but its test switches on the version there (rerun bin/compat-matrix)");
        }
      }
    }
    for (Switch s : switches) {
      if (!rows.containsKey(s.testClass())) {
        problems.add("no Lessons row for " + s.testClass() + " (it switches on the version)");
      }
    }
    for (Line l : lines) {
      for (String cls : l.excluded().keySet()) {
        if (!rows.containsKey(cls)) {
          problems.add("no Lessons row for " + cls + " (excluded on " + l.name() + ")");
        }
      }
    }
    return problems;
  }

  private static List<String> cells(String row) {
    List<String> out = new ArrayList<>();
    for (String c : row.split("\\|", -1)) {
      out.add(c.trim());
    }
    return out.subList(1, out.size() - 1);
  }

  String cell(Line l, String module, String cls, List<Switch> switches) {
    if (l.excluded().containsKey(cls)) {
      return "not available";
    }
    if (!l.modules().contains(module)) {
      return "not built";
    }
    String ran = run(l).getProperty("modules");
    if (ran != null && !List.of(ran.split(",")).contains(module)) {
      return "not run";
    }
    int[] r = results(l).get(module + "/" + cls);
    if (r == null && run(l).getProperty("carried") != null) {
      String before = previous().cells().getOrDefault(l.name(), Map.of()).get(module + "/" + cls);
      return before == null ? "no result" : before;
    }
    if (r == null) {
      return "no result";
    }
    if (r[1] > 0) {
      return "FAILS (" + r[1] + " of " + r[0] + ")";
    }
    for (Switch s : switches) {
      if (s.testClass().equals(cls) && compare(l.name(), s.since()) < 0) {
        return "differs";
      }
    }
    return "holds";
  }

  private String moduleOf(String testClass) {
    for (String module : lines().get(lines().size() - 1).modules()) {
      try (Stream<Path> files = walk(root.resolve(module).resolve("src/test/java"))) {
        if (files.anyMatch(p -> p.getFileName().toString().equals(testClass + ".java"))) {
          return module;
        }
      }
    }
    return "?";
  }

  private Properties run(Line l) {
    Properties p = new Properties();
    Path f = root.resolve("target/compat").resolve(l.name()).resolve("run.properties");
    if (Files.isRegularFile(f)) {
      try (var in = Files.newBufferedReader(f, StandardCharsets.UTF_8)) {
        p.load(in);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    } else if (previous().rows().containsKey(l.name())) {
      // no reports of this line here: keep what the committed table says of it
      p.putAll(previous().rows().get(l.name()));
      p.setProperty("carried", "true");
    }
    return p;
  }

  /**
   * What the committed COMPATIBILITY.md says: per line, its row of the Lines table (command,
   * result, wall time, JDK) and its column of the Lessons table. A line run elsewhere (another
   * machine, an earlier session) keeps its cells when this run has no reports of it.
   */
  record Previous(
      Map<String, Properties> rows, Map<String, Map<String, String>> cells, String jdk) {}

  private Previous previous;

  Previous previous() {
    if (previous == null) {
      previous = readPrevious(root.resolve("COMPATIBILITY.md"));
    }
    return previous;
  }

  static Previous readPrevious(Path md) {
    Map<String, Properties> rows = new LinkedHashMap<>();
    Map<String, Map<String, String>> cells = new LinkedHashMap<>();
    String jdk = null;
    if (!Files.isRegularFile(md)) {
      return new Previous(rows, cells, jdk);
    }
    List<String> text;
    try {
      text = Files.readAllLines(md, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<String> header = null;
    boolean inLines = false;
    for (String line : text) {
      if (line.startsWith("| Line |")) {
        inLines = true;
        continue;
      }
      if (line.startsWith("| Module | Test |")) {
        inLines = false;
        header = cells(line);
        continue;
      }
      if (!line.startsWith("| ") || line.startsWith("|---")) {
        if (!line.startsWith("|")) {
          inLines = false;
        }
        Matcher j = PREVIOUS_JDK.matcher(line);
        if (j.find()) {
          jdk = j.group(1);
        }
        continue;
      }
      List<String> c = cells(line);
      if (inLines && c.size() == 9) {
        Properties p = new Properties();
        p.setProperty("command", c.get(6).replaceAll("^`|`$", ""));
        p.setProperty("result", c.get(7));
        p.setProperty("wall", c.get(8));
        rows.put(c.get(0).replace(" (default)", ""), p);
      } else if (header != null && c.size() == header.size()) {
        for (int i = 2; i < c.size(); i++) {
          cells
              .computeIfAbsent(header.get(i), k -> new TreeMap<>())
              .put(c.get(0) + "/" + c.get(1), c.get(i));
        }
      }
    }
    return new Previous(rows, cells, jdk);
  }

  static final Pattern PREVIOUS_JDK = Pattern.compile("JDK of the runs: (.+?)\\.$");

  static final Pattern SUITE =
      Pattern.compile(
          "<testsuite [^>]*?name=\"([\\w.$]+)\"[^>]*?tests=\"(\\d+)\"[^>]*?errors=\"(\\d+)\"[^>]*?"
              + "skipped=\"(\\d+)\"[^>]*?failures=\"(\\d+)\"");

  /** module/Class -> {tests, failed (failures + errors)} from the reports of one line's run. */
  Map<String, int[]> results(Line l) {
    Map<String, int[]> out = new TreeMap<>();
    Path dir = root.resolve("target/compat").resolve(l.name());
    try (Stream<Path> files = walk(dir)) {
      for (Path f : files.filter(p -> p.getFileName().toString().startsWith("TEST-")).toList()) {
        String xml = Files.readString(f, StandardCharsets.UTF_8);
        Matcher m = SUITE.matcher(xml);
        if (m.find()) {
          String cls = m.group(1).substring(m.group(1).lastIndexOf('.') + 1);
          // bin/compat-matrix copies a module's reports to a folder named for it, '/' as '+'
          String module = dir.relativize(f).getName(0).toString().replace('+', '/');
          int failed = Integer.parseInt(m.group(3)) + Integer.parseInt(m.group(5));
          out.merge(
              module + "/" + cls,
              new int[] {Integer.parseInt(m.group(2)), failed},
              (a, b) -> new int[] {a[0] + b[0], a[1] + b[1]});
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  /** Compares {@code "3.5"} and {@code "4.0"} as versions. */
  static int compare(String a, String b) {
    String[] x = a.split("\\.");
    String[] y = b.split("\\.");
    int c = Integer.compare(Integer.parseInt(x[0]), Integer.parseInt(y[0]));
    return c != 0 ? c : Integer.compare(Integer.parseInt(x[1]), Integer.parseInt(y[1]));
  }

  private static Stream<Path> walk(Path dir) {
    if (!Files.isDirectory(dir)) {
      return Stream.empty();
    }
    try {
      return Files.walk(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Document parse(Path xml) {
    try {
      return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(xml.toFile());
    } catch (Exception e) {
      throw new IllegalStateException("cannot read " + xml + ": " + e.getMessage(), e);
    }
  }

  private static Element child(Element parent, String tag) {
    if (parent == null) {
      return null;
    }
    for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element e && e.getTagName().equals(tag)) {
        return e;
      }
    }
    return null;
  }

  private static List<Element> children(Element parent, String tag) {
    List<Element> out = new ArrayList<>();
    if (parent != null) {
      for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
        if (n instanceof Element e && e.getTagName().equals(tag)) {
          out.add(e);
        }
      }
    }
    return out;
  }

  private static List<Node> descendants(Element parent, String tag) {
    List<Node> out = new ArrayList<>();
    var nodes = parent.getElementsByTagName(tag);
    for (int i = 0; i < nodes.getLength(); i++) {
      out.add(nodes.item(i));
    }
    return out;
  }

  private static Map<String, String> properties(Element props) {
    Map<String, String> out = new LinkedHashMap<>();
    if (props != null) {
      for (Node n = props.getFirstChild(); n != null; n = n.getNextSibling()) {
        if (n instanceof Element e) {
          out.put(e.getTagName(), e.getTextContent().trim());
        }
      }
    }
    return out;
  }

  private static String text(Element e) {
    return e == null ? "" : e.getTextContent().trim();
  }
}
