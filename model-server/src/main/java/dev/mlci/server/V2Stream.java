package dev.mlci.server;

import java.util.Arrays;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.ObjectMapper;

/**
 * The common V2 inference request read straight from its bytes into a {@link Batch}, without a JSON
 * tree: one numeric tensor {@code [N, columns]} of plain numbers, as the examples, the benchmarks
 * and most clients send it. On the ceiling benchmark's single-row request the tree (built, then
 * walked node by node into the batch) was about a third of the server's CPU (BENCHMARKS.md).
 *
 * <p>Only requests whose answer does not depend on the path taken are read here: an object of
 * {@code inputs} (one tensor of {@code name}, {@code datatype}, {@code shape}, {@code data}) and an
 * optional string {@code id}; no {@code outputs} or {@code parameters}, no duplicate keys, numbers
 * that parse to finite doubles (or NaN and {@code null}: missing, as {@link MissingValues} says), a
 * shape and row count the tree path accepts. Anything else — another form, a value out of range,
 * malformed JSON, a body beyond the parser's limits — returns null, and the tree path ({@link
 * V2Codec#decode}) reads the request and answers it, with its messages. The two paths give the same
 * batch for every request read here (V2StreamTest).
 */
final class V2Stream {
  /**
   * A request read here.
   *
   * @param batch its rows
   * @param id its {@code id}, or null when it has none
   */
  record Request(Batch batch, String id) {}

  private final ObjectMapper json;
  private final Cells cells;
  private final boolean allNumeric;

  V2Stream(ObjectMapper json, Cells cells) {
    this.json = json;
    this.cells = cells;
    boolean numeric = true;
    for (int c = 0; c < cells.width(); c++) {
      numeric &= cells.numeric(c);
    }
    this.allNumeric = numeric;
  }

  /** The request in {@code body}, or null when the tree path is to read it. */
  Request read(byte[] body) {
    if (!allNumeric) {
      return null;
    }
    try (JsonParser p = json.createParser(body)) {
      return request(p);
    } catch (JacksonException e) {
      return null; // malformed, or beyond the limits: the tree path says which
    }
  }

  private Request request(JsonParser p) {
    if (p.nextToken() != JsonToken.START_OBJECT) {
      return null;
    }
    Tensor tensor = null;
    String id = null;
    boolean seenId = false;
    for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
      String key = p.currentName();
      JsonToken value = p.nextToken();
      if (key.equals("inputs") && tensor == null) {
        tensor = inputs(p, value);
        if (tensor == null) {
          return null;
        }
      } else if (key.equals("id") && !seenId) {
        seenId = true;
        if (value == JsonToken.VALUE_STRING) {
          id = p.getString();
        } else if (value != JsonToken.VALUE_NULL) {
          return null;
        }
      } else {
        return null;
      }
    }
    if (tensor == null || p.nextToken() != null) {
      return null;
    }
    return tensor.batch(id);
  }

  /** The one tensor of {@code inputs}, or null. */
  private Tensor inputs(JsonParser p, JsonToken value) {
    if (value != JsonToken.START_ARRAY || p.nextToken() != JsonToken.START_OBJECT) {
      return null;
    }
    Tensor tensor = new Tensor();
    for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
      String key = p.currentName();
      JsonToken v = p.nextToken();
      boolean ok =
          switch (key) {
            case "name" -> tensor.name == null && v == JsonToken.VALUE_STRING && tensor.name(p);
            case "datatype" ->
                tensor.datatype == null && v == JsonToken.VALUE_STRING && tensor.datatype(p);
            case "shape" -> tensor.shape == null && v == JsonToken.START_ARRAY && tensor.shape(p);
            case "data" -> tensor.data == null && v == JsonToken.START_ARRAY && tensor.data(p);
            default -> false;
          };
      if (!ok) {
        return null;
      }
    }
    if (p.nextToken() != JsonToken.END_ARRAY) {
      return null; // more than one tensor: the per-column form
    }
    return tensor.complete() ? tensor : null;
  }

  /** The fields of the one tensor as they are read. */
  private final class Tensor {
    String name;
    String datatype;
    long[] shape;
    double[] data;
    int size;

    boolean name(JsonParser p) {
      name = p.getString();
      // A tensor named for a column is the per-column form.
      return !cells.has(name);
    }

    boolean datatype(JsonParser p) {
      datatype = p.getString();
      return V2Codec.isNumeric(datatype);
    }

    boolean shape(JsonParser p) {
      long[] s = new long[2];
      int n = 0;
      for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
        if (t != JsonToken.VALUE_NUMBER_INT || n == 2) {
          return false;
        }
        JsonParser.NumberType type = p.getNumberType();
        if (type != JsonParser.NumberType.INT && type != JsonParser.NumberType.LONG) {
          return false;
        }
        long d = p.getLongValue();
        if (d < 1 || d > 1_000_000) {
          return false;
        }
        s[n++] = d;
      }
      shape = s;
      return n == 2 && s[1] == cells.width() && s[0] <= cells.maxRows();
    }

    /** The values, at any nesting, in order; false at anything but a plain number or null. */
    boolean data(JsonParser p) {
      data = new double[Math.max(16, cells.width())];
      int depth = 1;
      while (depth > 0) {
        JsonToken t = p.nextToken();
        if (t == null) {
          return false;
        }
        double v;
        switch (t) {
          case START_ARRAY -> {
            depth++;
            continue;
          }
          case END_ARRAY -> {
            depth--;
            continue;
          }
          case VALUE_NULL -> v = Double.NaN;
          case VALUE_NUMBER_INT -> {
            JsonParser.NumberType type = p.getNumberType();
            if (type != JsonParser.NumberType.INT && type != JsonParser.NumberType.LONG) {
              return false;
            }
            v = p.getLongValue();
          }
          case VALUE_NUMBER_FLOAT -> {
            // As the tree reads it: a float32 as a float, BigDecimal left to the tree path.
            JsonParser.NumberTypeFP type = p.getNumberTypeFP();
            if (type == JsonParser.NumberTypeFP.BIG_DECIMAL) {
              return false;
            }
            v = type == JsonParser.NumberTypeFP.FLOAT32 ? p.getFloatValue() : p.getDoubleValue();
            if (Double.isInfinite(v)) {
              return false;
            }
          }
          default -> {
            return false;
          }
        }
        if (size == data.length) {
          data = Arrays.copyOf(data, 2 * size);
        }
        data[size++] = v;
      }
      return true;
    }

    boolean complete() {
      return name != null
          && datatype != null
          && shape != null
          && data != null
          && size == shape[0] * shape[1];
    }

    Request batch(String id) {
      int rows = (int) shape[0];
      int width = cells.width();
      double[][] numeric = new double[rows][];
      for (int r = 0; r < rows; r++) {
        numeric[r] = Arrays.copyOfRange(data, r * width, (r + 1) * width);
      }
      return new Request(new Batch(rows, numeric, new String[rows][width]), id);
    }
  }
}
