package dev.advancedspark.benchmarks.report;

import dev.advancedspark.benchmarks.report.ResultsReport.Case;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Geometric means over groups of questions: db-benchmark's groupby questions q1-q5 are its "basic"
 * set and q6-q10 its "advanced" one. A case's question is its method name ({@code q3}) or its
 * {@code question} parameter; every other parameter names the variant it belongs to.
 */
public final class QuestionGroups {

  /** The groups, in report order: the explicit table of which question belongs where. */
  public static final Map<String, List<String>> GROUPS =
      orderedGroups(
          "basic", List.of("q1", "q2", "q3", "q4", "q5"),
          "advanced", List.of("q6", "q7", "q8", "q9", "q10"));

  /** The parameter that names the question when the methods do not. */
  public static final String QUESTION_PARAM = "question";

  private QuestionGroups() {}

  private static Map<String, List<String>> orderedGroups(
      String a, List<String> qa, String b, List<String> qb) {
    Map<String, List<String>> m = new LinkedHashMap<>();
    m.put(a, qa);
    m.put(b, qb);
    return m;
  }

  /** The question of a case ({@code q1}..{@code q10}), or null. */
  public static String question(Case c) {
    if (c.method().matches("q\\d+")) {
      return c.method();
    }
    return c.params().get(QUESTION_PARAM);
  }

  /** The variant: every parameter but the question. */
  public static String variant(Case c) {
    Map<String, String> rest = new TreeMap<>(c.params());
    rest.remove(QUESTION_PARAM);
    StringBuilder sb = new StringBuilder();
    rest.forEach((k, v) -> sb.append(sb.isEmpty() ? "" : " ").append(k).append('=').append(v));
    return sb.isEmpty() ? "-" : sb.toString();
  }

  /** A group's geometric mean for one variant, and how many of its questions it covers. */
  public record Mean(double value, int questions, int of) {}

  /**
   * Per variant and group, the geometric mean of {@code value(case)} over the group's questions
   * that have a finite, positive value (medians in ms, or ratios to the baseline).
   */
  public static Map<String, Map<String, Mean>> geomeans(
      List<Case> cases, java.util.function.ToDoubleFunction<Case> value) {
    Map<String, Map<String, List<Double>>> values = new LinkedHashMap<>();
    for (Case c : cases) {
      String q = question(c);
      if (q == null) {
        continue;
      }
      for (Map.Entry<String, List<String>> g : GROUPS.entrySet()) {
        double v = value.applyAsDouble(c);
        if (g.getValue().contains(q) && v > 0 && Double.isFinite(v)) {
          values
              .computeIfAbsent(variant(c), k -> new LinkedHashMap<>())
              .computeIfAbsent(g.getKey(), k -> new ArrayList<>())
              .add(v);
        }
      }
    }
    Map<String, Map<String, Mean>> out = new LinkedHashMap<>();
    values.forEach(
        (variant, groups) -> {
          Map<String, Mean> means = new LinkedHashMap<>();
          for (String g : GROUPS.keySet()) {
            List<Double> vs = groups.get(g);
            if (vs != null) {
              double mean = Math.exp(vs.stream().mapToDouble(Math::log).average().orElse(0));
              means.put(g, new Mean(mean, vs.size(), GROUPS.get(g).size()));
            }
          }
          out.put(variant, means);
        });
    return out;
  }

  /** Whether any case of the list belongs to a question group. */
  public static boolean hasQuestions(List<Case> cases) {
    return cases.stream()
        .map(QuestionGroups::question)
        .anyMatch(q -> q != null && GROUPS.values().stream().anyMatch(l -> l.contains(q)));
  }
}
