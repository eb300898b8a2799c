package dev.mlci.core.config;

import dev.mlci.core.errors.BadInputException;
import dev.mlci.core.errors.Docs;
import dev.mlci.core.errors.Problem;
import java.math.BigInteger;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;
import org.snakeyaml.engine.v2.schema.CoreSchema;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * A YAML document read into a JSON tree that remembers where each value came from, so validation
 * errors can name the line and column. Locations are keyed by JSON Pointer ({@code
 * /model/params/epochs}).
 *
 * <p>Hostile input is bounded: the file size, the number of aliases, the number of nodes and the
 * nesting depth are limited, so a "billion laughs" document is refused instead of exhausting
 * memory.
 */
final class YamlDocument {

  /** Largest ml.yaml we read, in characters. A real one is a few hundred bytes. */
  static final int MAX_CHARS = 1 << 20;

  /** Most alias references to collections we follow. */
  static final int MAX_ALIASES = 10;

  /** Most values (scalars, mappings, sequences) a document may expand to. */
  static final int MAX_NODES = 10_000;

  /** Deepest nesting accepted. */
  static final int MAX_DEPTH = 32;

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private final String file;
  private final JsonNode root;
  private final Map<String, Position> values;
  private final Map<String, Position> keys;

  /** A 1-based line and column. */
  record Position(int line, int column) {
    static Position of(Optional<Mark> mark) {
      return mark.map(m -> new Position(m.getLine() + 1, m.getColumn() + 1))
          .orElse(new Position(0, 0));
    }
  }

  private YamlDocument(
      String file, JsonNode root, Map<String, Position> values, Map<String, Position> keys) {
    this.file = file;
    this.root = root;
    this.values = values;
    this.keys = keys;
  }

  /**
   * Parses {@code text}.
   *
   * @param file the name used in error messages
   * @throws BadInputException when the text is not one well-formed YAML mapping within the limits
   */
  static YamlDocument parse(String file, String text) throws BadInputException {
    if (text.length() > MAX_CHARS) {
      throw new BadInputException(
          Problem.in(
              file,
              "",
              "the file is " + text.length() + " characters long; the limit is " + MAX_CHARS + ".",
              "ml.yaml describes a model in a few lines; keep data in the CSV files it points to."));
    }
    LoadSettings settings =
        LoadSettings.builder()
            .setLabel(file)
            .setSchema(new CoreSchema())
            .setMaxAliasesForCollections(MAX_ALIASES)
            .setAllowRecursiveKeys(false)
            .setCodePointLimit(MAX_CHARS * 4)
            .setUseMarks(true)
            .build();
    Node node;
    try {
      Iterable<Node> documents = new Compose(settings).composeAllFromString(text);
      node = null;
      int count = 0;
      for (Node document : documents) {
        if (++count > 1) {
          throw new BadInputException(
              Problem.atLine(
                  file,
                  Position.of(document.getStartMark()).line(),
                  "",
                  "the file holds more than one YAML document ('---').",
                  "keep a single document in ml.yaml."));
        }
        node = document;
      }
    } catch (MarkedYamlEngineException e) {
      Position at = Position.of(e.getProblemMark().or(e::getContextMark));
      String what = e.getProblem() == null ? "invalid YAML" : e.getProblem();
      throw new BadInputException(
          Problem.at(
              file,
              at.line(),
              at.column(),
              "",
              "this is not valid YAML: " + what + ".",
              "check the indentation and quoting around this place; a YAML linter shows the exact spot."));
    } catch (YamlEngineException e) {
      throw new BadInputException(
          Problem.in(
              file,
              "",
              "the YAML cannot be read: " + e.getMessage() + ".",
              "remove YAML anchors and aliases ('&name', '*name') and write the values out."));
    }
    if (node == null) {
      throw new BadInputException(
          Problem.in(
              file,
              "",
              "the file is empty.",
              "start from an example: "
                  + Docs.EXAMPLE_ML_YAML
                  + " (reference: "
                  + Docs.ML_YAML
                  + ")."));
    }
    if (!(node instanceof MappingNode)) {
      Position at = Position.of(node.getStartMark());
      throw new BadInputException(
          Problem.at(
              file,
              at.line(),
              at.column(),
              "",
              "the top level must be a mapping of keys such as 'name', 'task', 'data' and 'model'.",
              "start from an example: "
                  + Docs.EXAMPLE_ML_YAML
                  + " (reference: "
                  + Docs.ML_YAML
                  + ")."));
    }
    Converter converter = new Converter(file);
    JsonNode root = converter.convert(node, "", 0);
    return new YamlDocument(file, root, converter.values, converter.keys);
  }

  String file() {
    return file;
  }

  JsonNode root() {
    return root;
  }

  /** Where the value at {@code pointer} starts, or where its nearest present ancestor does. */
  Position valueAt(String pointer) {
    String p = pointer;
    while (true) {
      Position pos = values.get(p);
      if (pos != null) {
        return pos;
      }
      if (p.isEmpty()) {
        return new Position(1, 1);
      }
      p = p.substring(0, p.lastIndexOf('/'));
    }
  }

  /** Where the key of the property at {@code pointer} is written, else where its value is. */
  Position keyAt(String pointer) {
    Position pos = keys.get(pointer);
    return pos != null ? pos : valueAt(pointer);
  }

