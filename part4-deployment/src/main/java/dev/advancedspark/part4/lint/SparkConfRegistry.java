package dev.advancedspark.part4.lint;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.spark.SparkConf$;
import org.apache.spark.internal.config.ConfigEntry;
import org.apache.spark.sql.internal.SQLConf$;
import scala.jdk.javaapi.CollectionConverters;

/**
 * The {@code spark.*} keys Spark 4.2 defines, read from Spark's own config registry rather than
 * from a list typed by hand.
 *
 * <p>Every Spark setting is a {@code ConfigEntry} built by {@code ConfigBuilder} inside a Scala
 * object ({@code org.apache.spark.internal.config.package}, {@code SQLConf}, the Kubernetes {@code
 * Config}, ...). Building an entry registers it in {@code ConfigEntry.knownConfigs}, but only when
 * the JVM initializes the object that holds it: so this class first loads every holder object of
 * the Spark modules on the class path ({@link #HOLDERS}), then reads {@code
 * ConfigEntry.listAllEntries()}. {@code SparkConfRegistryTest} scans the Spark jars for classes
 * that use {@code ConfigBuilder} and fails when one is missing from {@link #HOLDERS}.
 *
 * <p>Three more sources: the old names Spark still accepts ({@code
 * SparkConf.configsWithAlternatives} and each entry's {@code alternatives}), the SQL settings Spark
 * removed ({@code SQLConf.removedSQLConfigs}, an error: they are ignored), and the key families
 * whose last part is free-form ({@link #PREFIX_RULES}, and the {@code *_PREFIX} constants of the
 * Kubernetes {@code Config} object).
 */
public final class SparkConfRegistry {

  /**
   * The Scala objects that register Spark's config entries, by module. Absent modules are skipped.
   */
  static final List<String> HOLDERS =
      List.of(
          // spark-core
          "org.apache.spark.internal.config.package$",
          "org.apache.spark.internal.config.Deploy$",
          "org.apache.spark.internal.config.History$",
          "org.apache.spark.internal.config.Kryo$",
          "org.apache.spark.internal.config.Network$",
          "org.apache.spark.internal.config.Python$",
          "org.apache.spark.internal.config.R$",
          "org.apache.spark.internal.config.Status$",
          "org.apache.spark.internal.config.Streaming$",
          "org.apache.spark.internal.config.Tests$",
          "org.apache.spark.internal.config.UI$",
          "org.apache.spark.internal.config.Worker$",
          // spark-catalyst, spark-sql
          "org.apache.spark.sql.internal.SQLConf$",
          "org.apache.spark.sql.internal.StaticSQLConf$",
          "org.apache.spark.sql.execution.streaming.checkpointing.CheckpointFileManager$",
          // spark-kubernetes, spark-yarn, spark-sql-kafka-0-10, spark-hive, spark-connect,
          // spark-streaming (when present)
          "org.apache.spark.deploy.k8s.Config$",
          "org.apache.spark.deploy.yarn.config.package$",
          "org.apache.spark.sql.kafka010.package$",
          "org.apache.spark.sql.hive.HiveUtils$",
          "org.apache.spark.sql.connect.config.Connect$",
          "org.apache.spark.streaming.StreamingConf$");

  /**
   * Keys Spark 4.2 reads by their literal name, with no {@code ConfigEntry} (found by scanning the
   * spark-core class files for key strings the registry lacks, then reading where each is used).
   */
  static final Map<String, String> LITERAL_KEYS =
      Map.of(
          "spark.master", "SparkContext, SparkSubmit",
          "spark.app.name", "SparkContext, SparkSubmit",
          "spark.local.dir", "Utils.getConfiguredLocalDirs",
          "spark.logConf", "SparkContext",
          "spark.port.maxRetries", "Utils.portMaxRetries",
          "spark.ui.proxyBase", "UIUtils",
          "spark.files.overwrite", "Utils.fetchFile");

  /**
   * Key families whose last part is free-form: a key that starts with one of these is accepted
   * without a registry entry. Each is read by Spark code, not by a {@code ConfigEntry}.
   */
  static final Map<String, String> PREFIX_RULES;

  static {
    Map<String, String> rules = new LinkedHashMap<>();
    rules.put("spark.hadoop.", "copied into the Hadoop Configuration (SparkHadoopUtil)");
    rules.put("spark.hive.", "copied into the Hadoop Configuration as hive.* (SparkHadoopUtil)");
    rules.put("spark.executorEnv.", "environment variables of the executors (SparkConf)");
    rules.put("spark.yarn.appMasterEnv.", "environment variables of the YARN application master");
    rules.put("spark.yarn.am.resource.", "YARN application master resources (yarn config)");
    rules.put("spark.yarn.driver.resource.", "YARN driver resources (yarn config)");
    rules.put("spark.yarn.executor.resource.", "YARN executor resources (yarn config)");
    rules.put("spark.driver.resource.", "driver resources, e.g. gpu.amount (ResourceUtils)");
    rules.put("spark.executor.resource.", "executor resources, e.g. gpu.amount (ResourceUtils)");
    rules.put("spark.task.resource.", "task resources, e.g. gpu.amount (ResourceUtils)");
    rules.put("spark.sql.catalog.", "catalog plugins: spark.sql.catalog.NAME[.OPTION] (Catalogs)");
    rules.put("spark.metrics.conf.", "metrics system properties (MetricsConfig)");
    rules.put("spark.ssl.", "SSL namespaces and options (SSLOptions)");
    PREFIX_RULES = Collections.unmodifiableMap(rules);
  }

