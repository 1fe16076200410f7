package dev.advancedspark.part4.iac;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.advancedspark.part4.iac.StrictHcl.Body;
import dev.advancedspark.part4.iac.StrictHcl.Call;
import dev.advancedspark.part4.iac.StrictHcl.HclException;
import dev.advancedspark.part4.iac.StrictHcl.Reference;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class StrictHclTest {

  @Test
  void parsesBlocksAttributesAndValues() {
    Body body =
        StrictHcl.parse(
            "t.tf",
            String.join(
                "\n",
                "# comment",
                "resource \"aws_emr_cluster\" \"c\" {",
                "  name  = \"daily\" // trailing comment",
                "  count = 2",
                "  on    = true",
                "  subnet = var.subnet_id",
                "  apps  = [\"Spark\", \"Hadoop\"]",
                "  tags = {",
                "    team        = \"data\"",
                "    cost-center = \"analytics\"",
                "  }",
                "  conf = jsonencode([{ A = \"b\" }])",
                "  inner { x = 1 }",
                "}",
                ""));
    StrictHcl.Block c = body.block("resource");
    assertThat(c.labels()).containsExactly("aws_emr_cluster", "c");
    Map<String, Object> a = c.body().attributes();
    assertThat(a)
        .containsEntry("name", "daily")
        .containsEntry("count", 2.0)
        .containsEntry("on", true)
        .containsEntry("subnet", new Reference("var.subnet_id"))
        .containsEntry("apps", List.of("Spark", "Hadoop"))
        .containsEntry("tags", Map.of("team", "data", "cost-center", "analytics"));
    assertThat(a.get("conf")).isEqualTo(new Call("jsonencode", List.of(List.of(Map.of("A", "b")))));
    assertThat(c.body().block("inner").body().attributes()).containsEntry("x", 1.0);
  }

  /** Each of these is a file terraform refuses; hcl4j 0.9.4 accepted the first three. */
  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "unclosed block      | resource \"a\" \"b\" {\\n  x = 1\\n                      | t.tf:3:1: expected '}', found end of file",
        "attribute, no value | resource \"a\" \"b\" {\\n  x =\\n}\\n                 | t.tf:2:6: expected a value, found a line break",
        "unclosed list       | resource \"a\" \"b\" {\\n  x = [1, 2\\n}\\n          | t.tf:3:1: expected ',', found '}'",
        "unterminated string | resource \"a\" \"b\" {\\n  x = \"abc\\n}\\n          | t.tf:2:7: unterminated string",
        "two on a line       | resource \"a\" \"b\" {\\n  x = 1 y = 2\\n}\\n        | t.tf:2:9: expected a line break, found 'y'",
        "duplicate attribute | resource \"a\" \"b\" {\\n  x = 1\\n  x = 2\\n}\\n   | t.tf:3:3: duplicate attribute 'x'",
        "stray brace         | resource \"a\" \"b\" {\\n  x = 1\\n}\\n}\\n          | t.tf:4:1: expected ident, found '}'",
        "operator            | locals {\\n  x = 1 + 2\\n}\\n                          | t.tf:2:9: '+' is not in the subset (operators, conditionals)",
      })
  void aBrokenFileIsRefusedWithItsLineAndColumn(String what, String text, String message) {
    assertThatThrownBy(() -> StrictHcl.parse("t.tf", text.strip().replace("\\n", "\n")))
        .as(what)
        .isInstanceOf(HclException.class)
        .hasMessage(message.strip());
  }
}
