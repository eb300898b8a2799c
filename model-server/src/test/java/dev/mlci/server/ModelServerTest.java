package dev.mlci.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mlci.core.image.verify.ServingContract;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The server in process, on real models of the four examples: one per backend and output kind (ONNX
 * probabilities; Tribuo random forest, XGBoost; Tribuo regression with a categorical column).
 */
class ModelServerTest {
  private static final long LIMIT = 256 * 1024;
  private static final Map<String, ServedModels.Trained> MODELS = new HashMap<>();

  @TempDir static Path out;

  @BeforeAll
  static void train() throws Exception {
    for (String example : new String[] {"breast-cancer", "iris", "wine", "diabetes"}) {
      MODELS.put(example, ServedModels.train(example, out.resolve(example)));
    }
    MODELS.put("imputing", ServedModels.trainRepository(imputingRepository(), out.resolve("imp")));
  }

  /**
   * The breast-cancer example with every seventh 'mean radius' missing and {@code missing:
   * impute-mean}: a linear model that must not go to ONNX, whose test rows include missing cells.
   */
  private static Path imputingRepository() throws Exception {
    Path source = Path.of(System.getProperty("mlci.examples"), "breast-cancer");
    Path repo = Files.createDirectories(out.resolve("imputing-repo"));
    Files.createDirectories(repo.resolve("data"));
    String yaml = Files.readString(source.resolve("ml.yaml"));
    assertThat(yaml).contains("  id: sample_id\n");
    Files.writeString(
        repo.resolve("ml.yaml"),
        yaml.replace("  id: sample_id\n", "  id: sample_id\n  missing: impute-mean\n"));
    java.util.List<String> lines =
        Files.readAllLines(source.resolve("data/breast_cancer.csv"), StandardCharsets.UTF_8);
    int column = java.util.Arrays.asList(lines.get(0).split(",")).indexOf("mean radius");
    assertThat(column).isPositive();
    for (int i = 1; i < lines.size(); i += 7) {
      String[] cells = lines.get(i).split(",", -1);
      cells[column] = "";
      lines.set(i, String.join(",", cells));
    }
    Files.write(repo.resolve("data/breast_cancer.csv"), lines, StandardCharsets.UTF_8);
    return repo;
  }

  private static ServerConfig config() {
    return ServerConfig.of("127.0.0.1", 0, LIMIT, 1000);
  }

  private static ModelServer start(String example) throws Exception {
    LoadedModel model = ModelLoader.load(MODELS.get(example).modelDir(), 2);
    ServerMetrics metrics = new ServerMetrics();
    metrics.modelLoaded(model);
    ModelServer server = new ModelServer(config(), model, metrics, "test");
    server.start();
    return server;
  }

  private static URI base(ModelServer server) {
    return URI.create("http://127.0.0.1:" + server.port());
  }

  @ParameterizedTest
  @ValueSource(strings = {"breast-cancer", "iris", "wine", "diabetes", "imputing"})
  void servesTheEvaluatedPredictionsAndRefusesBadRequests(String example) throws Exception {
    ModelServer server = start(example);
    try {
      ServingContract.Report report =
          new ServingContract(base(server), MODELS.get(example).cases(), LIMIT).run();
      assertThat(report.failures()).as(example).isEmpty();
      assertThat(report.rowsCompared()).isEqualTo(MODELS.get(example).cases().cases().size());
      assertThat(report.maxAbsDifference()).isLessThanOrEqualTo(ServingContract.TOLERANCE);
      assertThat(report.checks()).hasSizeGreaterThan(20);
    } finally {
      server.shutdown();
    }
  }

  @Test
  void aModelThatImputesIsServedNativelyAndImputes() throws Exception {
    assertThat(ModelLoader.load(MODELS.get("imputing").modelDir(), 1).predictor().backend())
        .isEqualTo("tribuo");
    long missing =
        MODELS.get("imputing").cases().cases().stream()
            .filter(c -> c.values().stream().anyMatch(v -> v instanceof Double d && d.isNaN()))
            .count();
    assertThat(missing).as("test rows with a missing cell").isPositive();
  }

  @Test
  void requestsOverTheRowLimitAreRefusedBeforeScoring() throws Exception {
    ModelServer server = start("diabetes");
    try {
      StringBuilder rows = new StringBuilder();
      for (int i = 0; i < 1001; i++) {
        rows.append(i == 0 ? "" : ",").append("[59, \"2\", 32.1, 101, 157, 93.2, 38, 4, 4.8, 87]");
      }
      HttpResponse<String> r =
          post(
              server,
              "/invocations",
              "{\"dataframe_split\": {\"columns\": [\"age\", \"sex\", \"bmi\", \"bp\", \"s1_tc\","
                  + " \"s2_ldl\", \"s3_hdl\", \"s4_tch\", \"s5_ltg\", \"s6_glu\"], \"data\": ["
                  + rows
                  + "]}}");
      assertThat(r.statusCode()).isEqualTo(400);
      assertThat(r.body()).contains("1001 rows").contains("MLCI_MAX_ROWS");
    } finally {
      server.shutdown();
    }
  }

