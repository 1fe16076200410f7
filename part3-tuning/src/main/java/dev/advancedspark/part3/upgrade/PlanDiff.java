package dev.advancedspark.part3.upgrade;

import dev.advancedspark.common.plan.Plans;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.execution.InputAdapter;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.WholeStageCodegenExec;
import org.apache.spark.sql.execution.adaptive.AdaptiveSparkPlanExec;
import org.apache.spark.sql.execution.adaptive.QueryStageExec;

/**
 * The difference between two physical plans of one query, operator by operator: what an engineer
 * looks for when a job got slower after an upgrade (or a config change) and the code did not
 * change.
 *
 * <p>A plan is read as its operators, depth first (as {@link Plans#nodes} walks it: AQE's final
 * plan and query stages are looked into), each with its depth in the tree. Wrappers that only say
 * how an operator runs, not what it does ({@code AdaptiveSparkPlan}, query stages, whole-stage
 * codegen and its input adapters), are left out, so "AQE on" is not a difference by itself: what
 * AQE changed is. Expression ids ({@code #12}) never enter, so two runs of the same query compare
 * equal.
 *
 * @param before the operators of the first plan, one line each, indented by depth
 * @param after the operators of the second plan
 * @param lines the diff: {@code " "} for a line in both, {@code "- "} only before, {@code "+ "}
 *     only after
 * @param removed operator name -> how many more the first plan had
 * @param added operator name -> how many more the second plan has
 */
public record PlanDiff(
    List<String> before,
    List<String> after,
    List<String> lines,
    Map<String, Integer> removed,
    Map<String, Integer> added) {

  /** Compares the plan that ran before with the one that runs now. */
  public static PlanDiff between(SparkPlan before, SparkPlan after) {
    List<String> a = operators(before);
    List<String> b = operators(after);
    Map<String, Integer> countsA = counts(a);
    Map<String, Integer> countsB = counts(b);
    Map<String, Integer> removed = new TreeMap<>();
    Map<String, Integer> added = new TreeMap<>();
    for (String name : union(countsA, countsB)) {
      int d = countsA.getOrDefault(name, 0) - countsB.getOrDefault(name, 0);
      if (d > 0) {
        removed.put(name, d);
      } else if (d < 0) {
        added.put(name, -d);
      }
    }
    return new PlanDiff(a, b, lineDiff(a, b), removed, added);
  }

  /** True when both plans have the same operators in the same shape. */
  public boolean isEmpty() {
    return lines.stream().allMatch(l -> l.startsWith("  "));
  }

  /** The names of the operators that one plan has more of than the other. */
  public List<String> changedOperators() {
    return new ArrayList<>(union(removed, added));
  }

  /** The diff for a reader: the counts, then the trees side by side as a unified diff. */
  public String describe() {
    if (isEmpty()) {
      return "the plans have the same operators";
    }
    return "removed " + removed + ", added " + added + "\n" + String.join("\n", lines);
  }

  /**
   * The operators of a plan, depth first, one line each: the node's name (e.g. {@code
   * SortMergeJoin}, {@code Exchange}, {@code AQEShuffleRead}) indented two spaces per level.
   */
  public static List<String> operators(SparkPlan plan) {
    List<String> out = new ArrayList<>();
    walk(plan, 0, out);
    return out;
  }

  private static void walk(SparkPlan node, int depth, List<String> out) {
    boolean wrapper =
        node instanceof AdaptiveSparkPlanExec
            || node instanceof QueryStageExec
            || node instanceof WholeStageCodegenExec
            || node instanceof InputAdapter;
    int childDepth = depth;
    if (!wrapper) {
      out.add("  ".repeat(depth) + name(node));
      childDepth = depth + 1;
    }
    if (node instanceof AdaptiveSparkPlanExec adaptive) {
      walk(adaptive.executedPlan(), childDepth, out);
    } else if (node instanceof QueryStageExec stage) {
      walk(stage.plan(), childDepth, out);
    } else {
      for (SparkPlan child : scala.jdk.javaapi.CollectionConverters.asJava(node.children())) {
        walk(child, childDepth, out);
      }
    }
  }

  /** The operator's name; AQE's shuffle read says what it did (coalesced, skewed, local). */
  private static String name(SparkPlan node) {
    String simple = node.simpleString(200);
    return node.nodeName().equals("AQEShuffleRead")
        ? simple.replaceAll("\\s+", " ").trim()
        : node.nodeName();
  }

  private static Map<String, Integer> counts(List<String> lines) {
    Map<String, Integer> out = new TreeMap<>();
    lines.forEach(l -> out.merge(l.trim(), 1, Integer::sum));
    return out;
  }

  private static List<String> union(Map<String, Integer> a, Map<String, Integer> b) {
    Map<String, Boolean> all = new TreeMap<>();
    a.keySet().forEach(k -> all.put(k, true));
    b.keySet().forEach(k -> all.put(k, true));
    return new ArrayList<>(all.keySet());
  }

  /**
   * A longest-common-subsequence diff of two line lists (plans are tens of lines). Lines match by
   * operator name, whatever their indentation, so an operator inserted above a subtree shows as one
   * added line, not as a changed subtree; common lines keep the first plan's indentation.
   */
  static List<String> lineDiff(List<String> a, List<String> b) {
    int[][] lcs = new int[a.size() + 1][b.size() + 1];
    for (int i = a.size() - 1; i >= 0; i--) {
      for (int j = b.size() - 1; j >= 0; j--) {
        lcs[i][j] =
            a.get(i).trim().equals(b.get(j).trim())
                ? lcs[i + 1][j + 1] + 1
                : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
      }
    }
    List<String> out = new ArrayList<>();
    int i = 0;
    int j = 0;
    while (i < a.size() && j < b.size()) {
      if (a.get(i).trim().equals(b.get(j).trim())) {
        out.add("  " + a.get(i++));
        j++;
      } else if (lcs[i + 1][j] >= lcs[i][j + 1]) {
        out.add("- " + a.get(i++));
      } else {
        out.add("+ " + b.get(j++));
      }
    }
    while (i < a.size()) {
      out.add("- " + a.get(i++));
    }
    while (j < b.size()) {
      out.add("+ " + b.get(j++));
    }
    return out;
  }
}
