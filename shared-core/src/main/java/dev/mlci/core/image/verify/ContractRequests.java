package dev.mlci.core.image.verify;

import dev.mlci.core.image.verify.ContractHttp.ContractException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The request forms of the contract check and how each answer is read: KServe V2 (one tensor per
 * column, the binary extension, gzip, one [N, F] tensor) and MLflow's {@code /invocations}
 * (dataframe_split, dataframe_records, instances, inputs, text/csv), each answer in the evaluated
 * class order; and the valid single-row requests the bad-request checks start from.
 */
final class ContractRequests {
  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  private final ContractHttp http;
  private final ServingCases cases;
  private final List<String> servedClasses;

  /**
   * @param servedClasses the classes in the order the server listed them in its metadata (empty for
   *     regression)
   */
  ContractRequests(ContractHttp http, ServingCases cases, List<String> servedClasses) {
    this.http = http;
    this.cases = cases;
    this.servedClasses = List.copyOf(servedClasses);
  }

  /** A way of asking the server for predictions. */
  interface Scorer {
    /** Scores {@code rows}; each result row in the evaluated class order. */
    Scored score(List<ServingCases.Case> rows) throws InterruptedException, ContractException;
  }

  /** Served scores, one row per request row in the evaluated class order; labels when sent. */
  record Scored(double[][] scores, List<String> labels) {}

  Scored v2PerColumn(List<ServingCases.Case> rows) throws InterruptedException, ContractException {
    ObjectNode request = F.objectNode();
    ArrayNode inputs = request.putArray("inputs");
    for (int c = 0; c < cases.columns().size(); c++) {
      ObjectNode t = inputs.addObject();
      t.put("name", cases.columns().get(c));
      boolean categorical = cases.categorical().get(c);
      t.put("datatype", categorical ? "BYTES" : "FP64");
      t.putArray("shape").add(rows.size()).add(1);
      ArrayNode data = t.putArray("data");
      for (ServingCases.Case row : rows) {
        data.add(value(row.values().get(c)));
      }
    }
    return v2Outputs(
        http.post("/v2/models/" + ContractHttp.encode(cases.model()) + "/infer", request),
        rows.size());
  }

  private ObjectNode v2Header(List<ServingCases.Case> rows) {
    ObjectNode request = F.objectNode();
    ArrayNode inputs = request.putArray("inputs");
    for (int c = 0; c < cases.columns().size(); c++) {
      ObjectNode t = inputs.addObject();
      t.put("name", cases.columns().get(c));
      t.put("datatype", cases.categorical().get(c) ? "BYTES" : "FP64");
      t.putArray("shape").add(rows.size()).add(1);
    }
    return request;
  }