  /** A float client sends 2.0 for the level "2": it must mean the same category. */
  @Test
  void aNumberNamesTheCategoryLevelItEquals() throws Exception {
    ModelServer server = start("diabetes");
    try {
      String columns =
          "[\"age\", \"sex\", \"bmi\", \"bp\", \"s1_tc\", \"s2_ldl\", \"s3_hdl\", \"s4_tch\","
              + " \"s5_ltg\", \"s6_glu\"]";
      String asText =
          post(
                  server,
                  "/invocations",
                  "{\"dataframe_split\": {\"columns\": "
                      + columns
                      + ", \"data\": [[59, \"2\", 32.1, 101, 157, 93.2, 38, 4, 4.8, 87]]}}")
              .body();
      String asNumber =
          post(
                  server,
                  "/invocations",
                  "{\"dataframe_split\": {\"columns\": "
                      + columns
                      + ", \"data\": [[59, 2.0, 32.1, 101, 157, 93.2, 38, 4, 4.8, 87]]}}")
              .body();
      String otherLevel =
          post(
                  server,
                  "/invocations",
                  "{\"dataframe_split\": {\"columns\": "
                      + columns
                      + ", \"data\": [[59, \"1\", 32.1, 101, 157, 93.2, 38, 4, 4.8, 87]]}}")
              .body();
      assertThat(asText).startsWith("{\"predictions\"");
      assertThat(asNumber).isEqualTo(asText);
      assertThat(otherLevel).isNotEqualTo(asText);
    } finally {
      server.shutdown();
    }
  }

  /** A predictor failing at run time gives a 500 with a JSON body in each protocol's shape. */
  @Test
  void anUnexpectedFailureIsA500WithAJsonBody() throws Exception {
    LoadedModel real = ModelLoader.load(MODELS.get("breast-cancer").modelDir(), 1);
    Predictor broken =
        new Predictor() {
          @Override
          public double[][] predict(Batch batch) {
            throw new IllegalStateException("native library crashed");
          }

          @Override
          public String backend() {
            return "broken";
          }

          @Override
          public void close() {}
        };
    LoadedModel model =
        new LoadedModel(
            real.name(), real.version(), real.spec(), real.serving(), broken, real.digest(), 0);
    ModelServer server = new ModelServer(config(), model, new ServerMetrics(), "test");
    server.start();
    try {
      String row =
          Files.readString(MODELS.get("breast-cancer").modelDir().resolve("input_example.json"));
      HttpResponse<String> mlflow =
          post(server, "/invocations", "{\"dataframe_split\": " + row + "}");
      assertThat(mlflow.statusCode()).isEqualTo(500);
      assertThat(mlflow.body()).contains("\"error_code\"").contains("IllegalStateException");
      HttpResponse<String> v2 =
          post(
              server,
              "/v2/models/breast-cancer/infer",
              "{\"inputs\": [{\"name\": \"x\", \"datatype\": \"FP64\", \"shape\": [1, 30], \"data\": "
                  + java.util.Collections.nCopies(30, "1.0")
                  + "}]}");
      assertThat(v2.statusCode()).isEqualTo(500);
      assertThat(v2.body()).startsWith("{\"error\"").contains("see the server log");
    } finally {
      server.shutdown();
    }
  }

