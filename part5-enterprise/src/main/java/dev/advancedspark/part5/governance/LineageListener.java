package dev.advancedspark.part5.governance;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.NamedExpression;
import org.apache.spark.sql.catalyst.plans.logical.Aggregate;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.catalyst.plans.logical.Project;
import org.apache.spark.sql.execution.QueryExecution;
import org.apache.spark.sql.execution.datasources.HadoopFsRelation;
import org.apache.spark.sql.execution.datasources.InsertIntoHadoopFsRelationCommand;
import org.apache.spark.sql.execution.datasources.LogicalRelation;
import org.apache.spark.sql.util.QueryExecutionListener;
import scala.jdk.javaapi.CollectionConverters;

/**
 * A {@link QueryExecutionListener} that turns every successful file write into an
 * OpenLineage-shaped {@code RunEvent} (JSON, one per line): the files read, the files written, the
 * written schema and column lineage (which input columns each output column is computed from,
 * through projections, joins and aggregates). A catalog (Marquez, DataHub, Unity, Purview) ingests
 * such events.
 *
 * <p>Register it with {@code spark.sessionState().listenerManager().register(...)} or {@code
 * spark.sql.queryExecutionListeners}. It runs on the listener bus after the query, so it never
 * slows or fails the job: an error here is logged by Spark and the query result stands.
 *
 * <p>Scope: file sources and sinks (Parquet, ORC, CSV, JSON) with the DataFrame/SQL API; the
 * official OpenLineage agent covers far more (JDBC, Delta, Iceberg, Kafka). See the README for
 * whether that agent runs with Spark 4.2.
 */
public final class LineageListener implements QueryExecutionListener {

  static final String PRODUCER = "https://github.com/advanced-spark/examples/part5-enterprise";
  static final String SCHEMA_URL =
      "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent";

  private final Path out;
  private final String jobNamespace;
  private final ObjectMapper json = new ObjectMapper();

  /** Appends events to {@code out} (created when missing). */
  public LineageListener(Path out, String jobNamespace) {
    this.out = out.toAbsolutePath();
    this.jobNamespace = jobNamespace;
  }

  @Override
  public void onSuccess(String funcName, QueryExecution qe, long durationNs) {
    List<ObjectNode> events = eventsFor(qe.analyzed(), qe.sparkSession().sparkContext().appName());
    for (ObjectNode e : events) {
      append(e);
    }
  }

  @Override
  public void onFailure(String funcName, QueryExecution qe, Exception exception) {
    // A failed write produced no output: nothing to record (a FAIL event could be added here).
  }

  /** The events for one analysed plan: one per file write it contains. */
  List<ObjectNode> eventsFor(LogicalPlan plan, String jobName) {
    List<ObjectNode> events = new ArrayList<>();
    for (LogicalPlan node : all(plan)) {
      if (node instanceof InsertIntoHadoopFsRelationCommand write) {
        events.add(event(write, jobName));
      }
    }
    return events;
  }

  // tag::column-lineage[]
  /** For every attribute (by expression id) the input columns it is computed from. */
  static Map<Long, Set<InputField>> lineage(LogicalPlan plan) {
    Map<Long, Set<InputField>> map = new HashMap<>();
    for (LogicalPlan child : children(plan)) {
      map.putAll(lineage(child));
    }
    if (plan instanceof LogicalRelation rel && rel.relation() instanceof HadoopFsRelation fs) {
      String path = CollectionConverters.asJava(fs.location().rootPaths()).get(0).toUri().getPath();
      for (Attribute a : CollectionConverters.asJava(rel.output())) {
        map.put(a.exprId().id(), Set.of(new InputField("file", path, a.name())));
      }
    } else if (plan instanceof Project p) {
      derive(map, CollectionConverters.asJava(p.projectList()));
    } else if (plan instanceof Aggregate a) {
      derive(map, CollectionConverters.asJava(a.aggregateExpressions()));
    }
    // Filter, Join, Sort, Repartition...: their output attributes are their children's.
    return map;
  }

  private static void derive(Map<Long, Set<InputField>> map, List<NamedExpression> exprs) {
    for (NamedExpression e : exprs) {
      Set<InputField> from = new LinkedHashSet<>();
      for (Attribute ref : CollectionConverters.asJava(((Expression) e).references().toSeq())) {
        from.addAll(map.getOrDefault(ref.exprId().id(), Set.of()));
      }
      map.put(e.exprId().id(), from);
    }
  }

  // end::column-lineage[]

  /** One input column: dataset namespace, dataset name (a path) and field. */
  public record InputField(String namespace, String name, String field) {}

  private ObjectNode event(InsertIntoHadoopFsRelationCommand write, String jobName) {
    LogicalPlan query = write.query();
    Map<Long, Set<InputField>> lineage = lineage(query);
    Set<String> inputs = new LinkedHashSet<>();
    lineage.values().forEach(s -> s.forEach(f -> inputs.add(f.name())));

    ObjectNode event = json.createObjectNode();
    event.put("eventType", "COMPLETE");
    event.put("eventTime", Instant.now().toString());
    event.put("producer", PRODUCER);
    event.put("schemaURL", SCHEMA_URL);
    event.putObject("run").put("runId", UUID.randomUUID().toString());
    event.putObject("job").put("namespace", jobNamespace).put("name", jobName);
    ArrayNode in = event.putArray("inputs");
    for (String path : inputs) {
      in.addObject().put("namespace", "file").put("name", path);
    }
    ObjectNode output = event.putArray("outputs").addObject();
    output.put("namespace", "file").put("name", write.outputPath().toUri().getPath());
    ObjectNode facets = output.putObject("facets");
    ArrayNode schema = facets.putObject("schema").putArray("fields");
    ObjectNode fields = facets.putObject("columnLineage").putObject("fields");
    for (Attribute a : CollectionConverters.asJava(query.output())) {
      schema.addObject().put("name", a.name()).put("type", a.dataType().simpleString());
      ArrayNode from = fields.putObject(a.name()).putArray("inputFields");
      for (InputField f : lineage.getOrDefault(a.exprId().id(), Set.of())) {
        from.addObject()
            .put("namespace", f.namespace())
            .put("name", f.name())
            .put("field", f.field());
      }
    }
    return event;
  }

  private void append(ObjectNode event) {
    try {
      Files.createDirectories(out.getParent());
      Files.writeString(
          out,
          json.writeValueAsString(event) + "\n",
          StandardCharsets.UTF_8,
          StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot append a lineage event to " + out, e);
    }
  }

  /** Reads back the events written so far (for tests and the example). */
  public List<Map<String, Object>> events() {
    if (!Files.exists(out)) {
      return List.of();
    }
    try {
      List<Map<String, Object>> list = new ArrayList<>();
      for (String line : Files.readAllLines(out, StandardCharsets.UTF_8)) {
        @SuppressWarnings("unchecked")
        Map<String, Object> m = json.readValue(line, LinkedHashMap.class);
        list.add(m);
      }
      return list;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + out, e);
    }
  }

  private static List<LogicalPlan> children(LogicalPlan plan) {
    List<LogicalPlan> kids = new ArrayList<>(CollectionConverters.asJava(plan.children()));
    kids.addAll(
        CollectionConverters.asJava(plan.innerChildren()).stream()
            .filter(LogicalPlan.class::isInstance)
            .map(LogicalPlan.class::cast)
            .toList());
    return kids;
  }

  private static List<LogicalPlan> all(LogicalPlan plan) {
    List<LogicalPlan> list = new ArrayList<>();
    list.add(plan);
    for (LogicalPlan c : children(plan)) {
      list.addAll(all(c));
    }
    return list;
  }
}
