package dev.advancedspark.part5.integration;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.advancedspark.common.ExampleArgs;
import dev.advancedspark.common.Examples;
import dev.advancedspark.common.RunnableExample;
import dev.advancedspark.part5.governance.QualityGate;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

/**
 * Checks a dbt project with Spark itself, without dbt: every model's Jinja is rendered for the
 * three calls a model needs ({@code ref()}, {@code source()}, {@code config()}), then Spark parses
 * and analyses the SQL against the real source tables ({@code spark.sql} is lazy: it resolves every
 * table, column and function and types the result, and runs nothing). Each model becomes a
 * temporary view for the models that {@code ref()} it, in dependency order. A typo in a column, a
 * {@code ref()} to a missing model, or Jinja this renderer does not know fails with the model's
 * file in the message. Then the schema tests of {@code schema.yml} ({@code not_null}, {@code
 * unique}, {@code relationships}) run as queries and count failing rows, as {@code dbt test} does.
 *
 * <p>What it does not replace: dbt's materialisations (CREATE TABLE AS, incremental merges), macros
 * and packages. Run {@code dbt build} against a Spark Thrift Server for those.
 *
 * <pre>
 * bin/run-example DbtModels
 * </pre>
 *
 * Expected output: the three models in dependency order with their schemas, then each schema test
 * with 0 failing rows.
 */
@RunnableExample(
    "Integration: dbt models rendered, then parsed and analysed by Spark; schema tests")
public final class DbtModels {

  static final ExampleArgs ARGS =
      ExampleArgs.forExample("DbtModels")
          .inputPath("project", "part5-enterprise/src/main/dbt/shop", "the dbt project folder");

  private static final Pattern JINJA =
      Pattern.compile("\\{\\{(.*?)\\}\\}|\\{%(.*?)%\\}", Pattern.DOTALL);
  private static final Pattern REF = Pattern.compile("^ref\\(\\s*'([^']+)'\\s*\\)$");
  private static final Pattern SOURCE =
      Pattern.compile("^source\\(\\s*'([^']+)'\\s*,\\s*'([^']+)'\\s*\\)$");
  private static final Pattern CONFIG = Pattern.compile("^config\\(.*\\)$", Pattern.DOTALL);
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  /** One model: its name (the file name), file and SQL as written. */
  public record Model(String name, Path file, String sql) {}

  /** One schema test and the rows that broke it. */
  public record TestResult(String name, long failures) {}

  private DbtModels() {}

