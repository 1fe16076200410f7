package dev.advancedspark.part2.catalyst;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import scala.jdk.javaapi.CollectionConverters;

/** Small walkers over Catalyst trees, so lessons can assert on logical plans from Java. */
public final class LogicalPlans {

  private LogicalPlans() {}

  /** Every node of a logical plan, depth first, parents before children. */
  public static List<LogicalPlan> nodes(LogicalPlan plan) {
    List<LogicalPlan> out = new ArrayList<>();
    walk(plan, out);
    return out;
  }

  private static void walk(LogicalPlan node, List<LogicalPlan> out) {
    out.add(node);
    for (LogicalPlan child : children(node)) {
      walk(child, out);
    }
  }

  public static List<LogicalPlan> children(LogicalPlan node) {
    return CollectionConverters.asJava(node.children());
  }

  /** The nodes of one operator type (e.g. {@code Filter.class}, {@code Join.class}). */
  public static <T extends LogicalPlan> List<T> find(LogicalPlan plan, Class<T> type) {
    return nodes(plan).stream().filter(type::isInstance).map(type::cast).toList();
  }

  /** Every expression of every node, with all their sub-expressions. */
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
}