  /** Builds the JSON tree and the location maps. */
  private static final class Converter {
    private final String file;
    private final Map<String, Position> values = new HashMap<>();
    private final Map<String, Position> keys = new HashMap<>();
    private int nodes;

    Converter(String file) {
      this.file = file;
    }

    JsonNode convert(Node node, String pointer, int depth) throws BadInputException {
      Position at = Position.of(node.getStartMark());
      if (++nodes > MAX_NODES || depth > MAX_DEPTH) {
        throw new BadInputException(
            Problem.at(
                file,
                at.line(),
                at.column(),
                "",
                "the document expands to more than "
                    + MAX_NODES
                    + " values or nests deeper than "
                    + MAX_DEPTH
                    + " levels.",
                "ml.yaml is a short file; remove anchors and aliases and write the values out."));
      }
      values.putIfAbsent(pointer, at);
      if (node instanceof MappingNode mapping) {
        ObjectNode object = NODES.objectNode();
        Map<String, Position> seen = new HashMap<>();
        for (NodeTuple tuple : mapping.getValue()) {
          Node keyNode = tuple.getKeyNode();
          Position keyAt = Position.of(keyNode.getStartMark());
          if (!(keyNode instanceof ScalarNode scalarKey)) {
            throw new BadInputException(
                Problem.at(
                    file,
                    keyAt.line(),
                    keyAt.column(),
                    "",
                    "a key must be a plain word, not a list or a mapping.",
                    "write the key as text, e.g. 'name:'."));
          }
          String key = scalarKey.getValue();
          String child = pointer + "/" + escape(key);
          Position previous = seen.put(key, keyAt);
          if (previous != null) {
            throw new BadInputException(
                Problem.at(
                    file,
                    keyAt.line(),
                    keyAt.column(),
                    displayPath(child),
                    "the key '" + key + "' appears twice (first on line " + previous.line() + ").",
                    "keep one of them."));
          }
          keys.put(child, keyAt);
          object.set(key, convert(tuple.getValueNode(), child, depth + 1));
        }
        return object;
      }
      if (node instanceof SequenceNode sequence) {
        ArrayNode array = NODES.arrayNode();
        List<Node> items = sequence.getValue();
        for (int i = 0; i < items.size(); i++) {
          array.add(convert(items.get(i), pointer + "/" + i, depth + 1));
        }
        return array;
      }
      ScalarNode scalar = (ScalarNode) node;
      try {
        return scalar(scalar);
      } catch (NumberFormatException e) {
        throw new BadInputException(
            Problem.at(
                file,
                at.line(),
                at.column(),
                displayPath(pointer),
                "'"
                    + scalar.getValue()
                    + "' is tagged "
                    + scalar.getTag()
                    + " but is not such a number.",
                "remove the tag (e.g. '!!int') and write a plain number."));
      }
    }

    private static JsonNode scalar(ScalarNode scalar) {
      Tag tag = scalar.getTag();
      String text = scalar.getValue();
      if (Tag.NULL.equals(tag)) {
        return NODES.nullNode();
      }
      if (Tag.BOOL.equals(tag)) {
        return NODES.booleanNode(text.equalsIgnoreCase("true"));
      }
      if (Tag.INT.equals(tag)) {
        BigInteger value = parseInteger(text);
        return value.bitLength() < 64
            ? NODES.numberNode(value.longValue())
            : NODES.numberNode(value);
      }
      if (Tag.FLOAT.equals(tag)) {
        return NODES.numberNode(parseFloat(text));
      }
      return NODES.stringNode(text);
    }

    private static BigInteger parseInteger(String text) {
      String t = text.replace("_", "");
      boolean negative = t.startsWith("-");
      if (t.startsWith("-") || t.startsWith("+")) {
        t = t.substring(1);
      }
      BigInteger value;
      if (t.startsWith("0x")) {
        value = new BigInteger(t.substring(2), 16);
      } else if (t.startsWith("0o")) {
        value = new BigInteger(t.substring(2), 8);
      } else {
        value = new BigInteger(t);
      }
      return negative ? value.negate() : value;
    }

    private static double parseFloat(String text) {
      String t = text.toLowerCase(Locale.ROOT);
      return switch (t) {
        case ".inf", "+.inf" -> Double.POSITIVE_INFINITY;
        case "-.inf" -> Double.NEGATIVE_INFINITY;
        case ".nan" -> Double.NaN;
        default -> Double.parseDouble(t);
      };
    }
  }

  /** Escapes a key for use in a JSON Pointer (RFC 6901). */
  static String escape(String key) {
    return key.replace("~", "~0").replace("/", "~1");
  }

  /**
   * {@code /model/params/epochs} becomes {@code model.params.epochs}; array indices become {@code
   * [0]}.
   */
  static String displayPath(String pointer) {
    if (pointer.isEmpty()) {
      return "";
    }
    StringBuilder sb = new StringBuilder();
    for (String part : pointer.substring(1).split("/", -1)) {
      String key = part.replace("~1", "/").replace("~0", "~");
      if (!key.isEmpty() && key.chars().allMatch(Character::isDigit)) {
        sb.append('[').append(key).append(']');
      } else {
        if (sb.length() > 0) {
          sb.append('.');
        }
        sb.append(key);
      }
    }
    return sb.toString();
  }
}