  /** The models under {@code project/models}, by name. */
  public static Map<String, Model> load(Path project) {
    Path models = project.resolve("models");
    if (!Files.isDirectory(models)) {
      throw new IllegalArgumentException("No dbt models folder at " + models.toAbsolutePath());
    }
    Map<String, Model> result = new LinkedHashMap<>();
    try (Stream<Path> files = Files.walk(models)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".sql")).sorted().toList()) {
        String name = f.getFileName().toString().replaceFirst("\\.sql$", "");
        result.put(
            name,
            new Model(name, project.relativize(f), Files.readString(f, StandardCharsets.UTF_8)));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the models under " + models, e);
    }
    return result;
  }

  // tag::render[]
  /**
   * The model's SQL with {@code ref('m')} replaced by {@code m}, {@code source('s', 't')} by the
   * view registered for it, and {@code config(...)} removed.
   *
   * @throws IllegalArgumentException naming the model's file for a missing model or source, or
   *     Jinja other than those three calls
   */
  public static String render(Model model, Set<String> models, Map<String, String> sources) {
    Matcher m = JINJA.matcher(model.sql());
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String expr = m.group(1) == null ? null : m.group(1).strip();
      String replacement;
      Matcher ref = expr == null ? null : REF.matcher(expr);
      Matcher src = expr == null ? null : SOURCE.matcher(expr);
      if (ref != null && ref.matches()) {
        if (!models.contains(ref.group(1))) {
          throw new IllegalArgumentException(
              model.file()
                  + ": ref('"
                  + ref.group(1)
                  + "') names no model (models: "
                  + models
                  + ")");
        }
        replacement = ref.group(1);
      } else if (src != null && src.matches()) {
        replacement = sources.get(src.group(1) + "." + src.group(2));
        if (replacement == null) {
          throw new IllegalArgumentException(
              model.file()
                  + ": source('"
                  + src.group(1)
                  + "', '"
                  + src.group(2)
                  + "') is not declared in sources.yml (declared: "
                  + sources.keySet()
                  + ")");
        }
      } else if (expr != null && CONFIG.matcher(expr).matches()) {
        replacement = "";
      } else {
        throw new IllegalArgumentException(
            model.file()
                + ": only ref(), source() and config() are rendered here, not "
                + m.group().strip());
      }
      m.appendReplacement(out, Matcher.quoteReplacement(replacement));
    }
    m.appendTail(out);
    return out.toString().strip();
  }

  // end::render[]

  // tag::analyse[]
  /**
   * Renders every model, lets Spark parse and analyse it in dependency order, and registers it as a
   * temporary view. Runs no Spark job.
   *
   * @return each model's analysed schema, in the order they were checked
   */
  public static Map<String, StructType> analyse(SparkSession spark, Path project) {
    Map<String, Model> models = load(project);
    Map<String, String> sources = declaredSources(project);
    Map<String, StructType> schemas = new LinkedHashMap<>();
    for (String name : dependencyOrder(models)) {
      Model model = models.get(name);
      String sql = render(model, models.keySet(), sources);
      Dataset<Row> analysed;
      try {
        analysed = spark.sql(sql); // parse + analyse; lazy: nothing runs
      } catch (Exception e) {
        String msg = e.getMessage() == null ? e.toString() : e.getMessage();
        throw new IllegalArgumentException(
            model.file() + ": " + msg.lines().findFirst().orElse(msg), e);
      }
      analysed.createOrReplaceTempView(name);
      schemas.put(name, analysed.schema());
    }
    return schemas;
  }

  // end::analyse[]

  /** Runs the schema tests of {@code models/schema.yml} against the views {@link #analyse} made. */
  public static List<TestResult> runSchemaTests(SparkSession spark, Path project) {
    JsonNode root = readYaml(project.resolve("models").resolve("schema.yml"));
    List<TestResult> results = new ArrayList<>();
    for (JsonNode model : root.path("models")) {
      String table = model.path("name").asText();
      for (JsonNode column : model.path("columns")) {
        String col = column.path("name").asText();
        for (JsonNode test : column.path("tests")) {
          String sql;
          String name;
          if (test.isTextual() && test.asText().equals("not_null")) {
            name = "not_null_" + table + "_" + col;
            sql = "SELECT count(*) FROM " + table + " WHERE " + col + " IS NULL";
          } else if (test.isTextual() && test.asText().equals("unique")) {
            name = "unique_" + table + "_" + col;
            sql =
                "SELECT count(*) FROM (SELECT "
                    + col
                    + " FROM "
                    + table
                    + " WHERE "
                    + col
                    + " IS NOT NULL GROUP BY "
                    + col
                    + " HAVING count(*) > 1)";
          } else if (test.has("relationships")) {
            JsonNode r = test.path("relationships");
            Matcher to = REF.matcher(r.path("to").asText().strip());
            if (!to.matches()) {
              throw new IllegalArgumentException("schema.yml: relationships.to must be ref('...')");
            }
            name = "relationships_" + table + "_" + col + "__" + to.group(1);
            sql =
                "SELECT count(*) FROM "
                    + table
                    + " t LEFT ANTI JOIN "
                    + to.group(1)
                    + " r ON t."
                    + col
                    + " = r."
                    + r.path("field").asText()
                    + " WHERE t."
                    + col
                    + " IS NOT NULL";
          } else {
            throw new IllegalArgumentException(
                "schema.yml: unsupported test " + test + " on " + table + "." + col);
          }
          results.add(new TestResult(name, spark.sql(sql).first().getLong(0)));
        }
      }
    }
    return results;
  }

  /** {@code source.table} to the view name the examples register ({@code table}). */
  static Map<String, String> declaredSources(Path project) {
    JsonNode root = readYaml(project.resolve("models").resolve("sources.yml"));
    Map<String, String> result = new LinkedHashMap<>();
    for (JsonNode source : root.path("sources")) {
      for (JsonNode table : source.path("tables")) {
        String t = table.path("name").asText();
        result.put(source.path("name").asText() + "." + t, t);
      }
    }
    return result;
  }

  /** Models ordered so that each comes after every model it {@code ref()}s. */
  static List<String> dependencyOrder(Map<String, Model> models) {
    Set<String> done = new LinkedHashSet<>();
    for (String name : models.keySet()) {
      visit(name, models, done, new LinkedHashSet<>());
    }
    return new ArrayList<>(done);
  }

  private static void visit(
      String name, Map<String, Model> models, Set<String> done, Set<String> path) {
    if (done.contains(name) || !models.containsKey(name)) {
      return; // a missing model is reported by render(), with its file
    }
    if (!path.add(name)) {
      throw new IllegalArgumentException("ref() cycle: " + path + " -> " + name);
    }
    Matcher m = Pattern.compile("ref\\(\\s*'([^']+)'\\s*\\)").matcher(models.get(name).sql());
    while (m.find()) {
      visit(m.group(1), models, done, path);
    }
    path.remove(name);
    done.add(name);
  }

  private static JsonNode readYaml(Path file) {
    try {
      return YAML.readTree(file.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + file, e);
    }
  }

  /**
   * The source tables, as the examples make them: the orders that passed {@link QualityGate} and
   * the customers, registered as the views {@code orders} and {@code customers}.
   */
  public static void registerSources(SparkSession spark) {
    try (QualityGate.Result gate =
        QualityGate.ordersGate(QualityGate.sampleCustomers(spark))
            .apply(QualityGate.sampleOrders(spark))) {
      // the view keeps the plan, not the cache: reading it after close recomputes nine rows
      gate.valid().createOrReplaceTempView("orders");
    }
    spark
        .sql("SELECT * FROM VALUES (10, 'gb'), (11, 'de'), (12, 'pt') AS c(customer_id, country)")
        .createOrReplaceTempView("customers");
  }

  public static void main(String[] args) {
    Examples.run(
        args,
        ARGS,
        "DbtModels",
        (spark, opts) -> {
          Path project = Path.of(opts.get("project"));
          registerSources(spark);
          analyse(spark, project)
              .forEach((name, schema) -> System.out.println(name + ": " + schema.simpleString()));
          runSchemaTests(spark, project)
              .forEach(t -> System.out.printf("%-55s %d failing rows%n", t.name(), t.failures()));
        });
  }
}
