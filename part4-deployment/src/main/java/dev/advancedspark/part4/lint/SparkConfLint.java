package dev.advancedspark.part4.lint;

import dev.advancedspark.common.ExampleArgs;
import dev.advancedspark.common.Examples;
import dev.advancedspark.common.RunnableExample;
import dev.advancedspark.common.UsageException;
import dev.advancedspark.common.memory.SparkMemoryRules;
import dev.advancedspark.part4.lint.NodeTypes.NodeType;
import dev.advancedspark.part4.lint.SparkConfRegistry.Lookup;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.spark.internal.config.ConfigEntry;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * A lint for the Spark settings in deployment files: spark-submit scripts ({@code --conf k=v}),
 * properties files, YAML and JSON manifests (Kubernetes, EMR, Dataproc, Databricks) and Terraform.
 *
 * <p>Spark ignores a key it does not know: {@code spark.executor.memoryOverhed=2g} is accepted
 * without a word and the job runs with the default overhead. The lint reports, for each file:
 *
 * <ul>
 *   <li>every {@code spark.*} key that Spark 4.2 does not define ({@link SparkConfRegistry}), with
 *       the nearest real key ("did you mean ..."); removed SQL settings; old key names (a warning);
 *   <li>a value the key's own converter refuses ({@code spark.dynamicAllocation.enabled=ture});
 *   <li>every executor (and driver, when its memory is set) whose container request, heap +
 *       overhead (+ off-heap and PySpark memory when set), does not fit a node type the file names,
 *       or asks for more cores than the node has.
 * </ul>
 *
 * <p>It reads files as text, so one rule covers every format: a {@code spark.} token that does not
 * follow a letter, dot, slash or dash is a key, and what follows {@code =}, {@code :} or spaces is
 * its value (Dataproc's {@code spark:spark.executor.memory} counts as {@code
 * spark.executor.memory}); a token followed by {@code /} is a host or API group ({@code apiVersion:
 * spark.apache.org/v1}), not a key. Comment lines ({@code #}, {@code //}) are skipped; values with
 * {@code $} or {@code {{ }}} are templates and not checked. A Kubeflow {@code SparkApplication}'s
 * {@code spec.driver} and {@code spec.executor} fields are read as the Spark keys the operator
 * turns them into.
 *
 * <pre>
 * bin/run-example SparkConfLint --path part4-deployment/platforms
 * bin/run-example SparkConfLint --path my-job.sh,k8s/ --allow-prefix spark.databricks.
 * </pre>
 *
 * Exit status 0 when there is no error, 1 when there is, 2 for a usage error or a missing path.
 */
@RunnableExample(
    "Lint spark.* keys and memory requests in deployment files (k8s, EMR, Dataproc, ...)")
public final class SparkConfLint {

  static final ExampleArgs ARGS =
      ExampleArgs.forTool("SparkConfLint")
          .option("path", "part4-deployment/platforms", "files or folders, comma-separated")
          .option(
              "node-types",
              "",
              "CSV name,platform,vcpus,memory_gib[,allocatable_mib] (default: built in)")
          .option(
              "allow-prefix",
              "",
              "extra key prefixes to accept, comma-separated (e.g. spark.databricks.)");

  /** File extensions the lint reads when given a folder. */
  static final Set<String> EXTENSIONS =
      Set.of("sh", "conf", "properties", "yaml", "yml", "json", "tf", "hcl", "tfvars");

  public enum Severity {
    ERROR,
    WARNING
  }

  /** One problem: where ({@code line 12} or a manifest field), the key, what is wrong. */
  public record Finding(Path file, String where, Severity severity, String key, String message) {
    @Override
    public String toString() {
      return file + ":" + where + ": " + severity.name().toLowerCase() + ": " + message;
    }
  }

  /** A {@code spark.*} key found in a file, and its literal value when one follows it. */
  public record Setting(String where, String key, String value) {}

  /** Options: the node catalog and the extra prefixes a reader allows (vendor keys). */
  public record Options(NodeTypes nodeTypes, List<String> allowedPrefixes) {
    public static Options defaults() {
      return new Options(NodeTypes.builtIn(), List.of());
    }
  }

  /** The result for a set of files. */
  public record Report(int files, int settings, List<Finding> findings) {
    public long errors() {
      return findings.stream().filter(f -> f.severity() == Severity.ERROR).count();
    }

    public long warnings() {
      return findings.size() - errors();
    }

    public String summary() {
      return String.format(
          "%d files, %d settings: %d errors, %d warnings", files, settings, errors(), warnings());
    }
  }

  private static final Pattern KEY =
      Pattern.compile(
          "(?<![\\w./-])spark\\.[\\w-]++(?:\\.[\\w-]++)*+(?!/)"
              + "(?:[\"']?(?:\\s*[=:]\\s*|\\s+)(?:\"([^\"]*)\"|'([^']*)'|([^\\s,\"'}\\]#]+)))?");

  private SparkConfLint() {}

  /** The {@code spark.*} keys in a file's text, with their values. */
  public static List<Setting> settings(String text) {
    List<Setting> out = new ArrayList<>();
    String[] lines = text.split("\\R", -1);
    for (int i = 0; i < lines.length; i++) {
      String trimmed = lines[i].strip();
      if (trimmed.startsWith("#") || trimmed.startsWith("//")) {
        continue;
      }
      Matcher m = KEY.matcher(lines[i]);
      while (m.find()) {
        String whole = m.group();
        int end = keyEnd(whole);
        String value =
            m.group(1) != null ? m.group(1) : m.group(2) != null ? m.group(2) : m.group(3);
        out.add(new Setting("line " + (i + 1), whole.substring(0, end), value));
      }
    }
    out.addAll(kubeflowFields(text));
    return out;
  }

  private static int keyEnd(String match) {
    int i = "spark.".length();
    while (i < match.length()) {
      char c = match.charAt(i);
      if (!(Character.isLetterOrDigit(c) || c == '_' || c == '-' || c == '.')) {
        break;
      }
      i++;
    }
    return i;
  }

  /** The Kubeflow operator turns {@code spec.driver.memory} etc. into these Spark keys. */
  private static final List<String> KUBEFLOW_FIELDS =
      List.of("memory", "memoryOverhead", "cores", "instances");

  static List<Setting> kubeflowFields(String text) {
    if (!text.contains("sparkoperator.k8s.io")) {
      return List.of();
    }
    List<Setting> out = new ArrayList<>();
    try {
      Yaml yaml = new Yaml(new SafeConstructor(new LoaderOptions()));
      for (Object doc : yaml.loadAll(text)) {
        if (!(doc instanceof Map<?, ?> m)
            || !String.valueOf(m.get("apiVersion")).startsWith("sparkoperator.k8s.io/")
            || !"SparkApplication".equals(m.get("kind"))
            || !(m.get("spec") instanceof Map<?, ?> spec)) {
          continue;
        }
        for (String role : List.of("driver", "executor")) {
          if (!(spec.get(role) instanceof Map<?, ?> roleSpec)) {
            continue;
          }
          for (String field : KUBEFLOW_FIELDS) {
            Object v = roleSpec.get(field);
            if (v != null && !(role.equals("driver") && field.equals("instances"))) {
              out.add(
                  new Setting(
                      "spec." + role + "." + field, "spark." + role + "." + field, v.toString()));
            }
          }
        }
      }
    } catch (RuntimeException e) {
      // Not YAML after all: the text scan still checked the keys.
    }
    return out;
  }

  /** Lints one file's text. */
  public static List<Finding> lint(Path file, String text, Options options) {
    SparkConfRegistry registry = SparkConfRegistry.get();
    List<Finding> findings = new ArrayList<>();
    Map<String, Setting> effective = new LinkedHashMap<>();
    for (Setting s : settings(text)) {
      effective.put(s.key(), s);
      if (options.allowedPrefixes().stream().anyMatch(p -> s.key().startsWith(p))) {
        continue;
      }
      Lookup lookup = registry.lookup(s.key());
      switch (lookup.status()) {
        case DEFINED -> {
          if (registry.entry(s.key()).isPresent()) {
            checkValue(file, s, registry, findings);
          }
        }
        case PREFIX -> {}
        case UNCHECKED ->
            findings.add(
                new Finding(
                    file, s.where(), Severity.WARNING, s.key(), s.key() + ": " + lookup.detail()));
        case DEPRECATED ->
            findings.add(
                new Finding(
                    file,
                    s.where(),
                    Severity.WARNING,
                    s.key(),
                    s.key() + " is " + lookup.detail()));
        case ALTERNATIVE ->
            findings.add(
                new Finding(
                    file,
                    s.where(),
                    Severity.WARNING,
                    s.key(),
                    s.key() + " is an old name of " + lookup.detail() + ": use the new name"));
        case REMOVED ->
            findings.add(
                new Finding(
                    file,
                    s.where(),
                    Severity.ERROR,
                    s.key(),
                    s.key() + " was " + lookup.detail() + " (Spark ignores it)"));
        case UNKNOWN ->
            findings.add(
                new Finding(
                    file,
                    s.where(),
                    Severity.ERROR,
                    s.key(),
                    s.key()
                        + " is not a Spark 4.2 setting (Spark ignores it)"
                        + (lookup.suggestion().isEmpty()
                            ? ""
                            : "; did you mean " + lookup.suggestion() + "?")));
      }
    }
    findings.addAll(checkMemory(file, text, effective, options.nodeTypes()));
    return findings;
  }

  private static boolean isTemplate(String value) {
    return value.contains("$") || value.contains("{{") || value.contains("%{");
  }

  private static void checkValue(
      Path file, Setting s, SparkConfRegistry registry, List<Finding> findings) {
    if (s.value() == null || s.value().isEmpty() || isTemplate(s.value())) {
      return;
    }
    ConfigEntry<?> entry = registry.entry(s.key()).orElseThrow();
    try {
      entry.valueConverter().apply(s.value());
    } catch (RuntimeException e) {
      findings.add(
          new Finding(
              file,
              s.where(),
              Severity.ERROR,
              s.key(),
              "'" + s.value() + "' is not a valid value of " + s.key() + ": " + e.getMessage()));
    }
  }

  /** The memory a container of one role asks for, and how it was computed. */
  record ContainerRequest(String role, long heapMib, long overheadMib, long extraMib, int cores) {
    long totalMib() {
      return SparkMemoryRules.containerMiB(heapMib, overheadMib, extraMib);
    }
  }

  /**
   * The container a role ({@code executor} or {@code driver}) asks for, with Spark's rules ({@link
   * SparkMemoryRules}, from {@code common}) and the values read through Spark's own converters and
   * defaults: heap {@code spark.ROLE.memory}; overhead {@code spark.ROLE.memoryOverhead}, or {@code
   * max(spark.ROLE.memoryOverheadFactor x heap, spark.ROLE.minMemoryOverhead)}, which is {@code
   * max(0.10 x heap, 384 MiB)} by default; plus off-heap memory when enabled and, for executors,
   * PySpark memory when set. Null when a value is a template.
   */
  static ContainerRequest request(String role, Map<String, Setting> s) {
    String p = "spark." + role + ".";
    Long heap = mib(p + "memory", s);
    Long min = mib(p + "minMemoryOverhead", s);
    Double factor = (Double) value(p + "memoryOverheadFactor", s);
    if (heap == null || min == null || factor == null) {
      return null;
    }
    Long explicit = s.containsKey(p + "memoryOverhead") ? mib(p + "memoryOverhead", s) : null;
    long overhead = explicit != null ? explicit : SparkMemoryRules.overheadMiB(heap, factor, min);
    long extra = 0;
    Object offHeap = value("spark.memory.offHeap.enabled", s);
    if (Boolean.TRUE.equals(offHeap)) {
      Object bytes = value("spark.memory.offHeap.size", s);
      extra += bytes == null ? 0 : ((Long) bytes) / SparkMemoryRules.MIB;
    }
    if (role.equals("executor") && s.containsKey("spark.executor.pyspark.memory")) {
      Long py = mib("spark.executor.pyspark.memory", s);
      extra += py == null ? 0 : py;
    }
    Object cores = value(p + "cores", s);
    return new ContainerRequest(role, heap, overhead, extra, cores instanceof Integer c ? c : 1);
  }

  private static Long mib(String key, Map<String, Setting> s) {
    Object v = value(key, s);
    return v instanceof Long l ? l : null;
  }

  /** The typed value of a key: the file's literal through Spark's converter, else the default. */
  private static Object value(String key, Map<String, Setting> s) {
    ConfigEntry<?> entry = SparkConfRegistry.get().entry(key).orElse(null);
    if (entry == null) {
      return null;
    }
    Setting setting = s.get(key);
    if (setting != null && setting.value() != null) {
      if (isTemplate(setting.value())) {
        return null;
      }
      try {
        return entry.valueConverter().apply(setting.value());
      } catch (RuntimeException e) {
        return null; // reported by checkValue
      }
    }
    scala.Option<?> def = entry.defaultValue();
    return def.isDefined() ? def.get() : null;
  }

  static List<Finding> checkMemory(
      Path file, String text, Map<String, Setting> s, NodeTypes nodeTypes) {
    List<NodeType> named = nodeTypes.namedIn(text);
    List<Finding> findings = new ArrayList<>();
    if (named.isEmpty()) {
      return findings;
    }
    List<String> roles = new ArrayList<>(List.of("executor"));
    if (s.containsKey("spark.driver.memory")) {
      roles.add("driver");
    }
    for (String role : roles) {
      ContainerRequest r = request(role, s);
      Setting at = s.get("spark." + role + ".memory");
      String where = at == null ? "line 1" : at.where();
      if (r == null) {
        findings.add(
            new Finding(
                file,
                where,
                Severity.WARNING,
                "spark." + role + ".memory",
                "the " + role + " memory is a template: cannot check it fits the node"));
        continue;
      }
      for (NodeType node : named) {
        if (r.totalMib() > node.allocatableMib()) {
          findings.add(
              new Finding(
                  file,
                  where,
                  Severity.ERROR,
                  "spark." + role + ".memory",
                  String.format(
                      "the %s container needs %d MiB (heap %d + overhead %d%s MiB) but a %s has"
                          + " %d MiB allocatable (%.1f GiB node): it never gets scheduled",
                      role,
                      r.totalMib(),
                      r.heapMib(),
                      r.overheadMib(),
                      r.extraMib() > 0 ? " + off-heap/PySpark " + r.extraMib() : "",
                      node.name(),
                      node.allocatableMib(),
                      node.memoryGib())));
        }
        if (r.cores() > node.vcpus()) {
          findings.add(
              new Finding(
                  file,
                  where,
                  Severity.ERROR,
                  "spark." + role + ".cores",
                  String.format(
                      "the %s asks for %d cores but a %s has %d vCPUs",
                      role, r.cores(), node.name(), node.vcpus())));
        }
      }
    }
    return findings;
  }

  /** Lints files and folders (recursively, the {@link #EXTENSIONS} only). */
  public static Report lintPaths(List<Path> paths, Options options) {
    List<Finding> findings = new ArrayList<>();
    int files = 0;
    int settings = 0;
    for (Path file : expand(paths)) {
      try {
        String text = Files.readString(file);
        files++;
        settings += settings(text).size();
        findings.addAll(lint(file, text, options));
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + file, e);
      }
    }
    return new Report(files, settings, findings);
  }

  static List<Path> expand(List<Path> paths) {
    List<Path> files = new ArrayList<>();
    for (Path p : paths) {
      if (!Files.exists(p)) {
        throw UsageException.problem("path not found: " + p.toAbsolutePath());
      }
      if (Files.isDirectory(p)) {
        try (Stream<Path> walk = Files.walk(p)) {
          walk.filter(Files::isRegularFile)
              .filter(f -> EXTENSIONS.contains(extension(f)))
              .sorted()
              .forEach(files::add);
        } catch (IOException e) {
          throw new UncheckedIOException("cannot list " + p, e);
        }
      } else {
        files.add(p);
      }
    }
    return files;
  }

  private static String extension(Path f) {
    String name = f.getFileName().toString();
    int dot = name.lastIndexOf('.');
    return dot < 0 ? "" : name.substring(dot + 1);
  }

  /** Parses, lints, prints; returns 0 (clean), 1 (errors found) or 2 (usage error). */
  static int run(String[] args, PrintStream out, PrintStream err) {
    try {
      ExampleArgs.Parsed opts = ARGS.parse(args);
      List<Path> paths =
          Arrays.stream(opts.get("path").split(","))
              .map(String::strip)
              .filter(x -> !x.isEmpty())
              .map(Path::of)
              .toList();
      if (paths.isEmpty()) {
        throw new UsageException("--path needs at least one file or folder.", ARGS.usage());
      }
      NodeTypes nodes = NodeTypes.builtIn();
      if (!opts.get("node-types").isBlank()) {
        Path csv = Path.of(opts.get("node-types"));
        if (!Files.isRegularFile(csv)) {
          throw UsageException.problem("node types file not found: " + csv.toAbsolutePath());
        }
        try {
          nodes = NodeTypes.fromFile(csv);
        } catch (IOException | IllegalArgumentException e) {
          throw UsageException.problem(e.getMessage());
        }
      }
      List<String> allowed =
          Arrays.stream(opts.get("allow-prefix").split(","))
              .map(String::strip)
              .filter(x -> !x.isEmpty())
              .toList();
      Report report = lintPaths(paths, new Options(nodes, allowed));
      report.findings().forEach(out::println);
      out.println(report.summary());
      return report.errors() > 0 ? 1 : 0;
    } catch (UsageException e) {
      return Examples.report(e, out, err);
    }
  }

  public static void main(String[] args) {
    // Parsed first (the bad-arguments test stops there); run() returns 1 for findings, 2 for usage.
    Examples.runTool(args, ARGS, SparkConfLint::run);
  }
}
