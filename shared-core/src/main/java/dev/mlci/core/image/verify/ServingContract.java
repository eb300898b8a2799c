package dev.mlci.core.image.verify;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The serving contract of an mlci image, checked against a running server: health and metadata, the
 * evaluated predictions on the test rows through every request form of KServe V2 and MLflow's
 * {@code /invocations}, and a 4xx with a message for each kind of bad request.
 *
 * <p>The same check runs against an in-process server in the model server's tests and against the
 * built image in {@code mlci verify-image}.
 */
public final class ServingContract {
  /** Largest difference allowed between a served and an evaluated score. */
  public static final double TOLERANCE = 1e-6;

  private static final int BATCH = 64;
  private static final int SAMPLE = 20;
  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  /**
   * One check.
   *
   * @param name what was checked
   * @param passed whether the server met the contract
   * @param detail what was seen (numbers for prediction checks, the status and message otherwise)
   */
  public record Check(String name, boolean passed, String detail) {
    public Check {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(detail, "detail");
    }
  }

  /**
   * The outcome.
   *
   * @param checks every check, in the order run
   * @param rowsCompared test rows whose served predictions were compared
   * @param maxAbsDifference largest difference between a served and an evaluated score
   */
  public record Report(List<Check> checks, int rowsCompared, double maxAbsDifference) {
    public Report {
      checks = List.copyOf(checks);
    }

    public boolean passed() {
      return checks.stream().allMatch(Check::passed);
    }

    public List<Check> failures() {
      return checks.stream().filter(c -> !c.passed()).toList();
    }
  }

  private final URI base;
  private final ServingCases cases;
  private final long bodyLimit;
  private final HttpClient http;
  private final ObjectMapper json = JsonMapper.builder().build();
  private final List<Check> checks = new ArrayList<>();
  private List<String> servedClasses = List.of();
  private int rowsCompared;
  private double maxDiff;

  /**
   * @param base the server's address, e.g. {@code http://127.0.0.1:8080}
   * @param cases the test rows and their evaluated predictions
   * @param bodyLimit the server's request body limit, in bytes (a body one byte larger must get
   *     413)
   */
  public ServingContract(URI base, ServingCases cases, long bodyLimit) {
    this.base = Objects.requireNonNull(base, "base");
    this.cases = Objects.requireNonNull(cases, "cases");
    this.bodyLimit = bodyLimit;
    this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  }

