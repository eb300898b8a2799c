package dev.mlci.server;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The KServe Open Inference Protocol (V2) over REST: metadata, and inference requests as either one
 * tensor per input column (shape [N] or [N, 1]; FP64/FP32/INT for numeric columns, BYTES for
 * categorical ones) or one 2-D numeric tensor [N, columns] in column order; data row-major, flat or
 * nested.
 */
final class V2Codec {
  private static final JsonNodeFactory F = JsonNodeFactory.instance;
  private static final Set<String> NUMERIC_TYPES =
      Set.of(
          "FP64", "FP32", "FP16", "INT64", "INT32", "INT16", "INT8", "UINT64", "UINT32", "UINT16",
          "UINT8");

  private V2Codec() {}

  /** Whether {@code datatype} is one a numeric column accepts. */
  static boolean isNumeric(String datatype) {
    return NUMERIC_TYPES.contains(datatype);
  }

  static ObjectNode serverMetadata(String version) {
    ObjectNode n = F.objectNode();
    n.put("name", "mlci-model-server");
    n.put("version", version);
    // Triton's name for the binary tensor data extension, which every V2 endpoint here speaks.
    n.putArray("extensions").add("binary_tensor_data");
    return n;
  }

  static ObjectNode modelMetadata(LoadedModel m) {
    ObjectNode n = F.objectNode();
    n.put("name", m.name());
    n.putArray("versions").add(m.version());
    n.put("platform", platform(m.predictor().backend()));
    ArrayNode inputs = n.putArray("inputs");
    m.spec()
        .columns()
        .forEach(
            c -> {
              ObjectNode i = inputs.addObject();
              i.put("name", c.name());
              i.put(
                  "datatype",
                  c.kind() == dev.mlci.format.ColumnSpec.Kind.NUMERIC ? "FP64" : "BYTES");
              i.putArray("shape").add(-1).add(1);
            });
    ArrayNode outputs = n.putArray("outputs");
    ObjectNode main = outputs.addObject();
    main.put("name", m.outputName());
    main.put("datatype", "FP64");
    ArrayNode shape = main.putArray("shape").add(-1);
    if (m.classification()) {
      shape.add(m.spec().target().classes().size());
      ObjectNode label = outputs.addObject();
      label.put("name", "label");
      label.put("datatype", "BYTES");
      label.putArray("shape").add(-1);
    }
    // The spec allows only string, number and boolean parameter values: lists are JSON text.
    ObjectNode parameters = n.putObject("parameters");
    if (m.classification()) {
      ArrayNode classes = F.arrayNode();
      m.spec().target().classes().forEach(classes::add);
      parameters.put("classes", classes.toString());
    }
    boolean allNumeric =
        m.spec().columns().stream()
            .allMatch(c -> c.kind() == dev.mlci.format.ColumnSpec.Kind.NUMERIC);
    if (allNumeric) {
      // Advertised only where it is accepted: a model with categorical columns takes one tensor
      // per column.
      ArrayNode columns = F.arrayNode();
      m.spec().columns().forEach(c -> columns.add(c.name()));
      parameters.put(
          "matrix_input",
          "one numeric tensor of shape [N, "
              + m.spec().columns().size()
              + "] with the columns in input order is accepted instead of one tensor per column");
      parameters.put("input_order", columns.toString());
    }
    return n;
  }

  /**
   * The V2 {@code platform}, {@code <project>_<format>} as the protocol asks: {@code onnx_onnxv1}
   * (ONNX Runtime, ONNX file), {@code tribuo_javaserialized} (Tribuo, its Java-serialised model
   * file), {@code pytorch_mlcimlp} (DJL's PyTorch engine, mlci's mlp.json with its parameters).
   */
  static String platform(String backend) {
    return switch (backend) {
      case "onnx" -> "onnx_onnxv1";
      case "tribuo" -> "tribuo_javaserialized";
      case "pytorch" -> "pytorch_mlcimlp";
      default -> backend + "_" + backend;
    };
  }