  /**
   * The per-column request in the binary extension, as tritonclient sends it by default: no content
   * type, missing numbers as NaN, missing categories as {@code "None"}; every output in binary.
   */
  Scored v2Binary(List<ServingCases.Case> rows) throws InterruptedException, ContractException {
    ObjectNode request = v2Header(rows);
    request.putObject("parameters").put("binary_data_output", true);
    List<List<Object>> values = new ArrayList<>();
    for (int c = 0; c < cases.columns().size(); c++) {
      List<Object> column = new ArrayList<>();
      for (ServingCases.Case row : rows) {
        column.add(row.values().get(c));
      }
      values.add(column);
    }
    BinaryTensors.Body body = BinaryTensors.request(request, values, http.json);
    HttpResponse<byte[]> r =
        http.raw(
            HttpRequest.newBuilder(
                    http.base.resolve(
                        "/v2/models/" + ContractHttp.encode(cases.model()) + "/infer"))
                .header(BinaryTensors.HEADER, Integer.toString(body.headerLength()))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.bytes())));
    String length = r.headers().firstValue(BinaryTensors.HEADER).orElse(null);
    if (r.statusCode() != 200 || length == null) {
      throw new ContractException(
          "HTTP "
              + r.statusCode()
              + (length == null ? " without " + BinaryTensors.HEADER : "")
              + ": "
              + ContractHttp.abbreviate(new String(r.body(), StandardCharsets.UTF_8)));
    }
    try {
      int n = Integer.parseInt(length.trim());
      if (n < 0 || n > r.body().length) {
        throw new ContractException(
            BinaryTensors.HEADER
                + " is "
                + n
                + ", but the answer has "
                + r.body().length
                + " bytes");
      }
      JsonNode header = http.json.readTree(Arrays.copyOf(r.body(), n));
      Map<String, Object> outputs = BinaryTensors.outputs(header, r.body(), n);
      ObjectNode asJson = F.objectNode();
      ArrayNode out = asJson.putArray("outputs");
      outputs.forEach(
          (name, data) -> {
            ObjectNode o = out.addObject();
            o.put("name", name);
            ArrayNode d = o.putArray("data");
            if (data instanceof double[] doubles) {
              for (double v : doubles) {
                d.add(v);
              }
            } else {
              ((List<?>) data).forEach(v -> d.add(v.toString()));
            }
          });
      return v2Outputs(new ContractHttp.Reply(200, asJson.toString(), asJson, null), rows.size());
    } catch (RuntimeException e) { // NumberFormat, Jackson, a short or negative tensor length
      throw new ContractException(
          "the binary response does not parse: "
              + ContractHttp.abbreviate(String.valueOf(e.getMessage())));
    }
  }

  /** The per-column JSON request gzip-compressed, asking for a gzip-compressed answer. */
  Scored v2Gzip(List<ServingCases.Case> rows) throws InterruptedException, ContractException {
    ObjectNode request = v2Header(rows);
    for (int c = 0; c < cases.columns().size(); c++) {
      ArrayNode data = ((ObjectNode) request.path("inputs").get(c)).putArray("data");
      for (ServingCases.Case row : rows) {
        data.add(value(row.values().get(c)));
      }
    }
    ByteArrayOutputStream zipped = new ByteArrayOutputStream();
    try (var gz = new GZIPOutputStream(zipped)) {
      gz.write(http.json.writeValueAsBytes(request));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    HttpResponse<byte[]> r =
        http.raw(
            HttpRequest.newBuilder(
                    http.base.resolve(
                        "/v2/models/" + ContractHttp.encode(cases.model()) + "/infer"))
                .header("Content-Type", "application/json")
                .header("Content-Encoding", "gzip")
                .header("Accept-Encoding", "gzip")
                .POST(HttpRequest.BodyPublishers.ofByteArray(zipped.toByteArray())));
    if (!r.headers().firstValue("Content-Encoding").orElse("").equals("gzip")) {
      throw new ContractException(
          "HTTP "
              + r.statusCode()
              + ": the answer to Accept-Encoding: gzip is not gzip-compressed: "
              + ContractHttp.abbreviate(new String(r.body(), StandardCharsets.UTF_8)));
    }
    String text;
    try (var in = new GZIPInputStream(new ByteArrayInputStream(r.body()))) {
      text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new ContractException("the gzip answer does not decompress: " + e.getMessage());
    }
    JsonNode parsed;
    try {
      parsed = http.json.readTree(text);
    } catch (JacksonException e) {
      parsed = null;
    }
    return v2Outputs(new ContractHttp.Reply(r.statusCode(), text, parsed, null), rows.size());
  }

  Scored v2Matrix(List<ServingCases.Case> rows) throws InterruptedException, ContractException {
    ObjectNode request = F.objectNode();
    ObjectNode t = request.putArray("inputs").addObject();
    t.put("name", "input");
    t.put("datatype", "FP64");
    t.putArray("shape").add(rows.size()).add(cases.columns().size());
    ArrayNode data = t.putArray("data");
    for (ServingCases.Case row : rows) {
      ArrayNode r = data.addArray();
      row.values().forEach(v -> r.add(value(v)));
    }
    return v2Outputs(
        http.post("/v2/models/" + ContractHttp.encode(cases.model()) + "/infer", request),
        rows.size());
  }

  private Scored v2Outputs(ContractHttp.Reply reply, int rows) throws ContractException {
    JsonNode body = requireOk(reply);
    double[][] scores = null;
    List<String> labels = null;
    for (JsonNode out : body.path("outputs")) {
      String name = out.path("name").asString("");
      JsonNode data = out.path("data");
      if (name.equals("label")) {
        labels = new ArrayList<>();
        for (JsonNode l : data) {
          labels.add(l.asString());
        }
      } else {
        int width = cases.classification() ? servedClasses.size() : 1;
        if (data.size() != rows * width) {
          throw new ContractException(
              "output '" + name + "' holds " + data.size() + " values for " + rows + " rows");
        }
        scores = new double[rows][width];
        for (int r = 0; r < rows; r++) {
          for (int k = 0; k < width; k++) {
            scores[r][k] = data.get(r * width + k).asDouble();
          }
        }
      }
    }
    if (scores == null) {
      throw new ContractException(
          "the response has no score output: " + ContractHttp.abbreviate(body));
    }
    return new Scored(reorder(scores), labels);
  }

  /** Served scores (in the server's class order) in the evaluated class order. */
  private double[][] reorder(double[][] scores) throws ContractException {
    if (!cases.classification()) {
      return scores;
    }
    int[] from = new int[cases.classes().size()];
    for (int k = 0; k < from.length; k++) {
      from[k] = servedClasses.indexOf(cases.classes().get(k));
      if (from[k] < 0) {
        throw new ContractException(
            "the server did not list class '" + cases.classes().get(k) + "' in its metadata");
      }
    }
    double[][] out = new double[scores.length][from.length];
    for (int r = 0; r < scores.length; r++) {
      if (scores[r].length != from.length) {
        throw new ContractException("row " + r + " has " + scores[r].length + " scores");
      }
      for (int k = 0; k < from.length; k++) {
        out[r][k] = scores[r][from[k]];
      }
    }
    return out;
  }

  ObjectNode split(List<ServingCases.Case> rows) {
    ObjectNode request = F.objectNode();
    ObjectNode split = request.putObject("dataframe_split");
    cases.columns().forEach(split.putArray("columns")::add);
    ArrayNode data = split.putArray("data");
    for (ServingCases.Case row : rows) {
      ArrayNode r = data.addArray();
      row.values().forEach(v -> r.add(value(v)));
    }
    return request;
  }

  ObjectNode records(List<ServingCases.Case> rows, String key) {
    ObjectNode request = F.objectNode();
    ArrayNode records = request.putArray(key);
    for (ServingCases.Case row : rows) {
      ObjectNode r = records.addObject();
      for (int c = 0; c < cases.columns().size(); c++) {
        r.set(cases.columns().get(c), value(row.values().get(c)));
      }
    }
    return request;
  }

  ObjectNode columnar(List<ServingCases.Case> rows) {
    ObjectNode request = F.objectNode();
    ObjectNode inputs = request.putObject("inputs");
    for (int c = 0; c < cases.columns().size(); c++) {
      ArrayNode column = inputs.putArray(cases.columns().get(c));
      for (ServingCases.Case row : rows) {
        column.add(value(row.values().get(c)));
      }
    }
    return request;
  }

  Scored invocations(ObjectNode request) throws InterruptedException, ContractException {
    return mlflowOutputs(http.post("/invocations", request));
  }

  Scored csv(List<ServingCases.Case> rows) throws InterruptedException, ContractException {
    StringBuilder text = new StringBuilder();
    text.append(String.join(",", cases.columns().stream().map(ContractRequests::csvCell).toList()));
    text.append('\n');
    for (ServingCases.Case row : rows) {
      List<String> cells = new ArrayList<>();
      for (Object v : row.values()) {
        cells.add(
            v == null || (v instanceof Double d && d.isNaN())
                ? ""
                : v instanceof Double d ? Double.toString(d) : csvCell((String) v));
      }
      text.append(String.join(",", cells)).append('\n');
    }
    return mlflowOutputs(
        http.send("/invocations", text.toString().getBytes(StandardCharsets.UTF_8), "text/csv"));
  }

  private static String csvCell(String s) {
    return s.contains(",") || s.contains("\"") || s.contains("\n")
        ? "\"" + s.replace("\"", "\"\"") + "\""
        : s;
  }

  private Scored mlflowOutputs(ContractHttp.Reply reply) throws ContractException {
    JsonNode predictions = requireOk(reply).path("predictions");
    double[][] scores = new double[predictions.size()][];
    for (int r = 0; r < scores.length; r++) {
      JsonNode p = predictions.get(r);
      if (p.isObject()) {
        // {"proba_<class>": p, ...}: the columns in the model's class order.
        scores[r] = p.valueStream().mapToDouble(JsonNode::asDouble).toArray();
      } else if (p.isArray()) {
        scores[r] = new double[p.size()];
        for (int k = 0; k < p.size(); k++) {
          scores[r][k] = p.get(k).asDouble();
        }
      } else {
        scores[r] = new double[] {p.asDouble()};
      }
    }
    return new Scored(reorder(scores), null);
  }

  static JsonNode value(Object v) {
    if (v == null) {
      return F.nullNode();
    }
    if (v instanceof Double d) {
      return d.isNaN() ? F.nullNode() : F.numberNode(d);
    }
    return F.stringNode((String) v);
  }

  private JsonNode requireOk(ContractHttp.Reply reply) throws ContractException {
    JsonNode body = reply.json();
    if (reply.status() != 200 || body == null) {
      throw new ContractException(reply.describe());
    }
    return body;
  }

  ObjectNode v2Row() {
    ObjectNode request = F.objectNode();
    ArrayNode inputs = request.putArray("inputs");
    ServingCases.Case row = cases.cases().get(0);
    for (int c = 0; c < cases.columns().size(); c++) {
      ObjectNode t = inputs.addObject();
      t.put("name", cases.columns().get(c));
      t.put("datatype", cases.categorical().get(c) ? "BYTES" : "FP64");
      t.putArray("shape").add(1);
      t.putArray("data").add(value(row.values().get(c)));
    }
    return request;
  }

  ObjectNode renamedColumn() {
    ObjectNode request = split(cases.cases().subList(0, 1));
    ArrayNode columns = (ArrayNode) request.path("dataframe_split").path("columns");
    columns.set(0, F.stringNode(cases.columns().get(0) + "_no_such_column"));
    return request;
  }
}
