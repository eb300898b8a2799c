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
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Slow clients against the server in process, on the diabetes example: bodies trickling a byte at a
 * time take no inference thread, cannot outlive the request deadline, and readiness reports a
 * server at its connection cap. Bounded in time: about 15 s in all.
 */
class SlowClientTest {
  private static final String ROW =
      "{\"dataframe_split\": {\"columns\": [\"age\", \"sex\", \"bmi\", \"bp\", \"s1_tc\","
          + " \"s2_ldl\", \"s3_hdl\", \"s4_tch\", \"s5_ltg\", \"s6_glu\"], \"data\": [[59,"
          + " \"2\", 32.1, 101, 157, 93.2, 38, 4, 4.8598, 87]]}}";

  @TempDir static Path out;
  private static LoadedModel model;
  private static ScheduledExecutorService ticker;

  @BeforeAll
  static void train() throws Exception {
    model = ModelLoader.load(ServedModels.train("diabetes", out.resolve("diabetes")).modelDir(), 2);
    ticker = Executors.newSingleThreadScheduledExecutor();
  }

  @AfterAll
  static void stop() {
    ticker.shutdownNow();
  }

  private static ModelServer start(Duration timeout, int connections) {
    ServerConfig config =
        ServerConfig.of("127.0.0.1", 0, 1 << 20, 1000).withRequestTimeout(timeout, connections);
    ModelServer server = new ModelServer(config, model, new ServerMetrics(), "test");
    server.start();
    return server;
  }

