package dev.advancedspark.common.plan;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.execution.FileSourceScanExec;
import org.apache.spark.sql.execution.QueryExecution;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.adaptive.AdaptiveSparkPlanExec;
import org.apache.spark.sql.execution.adaptive.QueryStageExec;
import org.apache.spark.sql.execution.columnar.InMemoryTableScanExec;
import org.apache.spark.sql.execution.exchange.BroadcastExchangeExec;
import org.apache.spark.sql.execution.exchange.ReusedExchangeExec;
import org.apache.spark.sql.execution.exchange.ShuffleExchangeExec;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Reads what Spark really ran: the executed physical plan, with adaptive execution's final plan
 * when AQE is on.
 *
 * <p>With AQE, {@code explain()} before execution shows only the initial plan, and AQE may change a
 * join strategy or drop a shuffle at run time. {@link #finalPlan} executes the query once (the rows
 * stay on the executors) and returns the plan that ran, so an assertion on it is an assertion on
 * what happened.
 *
 * <pre>{@code
 * SparkPlan plan = Plans.finalPlan(orders.join(broadcast(customers), "customer_id"));
 * assertThat(Plans.joinStrategies(plan)).containsExactly(JoinStrategy.BROADCAST_HASH);
 * assertThat(Plans.shuffleCount(plan)).isZero();
 * }</pre>
 */
public final class Plans {

  private Plans() {}

  /**
   * Executes {@code ds} once, without collecting rows to the driver, and returns the plan that ran
   * (AQE's final plan when adaptive execution is on), with its SQL metrics filled in. With AQE, a
   * query whose plan is already final is not run again.
   */
  public static SparkPlan finalPlan(Dataset<?> ds) {
    SparkPlan plan = ds.queryExecution().executedPlan();
    if (!(plan instanceof AdaptiveSparkPlanExec adaptive && adaptive.isFinalPlan())) {
      // toRdd executes the plan (for AQE: every stage, fixing its final form); count() runs the
      // last stage. Without AQE this also fills the operators' SQL metrics (rows, files read).
      ds.queryExecution().toRdd().count();
    }
    return ds.queryExecution().executedPlan();
  }

  /**
   * The plan Spark would run now, without executing: AQE's initial plan when AQE is on. Read what
   * you need from it before the query runs: AQE updates its plan node in place as stages finish.
   */
  public static SparkPlan plannedPlan(Dataset<?> ds) {
    return ds.queryExecution().executedPlan();
  }

  /**
   * Every node of the plan, depth first: inside AQE wrappers, query stages and subqueries too, so a
   * helper sees the operators that really ran.
   */
  public static List<SparkPlan> nodes(SparkPlan plan) {
    List<SparkPlan> out = new ArrayList<>();
    walk(plan, out);
    return out;
  }

  private static void walk(SparkPlan node, List<SparkPlan> out) {
    out.add(node);
    if (node instanceof AdaptiveSparkPlanExec adaptive) {
      walk(adaptive.executedPlan(), out);
      return;
    }
    if (node instanceof QueryStageExec stage) {
      walk(stage.plan(), out);
      return;
    }
    if (node instanceof ReusedExchangeExec reused) {
      // The reused exchange's subtree already ran elsewhere; count the reuse, not its operators.
      return;
    }
    for (SparkPlan child : CollectionConverters.asJava(node.children())) {
      walk(child, out);
    }
    for (SparkPlan sub : CollectionConverters.asJava(node.subqueries())) {
      walk(sub, out);
    }
  }

  /** The nodes of one operator type. */
  public static <T extends SparkPlan> List<T> find(SparkPlan plan, Class<T> type) {
    return nodes(plan).stream().filter(type::isInstance).map(type::cast).toList();
  }

  public static boolean contains(SparkPlan plan, Predicate<SparkPlan> test) {
    return nodes(plan).stream().anyMatch(test);
  }

  /** The join operators in the plan, top to bottom. */
  public static List<JoinStrategy> joinStrategies(SparkPlan plan) {
    return nodes(plan).stream().map(JoinStrategy::of).filter(Objects::nonNull).toList();
  }

  /**
   * Shuffle exchanges: the stage boundaries that move data between executors. A reused exchange is
   * not counted (it reads shuffle files that already exist).
   */
  public static int shuffleCount(SparkPlan plan) {
    return find(plan, ShuffleExchangeExec.class).size();
  }

  public static int broadcastExchangeCount(SparkPlan plan) {
    return find(plan, BroadcastExchangeExec.class).size();
  }

  public static int reusedExchangeCount(SparkPlan plan) {
    return find(plan, ReusedExchangeExec.class).size();
  }

  /** The file scans (Parquet, ORC, CSV, JSON ...) of the plan. */
  public static List<FileSourceScanExec> fileScans(SparkPlan plan) {
    return find(plan, FileSourceScanExec.class);
  }

