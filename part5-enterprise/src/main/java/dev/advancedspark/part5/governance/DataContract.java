package dev.advancedspark.part5.governance;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * A data contract between a producer and its consumers: the schema they may rely on (names and
 * types) plus the expectations of a {@link QualityGate} (not null, ranges, uniqueness). Checked on
 * what the consumer actually reads, so a change on either side (a renamed column, a type that
 * changed, partition values read back with another type) fails a test before it fails a dashboard.
 * Nullability is left to the expectations: Spark reads every Parquet column back as nullable.
 */
public record DataContract(String name, StructType schema, QualityGate expectations) {

  /** What a check found; {@link #ok()} when nothing. */
  public record Report(List<String> schemaViolations, Map<String, Long> failuresByRule) {
    public boolean ok() {
      return schemaViolations.isEmpty() && failuresByRule.values().stream().allMatch(n -> n == 0);
    }
  }

  // tag::contract-check[]
  /** Checks the schema first; the expectations only run on data that has the contract's columns. */
  public Report check(Dataset<Row> data) {
    List<String> violations = schemaViolations(schema, data.schema());
    if (!violations.isEmpty()) {
      return new Report(violations, Map.of());
    }
    try (QualityGate.Result r = expectations.apply(data)) {
      return new Report(List.of(), new LinkedHashMap<>(r.failuresByRule()));
    }
  }

  /** Missing columns, changed types and unexpected columns, one message each, by name. */
  public static List<String> schemaViolations(StructType expected, StructType actual) {
    List<String> out = new ArrayList<>();
    Set<String> expectedNames = new TreeSet<>();
    for (StructField e : expected.fields()) {
      expectedNames.add(e.name());
      if (!Set.of(actual.fieldNames()).contains(e.name())) {
        out.add("missing column " + e.name());
      } else {
        StructField a = actual.apply(e.name());
        if (!a.dataType().equals(e.dataType())) {
          out.add(
              "column "
                  + e.name()
                  + ": expected "
                  + e.dataType().simpleString()
                  + ", got "
                  + a.dataType().simpleString());
        }
      }
    }
    for (String a : actual.fieldNames()) {
      if (!expectedNames.contains(a)) {
        out.add("unexpected column " + a);
      }
    }
    return out;
  }
  // end::contract-check[]
}
