package dev.mlci.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mlci.core.image.verify.ServingCases;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Missing values are served as trained, whatever the protocol: the same rows with missing cells
 * give the evaluated predictions over V2 JSON (null, and the na_values strings), V2 binary (NaN,
 * and numpy's "None"), /invocations JSON and CSV; a model trained with {@code missing: error}
 * refuses them with 400 naming the column in every form.
 */
class MissingValuesTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonNodeFactory F = JsonNodeFactory.instance;
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  /** How one form writes a missing cell. */
  private enum Form {
    V2_JSON_NULL,
    V2_JSON_NA_STRINGS,
    V2_BINARY,
    INVOCATIONS_JSON,
    INVOCATIONS_JSON_NA_STRINGS,
    CSV
  }

  private static ModelServer start(ServedModels.Trained t) throws Exception {
    LoadedModel model = ModelLoader.load(t.modelDir(), 1);
    ServerMetrics metrics = new ServerMetrics();
    metrics.modelLoaded(model);
    ModelServer server =
        new ModelServer(ServerConfig.of("127.0.0.1", 0, 1 << 20, 1000), model, metrics, "test");
    server.start();
    return server;
  }

  private static boolean missing(Object v) {
    return v == null || (v instanceof Double d && d.isNaN());
  }

  private static HttpResponse<byte[]> send(
      ModelServer server, String path, byte[] body, String type, String binaryHeader)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (type != null) {
      b.header("Content-Type", type);
    }
    if (binaryHeader != null) {
      b.header("Inference-Header-Content-Length", binaryHeader);
    }
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  /** Scores {@code rows} in {@code form}; the response, as status and per-row scores. */
  private static HttpResponse<byte[]> score(
      ModelServer server, ServingCases cases, List<ServingCases.Case> rows, Form form)
      throws Exception {
    String infer = "/v2/models/" + cases.model() + "/infer";
    int k = cases.columns().size();
    switch (form) {
      case V2_JSON_NULL, V2_JSON_NA_STRINGS -> {
        ObjectNode request = F.objectNode();
        ArrayNode inputs = request.putArray("inputs");
        for (int c = 0; c < k; c++) {
          ObjectNode t = inputs.addObject();
          t.put("name", cases.columns().get(c));
          t.put("datatype", cases.categorical().get(c) ? "BYTES" : "FP64");
          t.putArray("shape").add(rows.size());
          ArrayNode data = t.putArray("data");
          for (ServingCases.Case row : rows) {
            Object v = row.values().get(c);
            if (missing(v)) {
              if (form == Form.V2_JSON_NULL) {
                data.addNull();
              } else {
                data.add(cases.categorical().get(c) ? "NA" : "");
              }
            } else if (v instanceof Double d) {
              data.add(d);
            } else {
              data.add((String) v);
            }
          }
        }
        return send(server, infer, JSON.writeValueAsBytes(request), "application/json", null);
      }
      case V2_BINARY -> {
        ObjectNode request = F.objectNode();
        ArrayNode inputs = request.putArray("inputs");
        ByteArrayOutputStream blobs = new ByteArrayOutputStream();
        for (int c = 0; c < k; c++) {
          ByteArrayOutputStream raw = new ByteArrayOutputStream();
          for (ServingCases.Case row : rows) {
            Object v = row.values().get(c);
            if (cases.categorical().get(c)) {
              byte[] b = (v == null ? "None" : (String) v).getBytes(StandardCharsets.UTF_8);
              raw.writeBytes(
                  ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(b.length).array());
              raw.writeBytes(b);
            } else {
              raw.writeBytes(
                  ByteBuffer.allocate(8)
                      .order(ByteOrder.LITTLE_ENDIAN)
                      .putDouble(missing(v) ? Double.NaN : (Double) v)
                      .array());
            }
          }
          ObjectNode t = inputs.addObject();
          t.put("name", cases.columns().get(c));
          t.put("datatype", cases.categorical().get(c) ? "BYTES" : "FP64");
          t.putArray("shape").add(rows.size()).add(1);
          t.putObject("parameters").put("binary_data_size", raw.size());
          blobs.writeBytes(raw.toByteArray());
        }
        byte[] header = JSON.writeValueAsBytes(request);
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(header);
        body.writeBytes(blobs.toByteArray());
        return send(server, infer, body.toByteArray(), null, Integer.toString(header.length));
      }
      case INVOCATIONS_JSON, INVOCATIONS_JSON_NA_STRINGS -> {
        ObjectNode request = F.objectNode();
        ObjectNode split = request.putObject("dataframe_split");
        cases.columns().forEach(split.putArray("columns")::add);
        ArrayNode data = split.putArray("data");
        for (ServingCases.Case row : rows) {
          ArrayNode r = data.addArray();
          for (Object v : row.values()) {
            if (missing(v)) {
              if (form == Form.INVOCATIONS_JSON) {
                r.addNull();
              } else {
                r.add("NA");
              }
            } else if (v instanceof Double d) {
              r.add(d);
            } else {
              r.add((String) v);
            }
          }
        }
        return send(
            server, "/invocations", JSON.writeValueAsBytes(request), "application/json", null);
      }
      default -> {
        StringBuilder csv = new StringBuilder(String.join(",", cases.columns())).append('\n');
        for (ServingCases.Case row : rows) {
          List<String> cells = new ArrayList<>();
          for (int c = 0; c < k; c++) {
            Object v = row.values().get(c);
            cells.add(missing(v) ? (c % 2 == 0 ? "" : "NA") : v.toString());
          }
          csv.append(String.join(",", cells)).append('\n');
        }
        return send(
            server,
            "/invocations",
            csv.toString().getBytes(StandardCharsets.UTF_8),
            "text/csv",
            null);
      }
    }
  }

  private static double[][] scores(HttpResponse<byte[]> r, Form form, int rows) throws Exception {
    String header = r.headers().firstValue("Inference-Header-Content-Length").orElse(null);
    JsonNode body =
        header == null
            ? JSON.readTree(r.body())
            : JSON.readTree(java.util.Arrays.copyOf(r.body(), Integer.parseInt(header)));
    double[][] out = new double[rows][];
    if (form.name().startsWith("V2")) {
      JsonNode data = body.path("outputs").get(0).path("data");
      int width = data.size() / rows;
      for (int i = 0; i < rows; i++) {
        out[i] = new double[width];
        for (int j = 0; j < width; j++) {
          out[i][j] = data.get(i * width + j).asDouble();
        }
      }
    } else {
      JsonNode p = body.path("predictions");
      for (int i = 0; i < rows; i++) {
        // One object per row, the columns of predictions.csv in order (as mlflow models serve).
        JsonNode row = p.get(i);
        out[i] = new double[row.size()];
        int j = 0;
        for (JsonNode value : row.values()) {
          out[i][j++] = value.asDouble();
        }
      }
    }
    return out;
  }

  @Test
  void theSameRowsWithMissingCellsGiveTheEvaluatedPredictionsInEveryForm() throws Exception {
    ServedModels.Trained t = ServedModels.shared("imputing-diabetes");
    List<ServingCases.Case> rows =
        t.cases().cases().stream()
            .filter(c -> c.values().stream().anyMatch(MissingValuesTest::missing))
            .toList();
    assertThat(rows).as("evaluated test rows with a missing cell").hasSizeGreaterThan(5);
    long categoricalMissing =
        rows.stream()
            .filter(c -> c.values().get(t.cases().columns().indexOf("sex")) == null)
            .count();
    assertThat(categoricalMissing).as("rows missing the categorical 'sex'").isPositive();
    ModelServer server = start(t);
    try {
      for (Form form : Form.values()) {
        HttpResponse<byte[]> r = score(server, t.cases(), rows, form);
        assertThat(r.statusCode()).as(form + ": " + new String(r.body())).isEqualTo(200);
        double[][] served = scores(r, form, rows.size());
        for (int i = 0; i < rows.size(); i++) {
          assertThat(served[i][0])
              .as(form + ", example " + rows.get(i).id())
              .isCloseTo(rows.get(i).expected()[0], org.assertj.core.data.Offset.offset(1e-6));
        }
      }
    } finally {
      server.shutdown();
    }
  }

  @Test
  void aModelTrainedWithMissingErrorRefusesMissingCellsNamingTheColumnInEveryForm()
      throws Exception {
    ServedModels.Trained t = ServedModels.shared("diabetes");
    ServingCases.Case first = t.cases().cases().get(0);
    int bmi = t.cases().columns().indexOf("bmi");
    List<Object> values = new ArrayList<>(first.values());
    values.set(bmi, Double.NaN);
    ServingCases.Case row = new ServingCases.Case("x", values, first.expected(), null);
    ModelServer server = start(t);
    try {
      for (Form form : Form.values()) {
        HttpResponse<byte[]> r = score(server, t.cases(), List.of(row), form);
        assertThat(r.statusCode()).as(form.toString()).isEqualTo(400);
        assertThat(new String(r.body(), StandardCharsets.UTF_8))
            .as(form.toString())
            .contains("column 'bmi'")
            .contains("does not impute");
      }
    } finally {
      server.shutdown();
    }
  }

  @Test
  void anUnseenLevelIsScoredAsNoLevelAndCounted() throws Exception {
    ServedModels.Trained t = ServedModels.shared("diabetes");
    int sex = t.cases().columns().indexOf("sex");
    ServingCases.Case first = t.cases().cases().get(0);
    List<Object> values = new ArrayList<>(first.values());
    values.set(sex, "3");
    ServingCases.Case row = new ServingCases.Case("x", values, first.expected(), null);
    ModelServer server = start(t);
    try {
      for (Form form : new Form[] {Form.V2_JSON_NULL, Form.V2_BINARY, Form.CSV}) {
        assertThat(score(server, t.cases(), List.of(row), form).statusCode()).isEqualTo(200);
      }
      HttpResponse<String> metrics =
          HTTP.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/metrics"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(metrics.body())
          .containsPattern("mlci_unseen_category_total\\{feature=\"sex\",model=\"[^\"]+\"} 3.0");
    } finally {
      server.shutdown();
    }
  }
}