  /** A connection that sent its headers, announcing 1000 bytes, and sends one byte per tick. */
  private static Socket trickle(ModelServer server) throws Exception {
    Socket s = new Socket("127.0.0.1", server.port());
    s.setSoTimeout(20_000);
    s.getOutputStream()
        .write(
            ("POST /invocations HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                    + "Content-Length: 1000\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
    return s;
  }

  private static void tick(List<Socket> sockets) {
    for (Socket s : sockets) {
      try {
        OutputStream o = s.getOutputStream();
        o.write(' ');
        o.flush();
      } catch (Exception closed) {
        // the server closed it (deadline): nothing more to send
      }
    }
  }

  @Test
  void sixtyFourTricklingConnections_validRequestsStayFast() throws Exception {
    ModelServer server = start(Duration.ofSeconds(30), ServerConfig.DEFAULT_MAX_CONNECTIONS);
    List<Socket> slow = new ArrayList<>();
    try {
      for (int i = 0; i < 64; i++) {
        slow.add(trickle(server));
      }
      var ticks = ticker.scheduleAtFixedRate(() -> tick(slow), 0, 100, TimeUnit.MILLISECONDS);
      HttpClient http = HttpClient.newHttpClient();
      URI uri = URI.create("http://127.0.0.1:" + server.port() + "/invocations");
      HttpRequest request =
          HttpRequest.newBuilder(uri)
              .header("Content-Type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofString(ROW))
              .build();
      String expected = http.send(request, HttpResponse.BodyHandlers.ofString()).body();
      assertThat(expected).startsWith("{\"predictions\"");
      for (int i = 0; i < 50; i++) { // warm-up
        http.send(request, HttpResponse.BodyHandlers.ofString());
      }
      List<Long> micros = new ArrayList<>();
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (System.nanoTime() < end) {
        long t0 = System.nanoTime();
        HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
        micros.add((System.nanoTime() - t0) / 1000);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo(expected);
      }
      HttpResponse<String> ready =
          http.send(
              HttpRequest.newBuilder(uri.resolve("/v2/health/ready")).build(),
              HttpResponse.BodyHandlers.ofString());
      ticks.cancel(false);
      long[] sorted = micros.stream().mapToLong(Long::longValue).sorted().toArray();
      long p50 = sorted[sorted.length / 2];
      long p99 = sorted[(int) Math.ceil(sorted.length * 0.99) - 1];
      System.out.printf(
          "RELIABILITY slow-client: 64 trickling connections, %d valid requests in 5 s,"
              + " p50 %.2f ms, p99 %.2f ms, max %.2f ms%n",
          sorted.length, p50 / 1000.0, p99 / 1000.0, sorted[sorted.length - 1] / 1000.0);
      assertThat(p99).as("p99 in µs").isLessThan(100_000);
      assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
      for (Socket s : slow) {
        assertThat(s.isClosed()).isFalse();
      }
    } finally {
      for (Socket s : slow) {
        s.close();
      }
      server.shutdown();
    }
  }

  @Test
  void aTrickledBody_isAnswered408AtTheDeadline_andClosed() throws Exception {
    ModelServer server = start(Duration.ofSeconds(2), ServerConfig.DEFAULT_MAX_CONNECTIONS);
    try (Socket s = trickle(server)) {
      long t0 = System.nanoTime();
      var ticks = ticker.scheduleAtFixedRate(() -> tick(List.of(s)), 0, 100, TimeUnit.MILLISECONDS);
      InputStream in = s.getInputStream();
      String response = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      double seconds = (System.nanoTime() - t0) / 1e9;
      ticks.cancel(false);
      assertThat(response)
          .startsWith("HTTP/1.1 408")
          .contains("MLCI_REQUEST_TIMEOUT_SECONDS")
          .contains("\"error_code\"");
      assertThat(seconds).as("answered at the deadline, not later").isBetween(1.5, 5.0);
    } finally {
      server.shutdown();
    }
  }

  @Test
  void beyondTheConnectionCap_connectionsWaitUntilOthersClose() throws Exception {
    ModelServer server = start(Duration.ofSeconds(30), 4);
    List<Socket> idle = new ArrayList<>();
    try {
      for (int i = 0; i < 4; i++) {
        idle.add(new Socket("127.0.0.1", server.port()));
      }
      Thread.sleep(200);
      try (Socket extra = new Socket("127.0.0.1", server.port())) {
        extra.setSoTimeout(1000);
        extra
            .getOutputStream()
            .write("GET /v2 HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        InputStream in = extra.getInputStream();
        org.assertj.core.api.Assertions.assertThatThrownBy(in::read)
            .as("not accepted while 4 connections are open")
            .isInstanceOf(java.net.SocketTimeoutException.class);
        for (Socket s : idle) {
          s.close();
        }
        extra.setSoTimeout(10_000);
        byte[] status = in.readNBytes(12);
        assertThat(new String(status, StandardCharsets.US_ASCII)).isEqualTo("HTTP/1.1 200");
      }
    } finally {
      for (Socket s : idle) {
        s.close();
      }
      server.shutdown();
    }
  }

  @Test
  void atTheConnectionCap_readinessSays503() throws Exception {
    ModelServer server = start(Duration.ofSeconds(30), 6);
    HttpClient http = HttpClient.newHttpClient();
    URI ready = URI.create("http://127.0.0.1:" + server.port() + "/v2/health/ready");
    List<Socket> idle = new ArrayList<>();
    try {
      assertThat(
              http.send(HttpRequest.newBuilder(ready).build(), HttpResponse.BodyHandlers.ofString())
                  .statusCode())
          .isEqualTo(200);
      for (int i = 0; i < 4; i++) {
        idle.add(new Socket("127.0.0.1", server.port()));
      }
      Thread.sleep(200);
      HttpResponse<String> saturated =
          http.send(HttpRequest.newBuilder(ready).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(saturated.statusCode()).isEqualTo(503);
      assertThat(saturated.body()).contains("MLCI_MAX_CONNECTIONS=6");
      for (Socket s : idle) {
        s.close();
      }
      Thread.sleep(300);
      assertThat(
              Arrays.asList(
                  http.send(
                          HttpRequest.newBuilder(ready).build(),
                          HttpResponse.BodyHandlers.ofString())
                      .statusCode()))
          .containsExactly(200);
    } finally {
      for (Socket s : idle) {
        s.close();
      }
      server.shutdown();
    }
  }
}