  /** A chunked body that exceeds the limit and never ends is answered 413 and cut off. */
  @Test
  void anEndlessChunkedBodyIsCutOffAtTheLimit() throws Exception {
    ModelServer server = start("iris");
    try (Socket socket = new Socket("127.0.0.1", server.port())) {
      socket.setSoTimeout(20_000);
      OutputStream o = socket.getOutputStream();
      o.write(
          ("POST /v2/models/iris/infer HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                  + "Transfer-Encoding: chunked\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      byte[] chunk = new byte[64 * 1024];
      java.util.Arrays.fill(chunk, (byte) ' ');
      String size = Integer.toHexString(chunk.length) + "\r\n";
      try {
        for (long sent = 0; sent <= LIMIT + chunk.length; sent += chunk.length) {
          o.write(size.getBytes(StandardCharsets.US_ASCII));
          o.write(chunk);
          o.write("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        o.flush();
      } catch (java.net.SocketException e) {
        // The server may answer and close while the last chunks are still on their way (that is
        // the point): writing then fails with a broken pipe, and the answer is still to be read.
      }
      // No terminating chunk: the server must answer anyway and close the connection.
      String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(response).startsWith("HTTP/1.1 413").contains("exceeds the limit");
    } finally {
      server.shutdown();
    }
  }

  /**
   * A client that sends its whole chunked body before it reads (as curl and most HTTP clients do)
   * gets the 413 although the body runs on past the limit: the server lingers, reading and dropping
   * what still arrives, before it closes. Closing at once would leave unread bytes in the server's
   * socket, and the kernel then resets the connection, which discards the 413 before the client
   * reads it.
   */
  @Test
  void aClientStillSendingAnOverLimitChunkedBodyReadsThe413() throws Exception {
    ModelServer server = start("iris");
    try {
      for (int round = 0; round < 5; round++) {
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
          socket.setSoTimeout(20_000);
          OutputStream o = socket.getOutputStream();
          o.write(
              ("POST /v2/models/iris/infer HTTP/1.1\r\nHost: x\r\n"
                      + "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n")
                  .getBytes(StandardCharsets.US_ASCII));
          byte[] chunk = new byte[16 * 1024];
          java.util.Arrays.fill(chunk, (byte) ' ');
          byte[] size =
              (Integer.toHexString(chunk.length) + "\r\n").getBytes(StandardCharsets.US_ASCII);
          byte[] crlf = "\r\n".getBytes(StandardCharsets.US_ASCII);
          // Four times the limit, then the terminating chunk: all written before reading.
          for (long sent = 0; sent < 4 * LIMIT; sent += chunk.length) {
            o.write(size);
            o.write(chunk);
            o.write(crlf);
          }
          o.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
          o.flush();
          String response =
              new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
          assertThat(response)
              .as("round %d", round)
              .startsWith("HTTP/1.1 413")
              .contains("exceeds the limit");
        }
      }
    } finally {
      server.shutdown();
    }
  }

  private static HttpResponse<String> post(ModelServer server, String path, String body)
      throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(base(server).resolve(path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void theBackendFollowsServingJson() throws Exception {
    assertThat(ModelLoader.load(MODELS.get("breast-cancer").modelDir(), 1).predictor().backend())
        .isEqualTo("onnx");
    assertThat(ModelLoader.load(MODELS.get("wine").modelDir(), 1).predictor().backend())
        .isEqualTo("tribuo");
  }

  @Test
  void aTamperedModelIsRefused(@TempDir Path tmp) throws Exception {
    Path copy = tmp.resolve("model");
    Files.createDirectories(copy);
    try (var files = Files.list(MODELS.get("iris").modelDir())) {
      for (Path f : files.toList()) {
        Files.copy(f, copy.resolve(f.getFileName()));
      }
    }
    byte[] bytes = Files.readAllBytes(copy.resolve("model.tribuo"));
    bytes[bytes.length / 2] ^= 1;
    Files.write(copy.resolve("model.tribuo"), bytes);
    assertThatThrownBy(() -> ModelLoader.load(copy, 1))
        .isInstanceOf(ModelLoader.LoadException.class)
        .hasMessageContaining("fails its checksums")
        .hasMessageContaining("model.tribuo");
  }

  /** Issue 14: alter model.onnx and delete its line from checksums.sha256: still refused. */
  @Test
  void anAlteredModelWhoseChecksumLineWasRemovedIsRefused(@TempDir Path tmp) throws Exception {
    Path copy = tmp.resolve("model");
    Files.createDirectories(copy);
    try (var files = Files.list(MODELS.get("breast-cancer").modelDir())) {
      for (Path f : files.toList()) {
        Files.copy(f, copy.resolve(f.getFileName()));
      }
    }
    byte[] bytes = Files.readAllBytes(copy.resolve("model.onnx"));
    bytes[bytes.length - 1] ^= 1;
    Files.write(copy.resolve("model.onnx"), bytes);
    Path sums = copy.resolve("checksums.sha256");
    java.util.List<String> lines = Files.readAllLines(sums);
    assertThat(lines.removeIf(l -> l.endsWith("  model.onnx"))).isTrue();
    Files.write(sums, lines);
    assertThatThrownBy(() -> ModelLoader.load(copy, 1))
        .isInstanceOf(ModelLoader.LoadException.class)
        .hasMessageContaining("model.onnx is not listed in checksums.sha256");
  }

  @Test
  void aMissingModelDirectoryIsNamed(@TempDir Path tmp) {
    assertThatThrownBy(() -> ModelLoader.load(tmp.resolve("absent"), 1))
        .isInstanceOf(ModelLoader.LoadException.class)
        .hasMessageContaining("MLCI_MODEL_DIR");
  }

  /** 10,000 malformed requests of every kind: all 4xx, and the server still serves afterwards. */
  @Test
  void survivesTenThousandMalformedRequests() throws Exception {
    ModelServer server = start("breast-cancer");
    HttpClient http = HttpClient.newHttpClient();
    URI infer = base(server).resolve("/v2/models/breast-cancer/infer");
    String[] bodies = {
      "{",
      "[]",
      "null",
      "{\"inputs\": 3}",
      "{\"inputs\": [{\"name\": \"x\", \"datatype\": \"FP64\", \"shape\": [1, 30], \"data\": [1]}]}",
      "{\"inputs\": [{\"name\": \"mean radius\", \"datatype\": \"BOOL\", \"shape\": [1], \"data\": [true]}]}",
      "{\"inputs\": [{\"name\": \"mean radius\", \"datatype\": \"FP64\", \"shape\": [-1], \"data\": [1]}]}",
      "{\"inputs\": [{\"name\": \"mean radius\", \"datatype\": \"FP64\", \"shape\": [1], \"data\": [\"a\"]}]}",
      "\u0000\u0001garbage",
      "{\"inputs\": [{\"name\": \"mean radius\", \"datatype\": \"FP64\", \"shape\": [99999999999], \"data\": []}]}",
    };
    AtomicInteger fourXx = new AtomicInteger();
    AtomicInteger other = new AtomicInteger();
    AtomicInteger transport = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      Future<?>[] futures = new Future<?>[8];
      for (int t = 0; t < futures.length; t++) {
        int thread = t;
        futures[t] =
            pool.submit(
                () -> {
                  for (int i = thread; i < 10_000; i += 8) {
                    HttpRequest request =
                        HttpRequest.newBuilder(infer)
                            .POST(HttpRequest.BodyPublishers.ofString(bodies[i % bodies.length]))
                            .build();
                    int status;
                    try {
                      status =
                          http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
                    } catch (java.io.IOException e) {
                      // A kept-alive connection can be closed by the peer just as the client
                      // reuses it (RFC 9112 section 9.3.1; the JDK's client retries only GET):
                      // count it and resend once on a new connection, which must be answered.
                      // A server that dropped some body's connection would fail here every time.
                      transport.incrementAndGet();
                      status =
                          HttpClient.newHttpClient()
                              .send(request, HttpResponse.BodyHandlers.discarding())
                              .statusCode();
                    }
                    if (status >= 400 && status < 500) {
                      fourXx.incrementAndGet();
                    } else {
                      other.incrementAndGet();
                    }
                  }
                  return null;
                });
      }
      for (Future<?> f : futures) {
        f.get(5, TimeUnit.MINUTES);
      }
      assertThat(other.get()).isZero();
      assertThat(fourXx.get()).isEqualTo(10_000);
      assertThat(transport.get()).as("connections lost before an answer, of 10,000").isLessThan(4);
      assertThat(ServingContract.ready(base(server))).isTrue();
      ServingContract.Report after =
          new ServingContract(base(server), MODELS.get("breast-cancer").cases(), LIMIT).run();
      assertThat(after.failures()).isEmpty();
    } finally {
      pool.shutdownNow();
      server.shutdown();
    }
  }

  /** SIGTERM's path: a request in flight when shutdown starts still gets its answer. */
  @Test
  void shutdownLetsInFlightRequestsFinish() throws Exception {
    ModelServer server = start("diabetes");
    String body =
        "{\"dataframe_split\": {\"columns\": [\"age\", \"sex\", \"bmi\", \"bp\", \"s1_tc\","
            + " \"s2_ldl\", \"s3_hdl\", \"s4_tch\", \"s5_ltg\", \"s6_glu\"], \"data\": [[59,"
            + " \"2\", 32.1, 101, 157, 93.2, 38, 4, 4.8598, 87]]}}";
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    try (Socket socket = new Socket("127.0.0.1", server.port())) {
      OutputStream outStream = socket.getOutputStream();
      outStream.write(
          ("POST /invocations HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                  + "Content-Length: "
                  + bytes.length
                  + "\r\nConnection: close\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      outStream.write(bytes, 0, 10);
      outStream.flush();
      Thread.sleep(200);
      Thread stopper = new Thread(server::shutdown);
      stopper.start();
      Thread.sleep(300);
      assertThat(stopper.isAlive()).as("shutdown waits for the request in flight").isTrue();
      outStream.write(bytes, 10, bytes.length - 10);
      outStream.flush();
      InputStream in = socket.getInputStream();
      String response = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      assertThat(response).startsWith("HTTP/1.1 200").contains("\"predictions\"");
      stopper.join(10_000);
      assertThat(stopper.isAlive()).isFalse();
    }
  }
}
