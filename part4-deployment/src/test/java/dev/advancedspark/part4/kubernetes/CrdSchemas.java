package dev.advancedspark.part4.kubernetes;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * JSON schemas from the operators' vendored CustomResourceDefinitions, made strict.
 *
 * <p>A CRD's {@code openAPIV3Schema} is close to JSON Schema draft 4. The API server also prunes
 * (silently drops) fields the schema does not list, so a misspelled field such as {@code
 * mainApplicationFle} is accepted and lost; {@code kubectl apply --validate=strict} rejects it.
 * {@link #strict} does what strict mode does: {@code additionalProperties: false} on every object
 * schema that lists {@code properties}, unless it says {@code x-kubernetes-preserve-unknown-fields}
 * (free-form fields such as Kubeflow's {@code driver.template} stay free-form).
 */
final class CrdSchemas {

  static final String KUBEFLOW_CRD = "crds/kubeflow-sparkoperator.k8s.io_sparkapplications.yaml";
  static final String APACHE_CRD = "crds/apache-sparkapplications.spark.apache.org-v1.yaml";

  private static final YAMLMapper YAML = new YAMLMapper();

  private CrdSchemas() {}

  /** The strict schema of one version of a vendored CRD (a resource next to this class). */
  static JsonNode openApiSchema(String crdResource, String version) {
    try (InputStream in = CrdSchemas.class.getResourceAsStream(crdResource)) {
      if (in == null) {
        throw new IllegalStateException("missing test resource " + crdResource);
      }
      JsonNode crd = YAML.readTree(in);
      for (JsonNode v : crd.path("spec").path("versions")) {
        if (version.equals(v.path("name").asString())) {
          ObjectNode root =
              (ObjectNode) strict(v.path("schema").path("openAPIV3Schema").deepCopy());
          // The API server accepts these on every custom resource, listed in the CRD or not.
          ObjectNode props = (ObjectNode) root.path("properties");
          props.putIfAbsent("apiVersion", YAML.createObjectNode().put("type", "string"));
          props.putIfAbsent("kind", YAML.createObjectNode().put("type", "string"));
          props.putIfAbsent("metadata", YAML.createObjectNode().put("type", "object"));
          return root;
        }
      }
      throw new IllegalArgumentException(crdResource + " has no version " + version);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Adds {@code additionalProperties: false} where the API server would prune unknown fields. */
  static JsonNode strict(JsonNode schema) {
    if (!(schema instanceof ObjectNode node)) {
      return schema;
    }
    boolean preserve = node.path("x-kubernetes-preserve-unknown-fields").asBoolean(false);
    if (node.has("properties") && !node.has("additionalProperties") && !preserve) {
      node.put("additionalProperties", false);
    }
    for (String key : List.of("properties", "patternProperties")) {
      if (node.get(key) instanceof ObjectNode props) {
        props.forEachEntry((name, child) -> strict(child));
      }
    }
    for (String key : List.of("items", "additionalProperties", "not")) {
      strict(node.get(key));
    }
    for (String key : List.of("anyOf", "allOf", "oneOf")) {
      node.path(key).forEach(CrdSchemas::strict);
    }
    return node;
  }

  static Schema compile(JsonNode schema) {
    return SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_4).getSchema(schema);
  }

  static JsonNode readYaml(Path file) {
    try {
      return YAML.readTree(Files.readString(file));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static JsonNode readYaml(String text) {
    return YAML.readTree(text);
  }

  /** The validation errors, one line each ({@code /spec/driver: property 'x' is not defined}). */
  static List<String> validate(Schema schema, JsonNode document) {
    return schema.validate(document).stream().map(Error::toString).toList();
  }
}
