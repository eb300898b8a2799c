package dev.mlci.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bad inputs of issue 14, each over HTTP against the diabetes example (numeric columns and the
 * categorical 'sex'): a 4xx with a message, never a 5xx, echoed values cut, one short log line.
 */
class BadInputTest {
  private static final String COLUMNS =
      "\"age\", \"sex\", \"bmi\", \"bp\", \"s1_tc\", \"s2_ldl\", \"s3_hdl\", \"s4_tch\","
          + " \"s5_ltg\", \"s6_glu\"";
  private static final String BIG = "1" + "0".repeat(399);

  @TempDir static Path out;
  private static ModelServer server;
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @BeforeAll
  static void start() throws Exception {
    LoadedModel model =
        ModelLoader.load(ServedModels.train("diabetes", out.resolve("diabetes")).modelDir(), 2);
    server =
        new ModelServer(
            ServerConfig.of("127.0.0.1", 0, 1 << 20, 1000), model, new ServerMetrics(), "t");
    server.start();
  }

  @AfterAll
  static void stop() {
    server.shutdown();
  }

  private static HttpResponse<String> post(String path, String type, String body) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
            .header("Content-Type", type)
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static String split(String row) {
    return "{\"dataframe_split\": {\"columns\": [" + COLUMNS + "], \"data\": [[" + row + "]]}}";
  }

  @Test
  void contentTypeOfASemicolon_is415WithAMessage() throws Exception {
    try (Socket s = new Socket("127.0.0.1", server.port())) {
      OutputStream o = s.getOutputStream();
      o.write(
          ("POST /invocations HTTP/1.1\r\nHost: x\r\nContent-Type: ;\r\nContent-Length: 2\r\n"
                  + "Connection: close\r\n\r\n{}")
              .getBytes(StandardCharsets.US_ASCII));
      InputStream in = s.getInputStream();
      String response = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      assertThat(response)
          .startsWith("HTTP/1.1 415")
          .contains("\"error_code\":\"BAD_REQUEST\"")
          .contains("content type ';' is not supported");
    }
  }

  @Test
  void getOnInvocations_is405InMlflowsErrorShape() throws Exception {
    try (Socket s = new Socket("127.0.0.1", server.port())) {
      OutputStream o = s.getOutputStream();
      o.write(
          "GET /invocations HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
              .getBytes(StandardCharsets.US_ASCII));
      String response = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(response)
          .startsWith("HTTP/1.1 405")
          .contains("\"error_code\":\"BAD_REQUEST\"")
          .contains("GET is not allowed on /invocations");
    }
  }

  @Test
  void aFourHundredDigitIntegerInANumericCell_is400() throws Exception {
    HttpResponse<String> r =
        post(
            "/invocations",
            "application/json",
            split(BIG + ", \"2\", 32.1, 101, 157, 93.2, 38, 4, 4.8, 87"));
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.body())
        .contains("BAD_REQUEST")
        .contains("a number in the JSON body is longer than 100");
  }

  @Test
  void aNinetyDigitIntegerInANumericCell_is400NotFinite() throws Exception {
    String ninety = "9".repeat(90) + "e300";
    HttpResponse<String> r =
        post(
            "/invocations",
            "application/json",
            split(ninety + ", \"2\", 32.1, 101, 157, 93.2, 38, 4, 4.8, 87"));
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.body()).contains("column 'age'").contains("not finite");
  }

  @Test
  void aShapeDimensionOf2To63_is400() throws Exception {
    HttpResponse<String> r =
        post(
            "/v2/models/diabetes/infer",
            "application/json",
            "{\"inputs\": [{\"name\": \"age\", \"datatype\": \"FP64\", \"shape\":"
                + " [9223372036854775808], \"data\": [1]}]}");
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.body()).contains("must hold positive integers");
  }

  @Test
  void oneE400InACategoricalColumn_is400() throws Exception {
    HttpResponse<String> r =
        post(
            "/invocations",
            "application/json",
            split("59, 1e400, 32.1, 101, 157, 93.2, 38, 4, 4.8, 87"));
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.body()).contains("column 'sex'").contains("names no category");
  }

  @Test
  void aLongValueIsEchoedCut() throws Exception {
    String longName = "x".repeat(50_000);
    HttpResponse<String> r =
        post(
            "/invocations",
            "application/json",
            "{\"dataframe_records\": [{\"" + longName + "\": 1}]}");
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.body()).contains("unknown column").contains("(50000 characters)");
    assertThat(r.body().length()).isLessThan(1000);
  }

  @Test
  void aStringBeyondTheLimit_isRefusedWhileParsing() throws Exception {
    HttpResponse<String> r =
        post("/invocations", "application/json", split("\"" + "y".repeat(100_000) + "\""));
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.body())
        .contains("a string in the JSON body is longer than 65536")
        .hasSizeLessThan(1000);
  }

  @Test
  void tooManyJsonTokens_is413WhileParsing() {
    // The limits a 64 MiB heap gives: about 100,000 tokens a request.
    RequestLimits small =
        RequestLimits.of(ServerConfig.of("127.0.0.1", 0, 1 << 20, 1000), 64L << 20);
    StringBuilder sb = new StringBuilder("{\"instances\": [[]");
    for (long i = 1; i < small.maxJsonTokens(); i++) {
      sb.append(",[]");
    }
    byte[] body = (sb + "]}").getBytes(StandardCharsets.UTF_8);
    assertThat(body.length).isLessThan(1 << 20);
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> ModelServer.parse(ModelServer.mapper(small), small, body))
        .isInstanceOfSatisfying(BadRequest.class, e -> assertThat(e.status()).isEqualTo(413))
        .hasMessageContaining("more than " + small.maxJsonTokens());
  }

  @Test
  void refusals_logAtMostOneShortLineASecond() {
    Logger logger = Logger.getAnonymousLogger();
    logger.setUseParentHandlers(false);
    List<LogRecord> records = new ArrayList<>();
    logger.addHandler(
        new Handler() {
          @Override
          public void publish(LogRecord record) {
            records.add(record);
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        });
    QuietLog quiet = new QuietLog(logger);
    for (int i = 0; i < 1000; i++) {
      quiet.refused(400, "POST", "/invocations", "bad " + "z".repeat(10_000));
    }
    assertThat(records).hasSize(1);
    assertThat(records.get(0).getMessage()).hasSizeLessThan(400).contains("(10004 characters)");
    assertThat(records.get(0).getThrown()).isNull();
  }
}