  /** Reads the inputs of an inference request. */
  static Batch decode(JsonNode request, LoadedModel m, int maxRows) throws BadRequest {
    return decode(request, new Cells(m.spec(), maxRows), m);
  }

  /** {@link #decode(JsonNode, LoadedModel, int)} with the model's {@link Cells}, built once. */
  static Batch decode(JsonNode request, Cells cells, LoadedModel m) throws BadRequest {
    if (!request.isObject()) {
      throw new BadRequest(400, "the request body must be a JSON object with an 'inputs' array");
    }
    JsonNode inputs = request.get("inputs");
    if (inputs == null || !inputs.isArray() || inputs.isEmpty()) {
      throw new BadRequest(400, "'inputs' must be a non-empty array of tensors");
    }
    Set<String> names = new HashSet<>();
    inputs.forEach(i -> names.add(i.path("name").asString("")));
    // One tensor whose name is not a column is the [N, columns] matrix form.
    boolean matrix = inputs.size() == 1 && !cells.has(names.iterator().next());
    return matrix ? matrix(inputs.get(0), cells, m) : perColumn(inputs, cells, m);
  }

  private static Batch matrix(JsonNode tensor, Cells cells, LoadedModel m) throws BadRequest {
    String name = tensor.path("name").asString("");
    long[] shape = shape(tensor);
    String datatype = tensor.path("datatype").asString("");
    if (shape.length != 2 || shape[1] != cells.width()) {
      throw new BadRequest(
          400,
          "input '"
              + BadRequest.cut(name)
              + "' is not a column; as one tensor it must have shape [N, "
              + cells.width()
              + "] (the columns "
              + cells.names()
              + " in order), got "
              + Arrays.toString(shape));
    }
    if (!NUMERIC_TYPES.contains(datatype)) {
      throw new BadRequest(
          400,
          "input '"
              + BadRequest.cut(name)
              + "': a [N, "
              + cells.width()
              + "] tensor must be FP64 or FP32, got '"
              + BadRequest.cut(datatype)
              + "'");
    }
    for (int c = 0; c < cells.width(); c++) {
      if (!cells.numeric(c)) {
        throw new BadRequest(
            400, "the model has categorical columns; send one tensor per column (BYTES for those)");
      }
    }
    Batch batch = cells.batch(shape[0]);
    int rows = (int) shape[0];
    List<JsonNode> data = flatten(tensor, shape);
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < cells.width(); c++) {
        cells.set(batch, r, c, data.get(r * cells.width() + c));
      }
    }
    return batch;
  }

  private static Batch perColumn(JsonNode inputs, Cells cells, LoadedModel m) throws BadRequest {
    int rows = -1;
    List<Integer> columns = new ArrayList<>();
    List<List<JsonNode>> values = new ArrayList<>();
    Set<Integer> seen = new HashSet<>();
    for (JsonNode tensor : inputs) {
      String name = tensor.path("name").asString("");
      int c = cells.column(name);
      if (!seen.add(c)) {
        throw new BadRequest(400, "input '" + BadRequest.cut(name) + "' is given twice");
      }
      long[] shape = shape(tensor);
      if (!(shape.length == 1 || (shape.length == 2 && shape[1] == 1))) {
        throw new BadRequest(
            400,
            "input '"
                + BadRequest.cut(name)
                + "': a column tensor has shape [N] or [N, 1], got "
                + Arrays.toString(shape));
      }
      if (rows >= 0 && shape[0] != rows) {
        throw new BadRequest(
            400,
            "input '"
                + BadRequest.cut(name)
                + "' has "
                + shape[0]
                + " rows, other inputs have "
                + rows);
      }
      rows = (int) shape[0];
      String datatype = tensor.path("datatype").asString("");
      if (cells.numeric(c) && !NUMERIC_TYPES.contains(datatype)) {
        throw new BadRequest(
            400,
            "input '"
                + BadRequest.cut(name)
                + "' is a numeric column: its datatype must be FP64, FP32 or an"
                + " integer type, got '"
                + BadRequest.cut(datatype)
                + "'");
      }
      if (!cells.numeric(c) && !datatype.equals("BYTES")) {
        throw new BadRequest(
            400,
            "input '"
                + BadRequest.cut(name)
                + "' is a categorical column: its datatype must be BYTES, got '"
                + BadRequest.cut(datatype)
                + "'");
      }
      columns.add(c);
      List<JsonNode> flat = flatten(tensor, shape);
      if (!cells.numeric(c)) {
        dev.mlci.format.ColumnSpec column = m.spec().columns().get(c);
        flat.replaceAll(v -> MissingValues.isNumpyMissing(column, v) ? F.nullNode() : v);
      }
      values.add(flat);
    }
    cells.requireAll(columns.stream().mapToInt(Integer::intValue).toArray(), "the inputs");
    Batch batch = cells.batch(rows);
    for (int k = 0; k < columns.size(); k++) {
      for (int r = 0; r < rows; r++) {
        cells.set(batch, r, columns.get(k), values.get(k).get(r));
      }
    }
    return batch;
  }

  private static long[] shape(JsonNode tensor) throws BadRequest {
    String name = tensor.path("name").asString("");
    JsonNode shape = tensor.get("shape");
    if (shape == null || !shape.isArray() || shape.isEmpty()) {
      throw new BadRequest(400, "input '" + BadRequest.cut(name) + "' needs a 'shape' array");
    }
    long[] s = new long[shape.size()];
    for (int i = 0; i < s.length; i++) {
      if (!shape.get(i).isIntegralNumber()
          || !shape.get(i).canConvertToLong()
          || shape.get(i).asLong() < 1
          || shape.get(i).asLong() > 1_000_000) {
        throw new BadRequest(
            400,
            "input '"
                + BadRequest.cut(name)
                + "': shape "
                + BadRequest.cut(shape)
                + " must hold positive integers up to 1000000");
      }
      s[i] = shape.get(i).asLong();
    }
    return s;
  }

  /** The tensor's data as a flat, row-major list, checked against its shape. */
  private static List<JsonNode> flatten(JsonNode tensor, long[] shape) throws BadRequest {
    String name = tensor.path("name").asString("");
    JsonNode data = tensor.get("data");
    if (data == null || !data.isArray()) {
      throw new BadRequest(400, "input '" + BadRequest.cut(name) + "' needs a 'data' array");
    }
    List<JsonNode> flat = new ArrayList<>();
    collect(data, flat);
    long expected = 1;
    for (long d : shape) {
      expected *= d;
    }
    if (flat.size() != expected) {
      throw new BadRequest(
          400,
          "input '"
              + BadRequest.cut(name)
              + "': shape "
              + Arrays.toString(shape)
              + " holds "
              + expected
              + " values, but 'data' has "
              + flat.size());
    }
    return flat;
  }

  private static void collect(JsonNode node, List<JsonNode> out) {
    if (node.isArray()) {
      node.forEach(n -> collect(n, out));
    } else {
      out.add(node);
    }
  }

  /** The inference response, with only the requested outputs when the request names some. */
  static ObjectNode response(JsonNode request, LoadedModel m, double[][] scores) throws BadRequest {
    return response(request, m, scores, null);
  }

  /**
   * The inference response; {@code labels} are the model's own (null: the class of each row's
   * highest score).
   */
  static ObjectNode response(JsonNode request, LoadedModel m, double[][] scores, String[] labels)
      throws BadRequest {
    Set<String> wanted = new HashSet<>();
    for (JsonNode o : request.path("outputs")) {
      wanted.add(o.path("name").asString(""));
      if (o.path("parameters").has("classification")) {
        // Silently answering probabilities to a request for top-k class strings would mislead.
        throw new BadRequest(
            400,
            "output '"
                + o.path("name").asString("")
                + "': parameters.classification (Triton's classification extension) is not"
                + " supported"
                + (m.classification()
                    ? "; request the 'label' output for the predicted class, and '"
                        + m.outputName()
                        + "' for the scores of every class"
                    : "; this regression model's output is '" + m.outputName() + "'"));
      }
    }
    Set<String> known =
        m.classification() ? Set.of(m.outputName(), "label") : Set.of(m.outputName());
    for (String w : wanted) {
      if (!known.contains(w)) {
        throw new BadRequest(
            400, "unknown output '" + BadRequest.cut(w) + "'; the model's outputs are " + known);
      }
    }
    ObjectNode n = F.objectNode();
    n.put("model_name", m.name());
    n.put("model_version", m.version());
    JsonNode id = request.get("id");
    if (id != null && !id.isNull()) {
      if (!id.isValueNode()) {
        throw new BadRequest(400, "'id' must be a string, got " + id.getNodeType());
      }
      n.put("id", id.asString());
    }
    ArrayNode outputs = n.putArray("outputs");
    int rows = scores.length;
    if (wanted.isEmpty() || wanted.contains(m.outputName())) {
      ObjectNode o = outputs.addObject();
      o.put("name", m.outputName());
      o.put("datatype", "FP64");
      ArrayNode shape = o.putArray("shape").add(rows);
      ArrayNode data = o.putArray("data");
      if (m.classification()) {
        shape.add(m.spec().target().classes().size());
        for (double[] row : scores) {
          for (double v : row) {
            data.add(v);
          }
        }
      } else {
        for (double[] row : scores) {
          data.add(row[0]);
        }
      }
    }
    if (m.classification() && (wanted.isEmpty() || wanted.contains("label"))) {
      ObjectNode o = outputs.addObject();
      o.put("name", "label");
      o.put("datatype", "BYTES");
      o.putArray("shape").add(rows);
      ArrayNode data = o.putArray("data");
      for (int r = 0; r < rows; r++) {
        data.add(labels != null ? labels[r] : m.spec().target().classes().get(argmax(scores[r])));
      }
    }
    return n;
  }

  /**
   * The bytes of {@link #response} for a request that names no outputs, written without a tree: the
   * same JSON, byte for byte, through {@code json}'s generator (V2StreamTest).
   *
   * @param id the request's {@code id}, or null for none
   */
  static byte[] responseBytes(
      ObjectMapper json, LoadedModel m, String id, double[][] scores, String[] labels) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(128 + 24 * scores.length);
    try (JsonGenerator g = json.createGenerator(out)) {
      int rows = scores.length;
      g.writeStartObject();
      g.writeStringProperty("model_name", m.name());
      g.writeStringProperty("model_version", m.version());
      if (id != null) {
        g.writeStringProperty("id", id);
      }
      g.writeArrayPropertyStart("outputs");
      g.writeStartObject();
      g.writeStringProperty("name", m.outputName());
      g.writeStringProperty("datatype", "FP64");
      g.writeArrayPropertyStart("shape");
      g.writeNumber(rows);
      if (m.classification()) {
        g.writeNumber(m.spec().target().classes().size());
      }
      g.writeEndArray();
      g.writeArrayPropertyStart("data");
      for (double[] row : scores) {
        if (m.classification()) {
          for (double v : row) {
            g.writeNumber(v);
          }
        } else {
          g.writeNumber(row[0]);
        }
      }
      g.writeEndArray();
      g.writeEndObject();
      if (m.classification()) {
        g.writeStartObject();
        g.writeStringProperty("name", "label");
        g.writeStringProperty("datatype", "BYTES");
        g.writeArrayPropertyStart("shape");
        g.writeNumber(rows);
        g.writeEndArray();
        g.writeArrayPropertyStart("data");
        for (int r = 0; r < rows; r++) {
          g.writeString(
              labels != null ? labels[r] : m.spec().target().classes().get(argmax(scores[r])));
        }
        g.writeEndArray();
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeEndObject();
    }
    return out.toByteArray();
  }

  static int argmax(double[] row) {
    int best = 0;
    for (int i = 1; i < row.length; i++) {
      if (row[i] > row[best]) {
        best = i;
      }
    }
    return best;
  }
}