  /** Keys of optional Spark modules: unknown ones are "not checked" when the module is absent. */
  static final Map<String, String> MODULE_PREFIXES =
      Map.of(
          "spark.kubernetes.", "org.apache.spark.deploy.k8s.Config$",
          "spark.yarn.", "org.apache.spark.deploy.yarn.config.package$",
          "spark.kafka.", "org.apache.spark.sql.kafka010.package$",
          "spark.sql.hive.", "org.apache.spark.sql.hive.HiveUtils$",
          "spark.connect.", "org.apache.spark.sql.connect.config.Connect$",
          "spark.streaming.", "org.apache.spark.streaming.StreamingConf$");

  /** What the registry says about a key. */
  public enum Status {
    DEFINED,
    PREFIX,
    ALTERNATIVE,
    DEPRECATED,
    REMOVED,
    UNCHECKED,
    UNKNOWN
  }

  /**
   * @param status the verdict
   * @param detail the prefix rule, the key to use instead, or why a key was removed
   * @param suggestion the nearest defined key, for an unknown key (may be empty)
   */
  public record Lookup(Status status, String detail, String suggestion) {}

  private final Map<String, ConfigEntry<?>> entries = new TreeMap<>();
  private final Map<String, String> alternatives = new TreeMap<>();
  private final Map<String, String> removed = new TreeMap<>();
  private final Map<String, String> deprecated = new TreeMap<>();
  private final Map<String, String> prefixes = new LinkedHashMap<>(PREFIX_RULES);
  private final List<String> loadedHolders = new ArrayList<>();

  private static final class Holder {
    static final SparkConfRegistry INSTANCE = new SparkConfRegistry();
  }

  /** The registry of the Spark on this class path (built once: loading the holders takes ~1 s). */
  public static SparkConfRegistry get() {
    return Holder.INSTANCE;
  }

  private SparkConfRegistry() {
    ClassLoader loader = SparkConfRegistry.class.getClassLoader();
    for (String holder : HOLDERS) {
      try {
        Class.forName(holder, true, loader);
        loadedHolders.add(holder);
      } catch (ClassNotFoundException | NoClassDefFoundError e) {
        // The module is not on the class path: its keys are unknown here, which the report says.
      }
    }
    for (ConfigEntry<?> e : ConfigEntry.listAllEntries()) {
      entries.put(e.key(), e);
      if (e.prependedKey().isDefined()) {
        // e.g. spark.driver.defaultJavaOptions, read in front of spark.driver.extraJavaOptions
        entries.put(e.prependedKey().get(), e);
      }
      for (String alt : CollectionConverters.asJava(e.alternatives())) {
        alternatives.put(alt, e.key());
      }
    }
    sparkConfAlternatives();
    sparkConfDeprecated();
    CollectionConverters.asJava(SQLConf$.MODULE$.removedSQLConfigs())
        .forEach(
            (key, rc) ->
                removed.put(
                    key,
                    "removed in Spark "
                        + rc.version()
                        + (rc.comment().isEmpty() ? "" : ": ")
                        + rc.comment()));
    kubernetesPrefixes(loader);
  }

  /**
   * Old key names {@code SparkConf} translates ({@code configsWithAlternatives}, private to Spark:
   * read reflectively).
   */
  private void sparkConfAlternatives() {
    try {
      Method m = SparkConf$.class.getMethod("org$apache$spark$SparkConf$$configsWithAlternatives");
      scala.collection.Map<?, ?> map = (scala.collection.Map<?, ?>) m.invoke(SparkConf$.MODULE$);
      for (Map.Entry<?, ?> e : CollectionConverters.asJava(map).entrySet()) {
        for (Object alt :
            CollectionConverters.asJava((scala.collection.Iterable<?>) e.getValue())) {
          String oldKey = (String) alt.getClass().getMethod("key").invoke(alt);
          alternatives.put(oldKey, (String) e.getKey());
        }
      }
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("SparkConf.configsWithAlternatives changed in this Spark", e);
    }
  }