  /**
   * The "PushedFilters" of every file scan, as Spark prints them, e.g. {@code [IsNotNull(amount),
   * GreaterThan(amount,100.0)]}; an empty list when a scan pushed nothing.
   */
  public static List<String> pushedFilters(SparkPlan plan) {
    return scanMetadata(plan, "PushedFilters");
  }

  /** The "PartitionFilters" of every file scan: filters that prune whole partition folders. */
  public static List<String> partitionFilters(SparkPlan plan) {
    return scanMetadata(plan, "PartitionFilters");
  }

  private static List<String> scanMetadata(SparkPlan plan, String key) {
    List<String> out = new ArrayList<>();
    for (FileSourceScanExec scan : fileScans(plan)) {
      String value = scan.metadata().get(key).getOrElse(() -> "[]");
      String inner = value.substring(1, value.length() - 1).trim();
      if (!inner.isEmpty()) {
        out.addAll(splitTopLevel(inner));
      }
    }
    return out;
  }

  /** Splits "A(x,1), B(y)" at top-level commas only. */
  static List<String> splitTopLevel(String text) {
    List<String> parts = new ArrayList<>();
    int depth = 0;
    int start = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '(' || c == '[') {
        depth++;
      } else if (c == ')' || c == ']') {
        depth--;
      } else if (c == ',' && depth == 0) {
        parts.add(text.substring(start, i).trim());
        start = i + 1;
      }
    }
    parts.add(text.substring(start).trim());
    return parts;
  }

  /** True when at least one file scan produces columnar batches (vectorized Parquet/ORC reads). */
  public static boolean hasColumnarScan(SparkPlan plan) {
    return fileScans(plan).stream().anyMatch(SparkPlan::supportsColumnar);
  }

  /**
   * True when the plan reads a cached relation ({@code InMemoryTableScan}) instead of recomputing
   * it.
   */
  public static boolean readsCache(SparkPlan plan) {
    return !find(plan, InMemoryTableScanExec.class).isEmpty();
  }

  // ---- the four phases, and logical plans -------------------------------------------------

  /**
   * The four plans Catalyst makes for one query, in order: parsed (names not yet resolved: {@code
   * 'UnresolvedRelation}), analyzed (names bound to the catalog, every attribute with an id and a
   * type), optimized (rule-based rewrites: constants folded, filters pushed down, columns pruned)
   * and physical (the operators that run, chosen by strategies and cost).
   */
  public record Phases(
      LogicalPlan parsed, LogicalPlan analyzed, LogicalPlan optimized, SparkPlan physical) {

    /** The four trees under headings, as {@code EXPLAIN EXTENDED} prints them. */
    public String describe() {
      return "== Parsed Logical Plan ==\n"
          + parsed.treeString()
          + "\n== Analyzed Logical Plan ==\n"
          + analyzed.treeString()
          + "\n== Optimized Logical Plan ==\n"
          + optimized.treeString()
          + "\n== Physical Plan ==\n"
          + physical.treeString();
    }
  }

  /** The four plans of {@code query}, without running it. */
  public static Phases phases(Dataset<?> query) {
    QueryExecution qe = query.queryExecution();
    return new Phases(qe.logical(), qe.analyzed(), qe.optimizedPlan(), qe.executedPlan());
  }

  /** Every node of a logical plan, depth first, parents before children. */
  public static List<LogicalPlan> nodes(LogicalPlan plan) {
    List<LogicalPlan> out = new ArrayList<>();
    walkLogical(plan, out);
    return out;
  }

  private static void walkLogical(LogicalPlan node, List<LogicalPlan> out) {
    out.add(node);
    for (LogicalPlan child : children(node)) {
      walkLogical(child, out);
    }
  }

  /** The direct children of a logical plan node, as a Java list. */
  public static List<LogicalPlan> children(LogicalPlan node) {
    return CollectionConverters.asJava(node.children());
  }

  /** The nodes of one logical operator type (e.g. {@code Filter.class}, {@code Join.class}). */
  public static <T extends LogicalPlan> List<T> find(LogicalPlan plan, Class<T> type) {
    return nodes(plan).stream().filter(type::isInstance).map(type::cast).toList();
  }

  /** Every expression of every node of a logical plan, with all their sub-expressions. */
  public static List<Expression> expressions(LogicalPlan plan) {
    List<Expression> out = new ArrayList<>();
    for (LogicalPlan node : nodes(plan)) {
      for (Expression e : CollectionConverters.asJava(node.expressions())) {
        walkExpression(e, out);
      }
    }
    return out;
  }

  private static void walkExpression(Expression e, List<Expression> out) {
    out.add(e);
    for (Expression child : CollectionConverters.asJava(e.children())) {
      walkExpression(child, out);
    }
  }

  /** The plan as Spark prints it in {@code explain("formatted")}'s tree, for messages and logs. */
  public static String treeString(SparkPlan plan) {
    return plan.treeString();
  }
}