  /** Whether the server answers {@code GET /v2/health/ready} with 200. */
  public static boolean ready(URI base) {
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    try {
      HttpResponse<Void> r =
          client.send(
              HttpRequest.newBuilder(base.resolve("/v2/health/ready"))
                  .timeout(Duration.ofSeconds(2))
                  .build(),
              HttpResponse.BodyHandlers.discarding());
      return r.statusCode() == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Runs every check. */
  public Report run() throws InterruptedException {
    String m = "/v2/models/" + encode(cases.model());
    status("GET /v2/health/live", get("/v2/health/live"), 200);
    status("GET /v2/health/ready", get("/v2/health/ready"), 200);
    status("GET " + m + "/ready", get(m + "/ready"), 200);
    serverMetadata();
    modelMetadata(m);
    status("GET /ping", get("/ping"), 200);
    status("GET /health", get("/health"), 200);
    status("GET /version", get("/version"), 200);

    predictions("V2 infer, one tensor per column", this::v2PerColumn, cases.cases(), BATCH);
    predictions(
        "V2 infer, binary tensor data extension (binary inputs and outputs)",
        this::v2Binary,
        cases.cases(),
        BATCH);
    predictions("V2 infer, gzip request and gzip response", this::v2Gzip, sample(), SAMPLE);
    if (cases.allNumeric()) {
      predictions("V2 infer, one [N, F] FP64 tensor", this::v2Matrix, sample(), SAMPLE);
    }
    predictions(
        "/invocations dataframe_split", rows -> invocations(split(rows)), cases.cases(), BATCH);
    predictions(
        "/invocations dataframe_records",
        rows -> invocations(records(rows, "dataframe_records")),
        sample(),
        SAMPLE);
    predictions(
        "/invocations instances",
        rows -> invocations(records(rows, "instances")),
        sample(),
        SAMPLE);
    predictions("/invocations inputs", rows -> invocations(columnar(rows)), sample(), SAMPLE);
    predictions("/invocations text/csv", this::csv, sample(), SAMPLE);

    badRequests(m);
    metrics();
    return new Report(checks, rowsCompared, maxDiff);
  }

  // ---- health and metadata ----

  private void status(String name, Reply reply, int expected) {
    checks.add(new Check(name, reply.status() == expected, reply.describe()));
  }

  private void serverMetadata() throws InterruptedException {
    for (String path : new String[] {"/v2", "/v2/"}) {
      Reply r = get(path);
      JsonNode body = r.json();
      boolean ok = r.status() == 200 && body != null && body.path("name").isString();
      checks.add(new Check("GET " + path + " (server metadata)", ok, r.describe()));
    }
  }

  private void modelMetadata(String path) throws InterruptedException {
    Reply r = get(path);
    JsonNode body = r.json();
    List<String> problems = new ArrayList<>();
    if (r.status() != 200 || body == null) {
      problems.add(r.describe());
    } else {
      if (!cases.model().equals(body.path("name").asString(""))) {
        problems.add("name is '" + body.path("name").asString("") + "'");
      }
      JsonNode inputs = body.path("inputs");
      if (inputs.size() != cases.columns().size()) {
        problems.add(
            inputs.size() + " inputs listed, the model has " + cases.columns().size() + " columns");
      } else {
        for (int c = 0; c < inputs.size(); c++) {
          String want = cases.categorical().get(c) ? "BYTES" : "FP64";
          JsonNode in = inputs.get(c);
          if (!cases.columns().get(c).equals(in.path("name").asString(""))
              || !want.equals(in.path("datatype").asString(""))) {
            problems.add("input " + c + " is " + in + ", expected " + cases.columns().get(c));
          }
        }
      }
      if (cases.classification()) {
        List<String> classes = new ArrayList<>();
        JsonNode listed = body.path("parameters").path("classes");
        if (listed.isString()) {
          // The V2 spec allows only string, number and boolean parameters: the list is JSON text.
          try {
            listed = json.readTree(listed.asString());
          } catch (JacksonException e) {
            problems.add("parameters.classes is not a JSON list: " + listed.asString());
          }
        }
        listed.forEach(n -> classes.add(n.asString()));
        if (!new java.util.HashSet<>(classes).equals(new java.util.HashSet<>(cases.classes()))) {
          problems.add("classes " + classes + ", evaluated " + cases.classes());
        }
        servedClasses = classes;
      }
    }
    checks.add(
        new Check(
            "GET " + path + " (model metadata)",
            problems.isEmpty(),
            problems.isEmpty()
                ? cases.columns().size() + " inputs, datatypes as trained"
                : String.join("; ", problems)));
  }

  // ---- predictions ----

  private interface Scorer {
    /** Scores {@code rows}; each result row in the evaluated class order. */
    Scored score(List<ServingCases.Case> rows) throws InterruptedException, ContractException;
  }

  private record Scored(double[][] scores, List<String> labels) {}

  private static final class ContractException extends Exception {
    private static final long serialVersionUID = 1L;

    ContractException(String message) {
      super(message);
    }
  }

  private void predictions(String name, Scorer scorer, List<ServingCases.Case> rows, int batchSize)
      throws InterruptedException {
    double worst = 0;
    int mismatched = 0;
    String firstMismatch = null;
    try {
      for (int from = 0; from < rows.size(); from += batchSize) {
        List<ServingCases.Case> batch = rows.subList(from, Math.min(rows.size(), from + batchSize));
        Scored scored = scorer.score(batch);
        if (scored.scores().length != batch.size()
            || (scored.labels() != null && scored.labels().size() != batch.size())) {
          throw new ContractException(
              "sent "
                  + batch.size()
                  + " rows, got "
                  + scored.scores().length
                  + " predictions"
                  + (scored.labels() != null ? " and " + scored.labels().size() + " labels" : ""));
        }
        for (int i = 0; i < batch.size(); i++) {
          ServingCases.Case c = batch.get(i);
          double d = maxDiff(c.expected(), scored.scores()[i]);
          worst = Math.max(worst, d);
          boolean labelWrong =
              scored.labels() != null
                  && !scored.labels().get(i).equals(c.expectedLabel())
                  && !tied(c.expected());
          if (d > TOLERANCE || labelWrong) {
            mismatched++;
            if (firstMismatch == null) {
              firstMismatch =
                  "example "
                      + c.id()
                      + ": served "
                      + java.util.Arrays.toString(scored.scores()[i])
                      + (scored.labels() != null ? " '" + scored.labels().get(i) + "'" : "")
                      + ", evaluated "
                      + java.util.Arrays.toString(c.expected())
                      + (c.expectedLabel() != null ? " '" + c.expectedLabel() + "'" : "");
            }
          }
        }
      }
    } catch (ContractException e) {
      checks.add(new Check(name, false, e.getMessage()));
      return;
    } catch (RuntimeException e) {
      // The image's answer is untrusted input: one that does not read as its shape claims (a
      // negative length, a short tensor, a string where a number belongs) fails this check.
      checks.add(
          new Check(
              name,
              false,
              "the answer cannot be read: " + abbreviate(String.valueOf(e.getMessage()))));
      return;
    }
    rowsCompared = Math.max(rowsCompared, rows.size());
    maxDiff = Math.max(maxDiff, worst);
    String detail =
        String.format(Locale.ROOT, "%d rows, max |served - evaluated| = %.3g", rows.size(), worst);
    checks.add(
        new Check(
            name,
            mismatched == 0,
            mismatched == 0
                ? detail
                : mismatched + " of " + rows.size() + " rows differ; " + firstMismatch));
  }

  private static boolean tied(double[] scores) {
    double best = Double.NEGATIVE_INFINITY;
    double second = Double.NEGATIVE_INFINITY;
    for (double s : scores) {
      if (s > best) {
        second = best;
        best = s;
      } else if (s > second) {
        second = s;
      }
    }
    return scores.length > 1 && best - second <= TOLERANCE;
  }

  private static double maxDiff(double[] expected, double[] served) {
    if (expected.length != served.length) {
      return Double.POSITIVE_INFINITY;
    }
    double d = 0;
    for (int i = 0; i < expected.length; i++) {
      d = Math.max(d, Math.abs(expected[i] - served[i]));
    }
    return Double.isNaN(d) ? Double.POSITIVE_INFINITY : d;
  }

  private Scored v2PerColumn(List<ServingCases.Case> rows)
      throws InterruptedException, ContractException {
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
    return v2Outputs(post("/v2/models/" + encode(cases.model()) + "/infer", request), rows.size());
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
  private Scored v2Binary(List<ServingCases.Case> rows)
      throws InterruptedException, ContractException {
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
    BinaryTensors.Body body = BinaryTensors.request(request, values, json);
    HttpResponse<byte[]> r =
        raw(
            HttpRequest.newBuilder(base.resolve("/v2/models/" + encode(cases.model()) + "/infer"))
                .header(BinaryTensors.HEADER, Integer.toString(body.headerLength()))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.bytes())));
    String length = r.headers().firstValue(BinaryTensors.HEADER).orElse(null);
    if (r.statusCode() != 200 || length == null) {
      throw new ContractException(
          "HTTP "
              + r.statusCode()
              + (length == null ? " without " + BinaryTensors.HEADER : "")
              + ": "
              + abbreviate(new String(r.body(), java.nio.charset.StandardCharsets.UTF_8)));
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
      JsonNode header = json.readTree(java.util.Arrays.copyOf(r.body(), n));
      java.util.Map<String, Object> outputs = BinaryTensors.outputs(header, r.body(), n);
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
      return v2Outputs(new Reply(200, asJson.toString(), asJson, null), rows.size());
    } catch (RuntimeException e) { // NumberFormat, Jackson, a short or negative tensor length
      throw new ContractException(
          "the binary response does not parse: " + abbreviate(String.valueOf(e.getMessage())));
    }
  }

  /** The per-column JSON request gzip-compressed, asking for a gzip-compressed answer. */
  private Scored v2Gzip(List<ServingCases.Case> rows)
      throws InterruptedException, ContractException {
    ObjectNode request = v2Header(rows);
    for (int c = 0; c < cases.columns().size(); c++) {
      ArrayNode data = ((ObjectNode) request.path("inputs").get(c)).putArray("data");
      for (ServingCases.Case row : rows) {
        data.add(value(row.values().get(c)));
      }
    }
    java.io.ByteArrayOutputStream zipped = new java.io.ByteArrayOutputStream();
    try (var gz = new java.util.zip.GZIPOutputStream(zipped)) {
      gz.write(json.writeValueAsBytes(request));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    HttpResponse<byte[]> r =
        raw(
            HttpRequest.newBuilder(base.resolve("/v2/models/" + encode(cases.model()) + "/infer"))
                .header("Content-Type", "application/json")
                .header("Content-Encoding", "gzip")
                .header("Accept-Encoding", "gzip")
                .POST(HttpRequest.BodyPublishers.ofByteArray(zipped.toByteArray())));
    if (!r.headers().firstValue("Content-Encoding").orElse("").equals("gzip")) {
      throw new ContractException(
          "HTTP "
              + r.statusCode()
              + ": the answer to Accept-Encoding: gzip is not gzip-compressed: "
              + abbreviate(new String(r.body(), java.nio.charset.StandardCharsets.UTF_8)));
    }
    String text;
    try (var in = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(r.body()))) {
      text = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new ContractException("the gzip answer does not decompress: " + e.getMessage());
    }
    JsonNode parsed;
    try {
      parsed = json.readTree(text);
    } catch (JacksonException e) {
      parsed = null;
    }
    return v2Outputs(new Reply(r.statusCode(), text, parsed, null), rows.size());
  }

  private HttpResponse<byte[]> raw(HttpRequest.Builder request)
      throws InterruptedException, ContractException {
    try {
      return http.send(
          request.timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      throw new ContractException("no response: " + e);
    }
  }

  private Scored v2Matrix(List<ServingCases.Case> rows)
      throws InterruptedException, ContractException {
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
    return v2Outputs(post("/v2/models/" + encode(cases.model()) + "/infer", request), rows.size());
  }

  private Scored v2Outputs(Reply reply, int rows) throws ContractException {
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
      throw new ContractException("the response has no score output: " + abbreviate(body));
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

  private ObjectNode split(List<ServingCases.Case> rows) {
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

  private ObjectNode records(List<ServingCases.Case> rows, String key) {
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

  private ObjectNode columnar(List<ServingCases.Case> rows) {
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

  private Scored invocations(ObjectNode request) throws InterruptedException, ContractException {
    return mlflowOutputs(post("/invocations", request));
  }

  private Scored csv(List<ServingCases.Case> rows) throws InterruptedException, ContractException {
    StringBuilder text = new StringBuilder();
    text.append(String.join(",", cases.columns().stream().map(ServingContract::csvCell).toList()));
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
        send(
            "/invocations",
            text.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8),
            "text/csv"));
  }

  private static String csvCell(String s) {
    return s.contains(",") || s.contains("\"") || s.contains("\n")
        ? "\"" + s.replace("\"", "\"\"") + "\""
        : s;
  }

  private Scored mlflowOutputs(Reply reply) throws ContractException {
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

  private static JsonNode value(Object v) {
    if (v == null) {
      return F.nullNode();
    }
    if (v instanceof Double d) {
      return d.isNaN() ? F.nullNode() : F.numberNode(d);
    }
    return F.stringNode((String) v);
  }

  private JsonNode requireOk(Reply reply) throws ContractException {
    JsonNode body = reply.json();
    if (reply.status() != 200 || body == null) {
      throw new ContractException(reply.describe());
    }
    return body;
  }

  // ---- bad requests ----

  private void badRequests(String m) throws InterruptedException {
    String infer = m + "/infer";
    rejected(
        "malformed JSON gets 400",
        send(infer, "{\"inputs\": [".getBytes(), "application/json"),
        400,
        "error");
    ObjectNode wrongShape = F.objectNode();
    ObjectNode t = wrongShape.putArray("inputs").addObject();
    t.put("name", cases.columns().get(0));
    t.put("datatype", cases.categorical().get(0) ? "BYTES" : "FP64");
    t.putArray("shape").add(2).add(1);
    t.putArray("data").add(value(cases.cases().get(0).values().get(0)));
    rejected("wrong shape gets 400", post(infer, wrongShape), 400, "error");

    ObjectNode wrongType = v2Row();
    ((ObjectNode) wrongType.path("inputs").get(0))
        .put("datatype", cases.categorical().get(0) ? "FP64" : "BOOL");
    rejected("wrong datatype gets 400", post(infer, wrongType), 400, "error");

    if (cases.columns().size() > 1) {
      ObjectNode missing = v2Row();
      ((ArrayNode) missing.path("inputs")).remove(cases.columns().size() - 1);
      rejected("a missing input gets 400", post(infer, missing), 400, "error");
    }
    rejected(
        "unknown model gets 404",
        post("/v2/models/" + encode(cases.model() + "-unknown") + "/infer", v2Row()),
        404,
        "error");
    rejected(
        "unknown version gets 404",
        post(m + "/versions/no-such-version/infer", v2Row()),
        404,
        "error");
    byte[] big = new byte[(int) Math.min(Integer.MAX_VALUE - 8, bodyLimit + 1)];
    java.util.Arrays.fill(big, (byte) ' ');
    rejected(
        "a body over " + bodyLimit + " bytes gets 413",
        send(infer, big, "application/json"),
        413,
        "error");
    rejected(
        "V2 infer with a non-JSON content type gets 415",
        send(infer, json.writeValueAsBytes(v2Row()), "text/plain"),
        415,
        "error");
    rejected(
        "V2 infer with an unsupported Content-Encoding gets 415",
        exchange(
            HttpRequest.newBuilder(base.resolve(infer))
                .header("Content-Type", "application/json")
                .header("Content-Encoding", "br")
                .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[] {(byte) 0x8b, 1, 2}))),
        415,
        "error");
    rejected(
        "/invocations with malformed JSON gets 400",
        send("/invocations", "{\"dataframe_split\":".getBytes(), "application/json"),
        400,
        "message");
    rejected(
        "/invocations with an unknown column gets 400",
        post("/invocations", renamedColumn()),
        400,
        "message");
    rejected(
        "/invocations with an unsupported content type gets 415",
        send("/invocations", "x".getBytes(), "application/xml"),
        415,
        "message");
  }

  private ObjectNode v2Row() {
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

  private ObjectNode renamedColumn() {
    ObjectNode request = split(cases.cases().subList(0, 1));
    ArrayNode columns = (ArrayNode) request.path("dataframe_split").path("columns");
    columns.set(0, F.stringNode(cases.columns().get(0) + "_no_such_column"));
    return request;
  }

  private void rejected(String name, Reply reply, int expected, String messageField) {
    JsonNode body = reply.json();
    boolean ok =
        reply.status() == expected
            && body != null
            && !body.path(messageField).asString("").isBlank();
    checks.add(new Check(name, ok, reply.describe()));
  }

  private void metrics() throws InterruptedException {
    Reply r = get("/metrics");
    boolean ok =
        r.status() == 200
            && r.body().contains("mlci_requests_total")
            && r.body().contains("mlci_request_duration_seconds");
    checks.add(
        new Check(
            "GET /metrics (Prometheus)",
            ok,
            ok ? "request counts and latency histograms present" : r.describe()));
  }

  // ---- HTTP ----

  private record Reply(int status, String body, JsonNode json, String error) {
    String describe() {
      if (error != null) {
        return error;
      }
      String shown = body.length() > 300 ? body.substring(0, 300) + "..." : body.strip();
      return "HTTP " + status + " " + shown;
    }
  }

  private List<ServingCases.Case> sample() {
    return cases.cases().subList(0, Math.min(SAMPLE, cases.cases().size()));
  }

  private Reply get(String path) throws InterruptedException {
    return exchange(HttpRequest.newBuilder(base.resolve(path)).GET());
  }

  private Reply post(String path, JsonNode body) throws InterruptedException {
    return send(path, json.writeValueAsBytes(body), "application/json");
  }

  private Reply send(String path, byte[] body, String contentType) throws InterruptedException {
    return exchange(
        HttpRequest.newBuilder(base.resolve(path))
            .header("Content-Type", contentType)
            .POST(HttpRequest.BodyPublishers.ofByteArray(body)));
  }

  private Reply exchange(HttpRequest.Builder request) throws InterruptedException {
    try {
      HttpResponse<String> r =
          http.send(
              request.timeout(Duration.ofSeconds(60)).build(),
              HttpResponse.BodyHandlers.ofString());
      JsonNode parsed;
      try {
        parsed = json.readTree(r.body());
      } catch (JacksonException e) {
        parsed = null;
      }
      if (parsed != null && parsed.isMissingNode()) {
        parsed = null;
      }
      return new Reply(r.statusCode(), r.body(), parsed, null);
    } catch (IOException e) {
      return new Reply(-1, "", null, "no response: " + e);
    }
  }

  private static String encode(String name) {
    return java.net.URLEncoder.encode(name, java.nio.charset.StandardCharsets.UTF_8)
        .replace("+", "%20");
  }

  private static String abbreviate(JsonNode body) {
    return abbreviate(body.toString());
  }

  private static String abbreviate(String s) {
    return s.length() > 300 ? s.substring(0, 300) + "..." : s;
  }
}