  /** Keys {@code SparkConf} warns about ({@code deprecatedConfigs}, private: read reflectively). */
  private void sparkConfDeprecated() {
    try {
      Method m = SparkConf$.class.getDeclaredMethod("deprecatedConfigs");
      m.setAccessible(true);
      scala.collection.Map<?, ?> map = (scala.collection.Map<?, ?>) m.invoke(SparkConf$.MODULE$);
      for (Object dc : CollectionConverters.asJava(map).values()) {
        String key = (String) dc.getClass().getMethod("key").invoke(dc);
        String version = (String) dc.getClass().getMethod("version").invoke(dc);
        String why = (String) dc.getClass().getMethod("deprecationMessage").invoke(dc);
        deprecated.put(key, "deprecated since Spark " + version + ": " + why);
      }
    } catch (ReflectiveOperationException | RuntimeException e) {
      throw new IllegalStateException("SparkConf.deprecatedConfigs changed in this Spark", e);
    }
  }

  /** The Kubernetes {@code Config} object names its free-form families in {@code *_PREFIX}. */
  private void kubernetesPrefixes(ClassLoader loader) {
    try {
      Class<?> config = Class.forName("org.apache.spark.deploy.k8s.Config$", true, loader);
      Object module = config.getField("MODULE$").get(null);
      for (Method m : config.getMethods()) {
        if (m.getName().endsWith("_PREFIX")
            && m.getParameterCount() == 0
            && m.getReturnType() == String.class) {
          String prefix = (String) m.invoke(module);
          if (prefix.startsWith("spark.") && prefix.endsWith(".")) {
            prefixes.putIfAbsent(prefix, "Kubernetes Config." + m.getName());
          }
        }
      }
    } catch (ReflectiveOperationException | LinkageError e) {
      // spark-kubernetes is not on the class path.
    }
  }

  /** Every key Spark defines here, sorted. */
  public TreeSet<String> keys() {
    TreeSet<String> keys = new TreeSet<>(entries.keySet());
    keys.addAll(LITERAL_KEYS.keySet());
    return keys;
  }

  /** The entry of a defined key (its type converter checks values), if any. */
  public Optional<ConfigEntry<?>> entry(String key) {
    return Optional.ofNullable(entries.get(key));
  }

  /** The free-form families: prefix to where Spark reads it. */
  public Map<String, String> prefixRules() {
    return Collections.unmodifiableMap(prefixes);
  }

  public List<String> loadedHolders() {
    return List.copyOf(loadedHolders);
  }

  /** Looks a key up; an unknown key gets the nearest defined key as a suggestion. */
  public Lookup lookup(String key) {
    if (entries.containsKey(key)) {
      return new Lookup(Status.DEFINED, "", "");
    }
    if (removed.containsKey(key)) {
      return new Lookup(Status.REMOVED, removed.get(key), "");
    }
    if (LITERAL_KEYS.containsKey(key)) {
      return new Lookup(Status.DEFINED, "read by name in " + LITERAL_KEYS.get(key), "");
    }
    if (deprecated.containsKey(key)) {
      return new Lookup(Status.DEPRECATED, deprecated.get(key), "");
    }
    if (alternatives.containsKey(key)) {
      return new Lookup(Status.ALTERNATIVE, alternatives.get(key), "");
    }
    for (Map.Entry<String, String> rule : prefixes.entrySet()) {
      if (key.startsWith(rule.getKey()) && key.length() > rule.getKey().length()) {
        return new Lookup(Status.PREFIX, rule.getKey() + "* (" + rule.getValue() + ")", "");
      }
    }
    for (Map.Entry<String, String> module : MODULE_PREFIXES.entrySet()) {
      if (key.startsWith(module.getKey()) && !loadedHolders.contains(module.getValue())) {
        return new Lookup(
            Status.UNCHECKED,
            "not checked: the Spark module that defines "
                + module.getKey()
                + "* keys is not on the class path",
            "");
      }
    }
    return new Lookup(Status.UNKNOWN, "", nearest(key));
  }

  /**
   * The defined key (or prefix family) closest to {@code key} by edit distance, ignoring case, or
   * empty when nothing is close (more than a third of the key would have to change).
   */
  String nearest(String key) {
    String lower = key.toLowerCase(Locale.ROOT);
    String best = "";
    int bestDistance = Integer.MAX_VALUE;
    List<String> candidates = new ArrayList<>(entries.keySet());
    candidates.addAll(LITERAL_KEYS.keySet());
    for (String candidate : candidates) {
      int d = distance(lower, candidate.toLowerCase(Locale.ROOT), bestDistance);
      if (d < bestDistance) {
        bestDistance = d;
        best = candidate;
      }
    }
    return bestDistance <= Math.max(2, key.length() / 3) ? best : "";
  }

  /**
   * Levenshtein distance, giving up (returning {@code limit}) once it cannot beat {@code limit}.
   */
  static int distance(String a, String b, int limit) {
    if (Math.abs(a.length() - b.length()) >= limit) {
      return limit;
    }
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      int rowMin = cur[0];
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
        rowMin = Math.min(rowMin, cur[j]);
      }
      if (rowMin >= limit) {
        return limit;
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }
}
