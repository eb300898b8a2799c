package dev.mlci.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mlci.core.image.verify.ServingContract;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.ObjectMapper;

/**
 * Models trained by {@code trainer: external} (scikit-learn pipelines exported by skl2onnx, run by
 * the engine as a build would) served by the model server: every V2 and {@code /invocations}
 * encoding answers what {@code mlci evaluate} scored (verify-image's own contract check), string
 * inputs included, and tritonclient agrees. Skipped without Python's scikit-learn and skl2onnx,
 * unless {@code MLCI_REQUIRE_PYTHON} is set.
 */
class ExternalModelServerTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long LIMIT = 10 << 20;

  @TempDir static Path work;

  /** A ZipMap classifier on 30 float columns (the breast-cancer-sklearn example). */
  static ServedModels.Trained forest;

  /**
   * A regressor on the diabetes data with 'sex' a category: inputs string, int64 and float (a
   * ColumnTransformer with a one-hot encoder).
   */
  static ServedModels.Trained ridge;

  static ModelServer forestServer;
  static ModelServer ridgeServer;

  @BeforeAll
  static void train() throws Exception {
    requirePython();
    Path examples = Path.of(System.getProperty("mlci.examples"));
    forest =
        ServedModels.trainRepository(
            examples.resolve("breast-cancer-sklearn"), work.resolve("forest-out"));
    Path repo = Files.createDirectories(work.resolve("diabetes-external/data"));
    Files.copy(examples.resolve("diabetes/data/diabetes.csv"), repo.resolve("diabetes.csv"));
    Path root = repo.getParent();
    try (var in =
        ExternalModelServerTest.class.getResourceAsStream("/external/train_diabetes.py")) {
      Files.write(root.resolve("train.py"), in.readAllBytes());
    }
    Files.writeString(
        root.resolve("ml.yaml"),
        """
        version: 1
        name: diabetes-external
        task: regression
        data:
          path: data/diabetes.csv
          target: progression
          id: patient_id
          categorical: [sex]
        model:
          trainer: external
          command: python3 train.py
        metrics: [rmse, mae, r2]
        """);
    ridge = ServedModels.trainRepository(root, work.resolve("ridge-out"));
    forestServer = start(forest);
    ridgeServer = start(ridge);
  }

  @AfterAll
  static void stop() {
    for (ModelServer s : new ModelServer[] {forestServer, ridgeServer}) {
      if (s != null) {
        s.shutdown();
      }
    }
  }

  private static void requirePython() throws Exception {
    V2ClientsTest.requireModules(
        "python3",
        "import sklearn, skl2onnx, pandas",
        "serving trainer: external models",
        "python3 -m pip install -r .ci/requirements.txt");
  }

  private static ModelServer start(ServedModels.Trained t) throws Exception {
    LoadedModel model = ModelLoader.load(t.modelDir(), 2);
    ServerMetrics metrics = new ServerMetrics();
    metrics.modelLoaded(model);
    ModelServer server =
        new ModelServer(ServerConfig.of("127.0.0.1", 0, LIMIT, 1000), model, metrics, "test");
    server.start();
    return server;
  }

  private static URI base(ModelServer s) {
    return URI.create("http://127.0.0.1:" + s.port());
  }

  @Test
  void externalModels_areServedByTheSharedOnnxGraph() throws Exception {
    for (ServedModels.Trained t : List.of(forest, ridge)) {
      LoadedModel m = ModelLoader.load(t.modelDir(), 1);
      try {
        assertThat(m.serving().external()).isTrue();
        assertThat(m.predictor()).isInstanceOf(ExternalOnnxPredictor.class);
      } finally {
        m.predictor().close();
      }
    }
    // The diabetes graph really takes a string, an int64 and float inputs, one per column.
    Map<String, String> types = new TreeMap<>();
    try (ai.onnxruntime.OrtSession s =
        ai.onnxruntime.OrtEnvironment.getEnvironment()
            .createSession(Files.readAllBytes(ridge.modelDir().resolve("model.onnx")))) {
      s.getInputInfo()
          .forEach(
              (name, node) ->
                  types.put(name, ((ai.onnxruntime.TensorInfo) node.getInfo()).type.name()));
    }
    assertThat(types).hasSize(10).containsEntry("sex", "STRING").containsEntry("age", "INT64");
    assertThat(types).containsEntry("bmi", "FLOAT");
    assertThat(ridge.cases().categorical()).contains(true);
  }

  @Test
  void everyEncoding_answersTheEvaluatedPredictions_andBadRequestsAreRefused() throws Exception {
    for (var e : List.of(List.of(forest, forestServer), List.of(ridge, ridgeServer))) {
      ServedModels.Trained t = (ServedModels.Trained) e.get(0);
      ServingContract.Report report =
          new ServingContract(base((ModelServer) e.get(1)), t.cases(), LIMIT).run();
      assertThat(report.failures()).as(t.cases().model()).isEmpty();
      assertThat(report.rowsCompared()).isEqualTo(t.cases().cases().size());
      assertThat(report.maxAbsDifference()).isLessThanOrEqualTo(ServingContract.TOLERANCE);
      assertThat(report.checks()).hasSizeGreaterThan(20);
    }
  }

  @Test
  void tritonClient_getsTheEvaluatedPredictions_withStringInputs(@TempDir Path tmp)
      throws Exception {
    String url = base(ridgeServer).toString();
    for (String client : new String[] {"spec", "triton"}) {
      V2ClientsTest.assertPassed(
          "diabetes-external / " + client,
          V2ClientsTest.run(client, url, ridge.cases().toJson(), tmp));
    }
  }

  @Test
  void anUnseenLevel_isScoredByThePipelinesEncoder_aStringForANumber_isRefused() throws Exception {
    String row =
        "{\"dataframe_split\": {\"columns\": [\"age\", \"sex\", \"bmi\", \"bp\", \"s1_tc\","
            + " \"s2_ldl\", \"s3_hdl\", \"s4_tch\", \"s5_ltg\", \"s6_glu\"], \"data\": [[59, \"%s\","
            + " %s, 101, 157, 93.2, 38, 4, 4.8598, 87]]}}";
    HttpResponse<String> unseen = post(ridgeServer, String.format(row, "3", "32.1"));
    assertThat(unseen.statusCode()).as(unseen.body()).isEqualTo(200);
    assertThat(JSON.readTree(unseen.body()).at("/predictions/0/prediction").isNumber()).isTrue();
    HttpResponse<String> text = post(ridgeServer, String.format(row, "2", "\"heavy\""));
    assertThat(text.statusCode()).isEqualTo(400);
    assertThat(text.body()).contains("row 0, column 'bmi': expected a number");
  }

  @Test
  void concurrentRequests_eachGetTheirOwnRowsScores() throws Exception {
    String body =
        "{\"inputs\": [{\"name\": \"sex\", \"datatype\": \"BYTES\", \"shape\": [1], \"data\":"
            + " [\"%s\"]}, %s]}";
    String numbers =
        "{\"name\": \"age\", \"datatype\": \"INT64\", \"shape\": [1], \"data\": [%d]}, "
            + String.join(
                ", ",
                List.of("bmi", "bp", "s1_tc", "s2_ldl", "s3_hdl", "s4_tch", "s5_ltg", "s6_glu")
                    .stream()
                    .map(
                        c ->
                            "{\"name\": \""
                                + c
                                + "\", \"datatype\": \"FP64\", \"shape\": [1],"
                                + " \"data\": [1.0]}")
                    .toList());
    List<String> bodies = new ArrayList<>();
    List<Double> alone = new ArrayList<>();
    for (int i = 0; i < 16; i++) {
      String b = String.format(body, i % 2 == 0 ? "1" : "2", String.format(numbers, 20 + i));
      bodies.add(b);
      alone.add(infer(b));
    }
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<Double>> got = new ArrayList<>();
      for (int round = 0; round < 10; round++) {
        for (String b : bodies) {
          got.add(pool.submit(() -> infer(b)));
        }
      }
      for (int i = 0; i < got.size(); i++) {
        assertThat(got.get(i).get()).isEqualTo(alone.get(i % bodies.size()));
      }
    } finally {
      pool.shutdownNow();
    }
  }

  private static double infer(String body) throws Exception {
    HttpResponse<String> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        base(ridgeServer).resolve("/v2/models/diabetes-external/infer"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return JSON.readTree(r.body()).at("/outputs/0/data/0").asDouble();
  }

  private static HttpResponse<String> post(ModelServer s, String body) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(base(s).resolve("/invocations"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
  }
}
