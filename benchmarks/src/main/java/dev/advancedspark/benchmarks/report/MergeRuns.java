package dev.advancedspark.benchmarks.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.openjdk.jmh.util.ListStatistics;

/**
 * Merges the JSON of several JMH runs of the same cases (rounds) into one result, as if each case
 * had run with as many forks as the rounds together: every fork's measured iterations are kept in
 * round order, and the score, its 99.9 % error, confidence interval and percentiles are computed
 * again over all of them with JMH's own statistics ({@link ListStatistics}), so the merged file
 * reads exactly like one JMH run.
 *
 * <p>{@code run-suite.sh} uses it for alternated runs ({@code ROUNDS=N}): JMH runs the cases of one
 * run one after the other, all forks of a case back to back, so a change of load during a run lands
 * on some variants and not on others. Running one fork per round and reversing the order of every
 * parameter list in every other round puts each variant early in one round and late in the next.
 *
 * <pre>{@code
 * java -cp benchmarks.jar dev.advancedspark.benchmarks.report.MergeRuns out.json round1.json round2.json
 * }</pre>
 *
 * The merged file lists the cases in the first round's order. A case missing from a round (its fork
 * failed) keeps the forks it has, and a line on standard error says which.
 */
public final class MergeRuns {

  /** The percentiles JMH writes in {@code scorePercentiles}. */
  private static final double[] PERCENTILES = {
    0.0, 50.0, 90.0, 95.0, 99.0, 99.9, 99.99, 99.999, 99.9999, 100.0
  };

  private MergeRuns() {}

  public static void main(String[] args) throws IOException {
    if (args.length < 3) {
      System.err.println(
          "usage: MergeRuns <merged.json> <round1.json> <round2.json> [more rounds...]");
      System.exit(2);
    }
    List<String> rounds = new ArrayList<>();
    for (int i = 1; i < args.length; i++) {
      Path p = Path.of(args[i]);
      if (!Files.isRegularFile(p)) {
        System.err.println("No JMH result " + p + ": did that round run?");
        System.exit(2);
      }
      rounds.add(Files.readString(p));
    }
    List<String> warnings = new ArrayList<>();
    String merged;
    try {
      merged = merge(rounds, warnings);
    } catch (IllegalArgumentException e) {
      System.err.println("Cannot merge: " + e.getMessage());
      System.exit(2);
      return;
    } catch (IOException e) { // not JMH's JSON, e.g. a round cut short
      System.err.println("Cannot merge: a round is not JMH JSON (" + e.getMessage() + ")");
      System.exit(2);
      return;
    }
    warnings.forEach(System.err::println);
    Files.writeString(Path.of(args[0]), merged, StandardCharsets.UTF_8);
    System.out.println("Merged " + rounds.size() + " rounds into " + args[0]);
  }

  /**
   * The JSON of one JMH run holding every case of {@code rounds}, each with the forks of all
   * rounds; {@code warnings} receives a line per case that some round lacks.
   */
  public static String merge(List<String> rounds, List<String> warnings) throws IOException {
    ObjectMapper json = new ObjectMapper();
    Map<String, ObjectNode> cases = new LinkedHashMap<>();
    Map<String, Integer> seenIn = new LinkedHashMap<>();
    for (String round : rounds) {
      for (JsonNode n : json.readTree(round)) {
        String key = key(n);
        ObjectNode merged = cases.get(key);
        if (merged == null) {
          cases.put(key, n.deepCopy());
        } else {
          if (merged.path("measurementIterations").asInt()
              != n.path("measurementIterations").asInt()) {
            throw new IllegalArgumentException(
                key
                    + " has "
                    + merged.path("measurementIterations").asInt()
                    + " measured iterations in one round and "
                    + n.path("measurementIterations").asInt()
                    + " in another: run every round with the same -i");
          }
          append((ObjectNode) merged.get("primaryMetric"), n.get("primaryMetric"));
          JsonNode secondary = merged.path("secondaryMetrics");
          Iterator<Map.Entry<String, JsonNode>> it = n.path("secondaryMetrics").fields();
          while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            if (secondary.get(e.getKey()) instanceof ObjectNode m) {
              append(m, e.getValue());
            }
          }
        }
        seenIn.merge(key, 1, Integer::sum);
      }
    }
    ArrayNode out = json.createArrayNode();
    for (Map.Entry<String, ObjectNode> e : cases.entrySet()) {
      ObjectNode c = e.getValue();
      restate((ObjectNode) c.get("primaryMetric"));
      c.path("secondaryMetrics").forEach(m -> restate((ObjectNode) m));
      c.put("forks", c.path("primaryMetric").path("rawData").size());
      if (seenIn.get(e.getKey()) < rounds.size()) {
        warnings.add(
            "Case "
                + e.getKey()
                + " ran in "
                + seenIn.get(e.getKey())
                + " of "
                + rounds.size()
                + " rounds: merged with the forks it has");
      }
      out.add(c);
    }
    return json.writerWithDefaultPrettyPrinter().writeValueAsString(out) + "\n";
  }

  /** A case's identity: benchmark method, mode and parameters (JMH writes them in key order). */
  static String key(JsonNode n) {
    StringBuilder k = new StringBuilder(n.path("benchmark").asText());
    k.append(" mode=").append(n.path("mode").asText());
    Iterator<Map.Entry<String, JsonNode>> it = n.path("params").fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      k.append(' ').append(e.getKey()).append('=').append(e.getValue().asText());
    }
    return k.toString();
  }

  private static void append(ObjectNode metric, JsonNode other) {
    if (other == null || !other.has("rawData")) {
      return;
    }
    if (!(metric.get("rawData") instanceof ArrayNode raw)) {
      throw new IllegalArgumentException("a round has raw data where another has none");
    }
    other.get("rawData").forEach(fork -> raw.add(fork.deepCopy()));
  }

  /** Score, error, interval and percentiles over every measured iteration of every fork. */
  private static void restate(ObjectNode metric) {
    ListStatistics s = new ListStatistics();
    metric.path("rawData").forEach(fork -> fork.forEach(v -> s.addValue(v.asDouble())));
    if (s.getN() == 0) {
      return;
    }
    metric.put("score", s.getMean());
    metric.put("scoreError", s.getMeanErrorAt(0.999));
    double[] ci = s.getConfidenceIntervalAt(0.999);
    ArrayNode confidence = metric.putArray("scoreConfidence");
    confidence.add(ci[0]).add(ci[1]);
    ObjectNode percentiles = metric.putObject("scorePercentiles");
    for (double p : PERCENTILES) {
      percentiles.put(String.valueOf(p), p == 0 ? s.getMin() : s.getPercentile(p));
    }
  }
}
