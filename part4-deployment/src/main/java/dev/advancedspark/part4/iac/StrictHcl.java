package dev.advancedspark.part4.iac;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A strict parser for the subset of HCL (Terraform's native syntax) that this module's Terraform
 * files use: blocks with labels, attributes, strings, numbers, booleans, {@code null}, lists,
 * objects, references ({@code var.x}, {@code aws_emr_cluster.c.id}) and function calls ({@code
 * jsonencode(...)}). Anything else (operators, conditionals, heredocs, {@code for} expressions,
 * string templates with {@code ${...}}) is refused with its line and column, as is every syntax
 * error: an unclosed brace, an attribute without a value, a missing comma or bracket, a duplicate
 * attribute.
 *
 * <p>Why not a library: {@code hcl4j} 0.9.4, the HCL parser on Maven Central, accepted an unclosed
 * block, an attribute without a value and an unclosed list when tried here (README, "Terraform"),
 * so a policy test built on it could pass on a file {@code terraform} refuses. A full second
 * parser, npm {@code @cdktf/hcl2json}, runs in {@code ci/offline-checks.sh}.
 */
public final class StrictHcl {

  /** A syntax error, with where it is. */
  public static final class HclException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    HclException(String source, int line, int col, String message) {
      super(source + ":" + line + ":" + col + ": " + message);
    }
  }

  /** A block: {@code type "label" "label" { body }}. */
  public record Block(String type, List<String> labels, Body body, int line) {}

  /** Attributes (in order) and nested blocks. */
  public record Body(Map<String, Object> attributes, List<Block> blocks) {
    public List<Block> blocks(String type) {
      return blocks.stream().filter(b -> b.type().equals(type)).toList();
    }

    public Block block(String type) {
      List<Block> found = blocks(type);
      if (found.size() != 1) {
        throw new IllegalStateException("expected one '" + type + "' block, found " + found.size());
      }
      return found.get(0);
    }
  }

  /** A reference such as {@code var.subnet_id}: kept as text. */
  public record Reference(String path) {}

  /** A function call such as {@code jsonencode([...])}. */
  public record Call(String function, List<Object> args) {}

  private enum T {
    IDENT,
    NUMBER,
    STRING,
    PUNCT,
    NEWLINE,
    EOF
  }

  private record Token(T type, String text, int line, int col) {}

  private final String source;
  private final List<Token> tokens;
  private int pos;

  private StrictHcl(String source, String text) {
    this.source = source;
    this.tokens = tokenize(text);
  }

  /** Parses a whole file; throws {@link HclException} on the first error. */
  public static Body parse(String source, String text) {
    StrictHcl p = new StrictHcl(source, text);
    Body body = p.body(true);
    p.expect(T.EOF, null);
    return body;
  }

  // ---- tokens ----

  private List<Token> tokenize(String s) {
    List<Token> out = new ArrayList<>();
    int line = 1;
    int lineStart = 0;
    int i = 0;
    while (i < s.length()) {
      char c = s.charAt(i);
      int col = i - lineStart + 1;
      if (c == '\n') {
        out.add(new Token(T.NEWLINE, "\\n", line, col));
        line++;
        lineStart = ++i;
      } else if (c == ' ' || c == '\t' || c == '\r') {
        i++;
      } else if (c == '#' || (c == '/' && i + 1 < s.length() && s.charAt(i + 1) == '/')) {
        while (i < s.length() && s.charAt(i) != '\n') {
          i++;
        }
      } else if (c == '/' && i + 1 < s.length() && s.charAt(i + 1) == '*') {
        int end = s.indexOf("*/", i + 2);
        if (end < 0) {
          throw new HclException(source, line, col, "unclosed /* comment");
        }
        for (int k = i; k < end; k++) {
          if (s.charAt(k) == '\n') {
            line++;
            lineStart = k + 1;
          }
        }
        i = end + 2;
      } else if (c == '"') {
        StringBuilder sb = new StringBuilder();
        int j = i + 1;
        while (true) {
          if (j >= s.length() || s.charAt(j) == '\n') {
            throw new HclException(source, line, col, "unterminated string");
          }
          char d = s.charAt(j);
          if (d == '"') {
            break;
          }
          if (d == '\\' && j + 1 < s.length()) {
            char e = s.charAt(j + 1);
            sb.append(
                switch (e) {
                  case 'n' -> '\n';
                  case 't' -> '\t';
                  case '"', '\\' -> e;
                  default ->
                      throw new HclException(
                          source, line, j - lineStart + 1, "unknown escape \\" + e);
                });
            j += 2;
            continue;
          }
          if ((d == '$' || d == '%') && j + 1 < s.length() && s.charAt(j + 1) == '{') {
            throw new HclException(
                source, line, j - lineStart + 1, "string templates are not in the subset");
          }
          sb.append(d);
          j++;
        }
        out.add(new Token(T.STRING, sb.toString(), line, col));
        i = j + 1;
      } else if (Character.isDigit(c)) {
        int j = i;
        while (j < s.length() && (Character.isDigit(s.charAt(j)) || s.charAt(j) == '.')) {
          j++;
        }
        out.add(new Token(T.NUMBER, s.substring(i, j), line, col));
        i = j;
      } else if (Character.isLetter(c) || c == '_') {
        int j = i;
        while (j < s.length()
            && (Character.isLetterOrDigit(s.charAt(j))
                || s.charAt(j) == '_'
                || s.charAt(j) == '-')) {
          j++;
        }
        out.add(new Token(T.IDENT, s.substring(i, j), line, col));
        i = j;
      } else if ("{}[]()=,.:".indexOf(c) >= 0) {
        out.add(new Token(T.PUNCT, String.valueOf(c), line, col));
        i++;
      } else if (c == '<' && s.startsWith("<<", i)) {
        throw new HclException(source, line, col, "heredocs are not in the subset");
      } else {
        throw new HclException(
            source, line, col, "'" + c + "' is not in the subset (operators, conditionals)");
      }
    }
    out.add(new Token(T.EOF, "end of file", line, i - lineStart + 1));
    return out;
  }

  private Token peek() {
    return tokens.get(pos);
  }

  private boolean at(T type, String text) {
    Token t = peek();
    return t.type() == type && (text == null || t.text().equals(text));
  }

  private Token expect(T type, String text) {
    Token t = peek();
    if (!at(type, text)) {
      String want =
          text != null
              ? "'" + text + "'"
              : type == T.NEWLINE ? "a line break" : type.name().toLowerCase();
      String got = t.type() == T.NEWLINE ? "a line break" : "'" + t.text() + "'";
      throw new HclException(source, t.line(), t.col(), "expected " + want + ", found " + got);
    }
    pos++;
    return t;
  }

  private void skipNewlines() {
    while (at(T.NEWLINE, null)) {
      pos++;
    }
  }

  // ---- grammar ----

  private Body body(boolean topLevel) {
    Map<String, Object> attributes = new LinkedHashMap<>();
    List<Block> blocks = new ArrayList<>();
    while (true) {
      skipNewlines();
      if (topLevel ? at(T.EOF, null) : at(T.PUNCT, "}")) {
        return new Body(attributes, blocks);
      }
      if (at(T.EOF, null)) {
        Token t = peek();
        throw new HclException(source, t.line(), t.col(), "expected '}', found end of file");
      }
      Token name = expect(T.IDENT, null);
      if (at(T.PUNCT, "=")) {
        pos++;
        if (attributes.containsKey(name.text())) {
          throw new HclException(
              source, name.line(), name.col(), "duplicate attribute '" + name.text() + "'");
        }
        attributes.put(name.text(), expression());
      } else {
        List<String> labels = new ArrayList<>();
        while (at(T.STRING, null) || at(T.IDENT, null)) {
          labels.add(tokens.get(pos++).text());
        }
        expect(T.PUNCT, "{");
        Body inner = body(false);
        expect(T.PUNCT, "}");
        blocks.add(new Block(name.text(), labels, inner, name.line()));
      }
      boolean singleLineBlockEnd = !topLevel && at(T.PUNCT, "}");
      if (!at(T.EOF, null) && !singleLineBlockEnd) {
        expect(T.NEWLINE, null);
      }
    }
  }

  private Object expression() {
    Token t = peek();
    Object value;
    switch (t.type()) {
      case STRING -> {
        pos++;
        value = t.text();
      }
      case NUMBER -> {
        pos++;
        try {
          value = Double.parseDouble(t.text());
        } catch (NumberFormatException e) {
          throw new HclException(source, t.line(), t.col(), "bad number '" + t.text() + "'");
        }
      }
      case IDENT -> {
        pos++;
        value =
            switch (t.text()) {
              case "true" -> Boolean.TRUE;
              case "false" -> Boolean.FALSE;
              case "null" -> null;
              default -> at(T.PUNCT, "(") ? call(t.text()) : reference(t.text());
            };
      }
      case PUNCT -> {
        if (t.text().equals("[")) {
          value = list();
        } else if (t.text().equals("{")) {
          value = object();
        } else {
          throw new HclException(
              source, t.line(), t.col(), "expected a value, found '" + t.text() + "'");
        }
      }
      default -> {
        String got = t.type() == T.NEWLINE ? "a line break" : t.text();
        throw new HclException(source, t.line(), t.col(), "expected a value, found " + got);
      }
    }
    return value;
  }

  private Reference reference(String first) {
    StringBuilder path = new StringBuilder(first);
    while (at(T.PUNCT, ".")) {
      pos++;
      path.append('.').append(expect(T.IDENT, null).text());
    }
    return new Reference(path.toString());
  }

  private Call call(String function) {
    expect(T.PUNCT, "(");
    List<Object> args = new ArrayList<>();
    skipNewlines();
    while (!at(T.PUNCT, ")")) {
      args.add(expression());
      skipNewlines();
      if (!at(T.PUNCT, ")")) {
        expect(T.PUNCT, ",");
        skipNewlines();
      }
    }
    expect(T.PUNCT, ")");
    return new Call(function, args);
  }

  private List<Object> list() {
    expect(T.PUNCT, "[");
    List<Object> items = new ArrayList<>();
    skipNewlines();
    while (!at(T.PUNCT, "]")) {
      items.add(expression());
      skipNewlines();
      if (!at(T.PUNCT, "]")) {
        expect(T.PUNCT, ",");
        skipNewlines();
      }
    }
    expect(T.PUNCT, "]");
    return items;
  }

  private Map<String, Object> object() {
    Token open = expect(T.PUNCT, "{");
    Map<String, Object> items = new LinkedHashMap<>();
    skipNewlines();
    while (!at(T.PUNCT, "}")) {
      Token key = peek();
      if (key.type() != T.IDENT && key.type() != T.STRING) {
        throw new HclException(
            source, key.line(), key.col(), "expected a key, found '" + key.text() + "'");
      }
      pos++;
      if (at(T.PUNCT, "=") || at(T.PUNCT, ":")) {
        pos++;
      } else {
        expect(T.PUNCT, "=");
      }
      if (items.containsKey(key.text())) {
        throw new HclException(source, key.line(), key.col(), "duplicate key '" + key.text() + "'");
      }
      items.put(key.text(), expression());
      if (at(T.PUNCT, ",")) {
        pos++;
      } else if (!at(T.PUNCT, "}")) {
        expect(T.NEWLINE, null);
      }
      skipNewlines();
      if (at(T.EOF, null)) {
        throw new HclException(source, open.line(), open.col(), "'{' is never closed");
      }
    }
    expect(T.PUNCT, "}");
    return items;
  }
}
