package dev.mlci.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mlci.core.image.verify.ServingContract;
import java.io.File;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server as the image runs it under the manifests' 1 GiB memory limit: a separate JVM with the
 * image's flags ({@code -XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError}) and {@code
 * -XX:MaxRAM=1g}, so its heap is what a 1 GiB container gives it (768 MiB). Several bodies of the
 * maximum size (10 MiB) of each pathological shape arrive at once, twice: each gets a 4xx, the
 * process lives, and the evaluated test rows are answered exactly afterwards. Bounded: about 30 s.
 */
class HostileBodiesTest {
  private static final int MAX = (int) ServerConfig.DEFAULT_MAX_BODY_BYTES;
  private static final int EACH = 3;

  @TempDir Path out;

  /** A body of exactly {@code size} bytes: {@code head}, {@code unit} repeated, {@code tail}. */
  private static byte[] body(String head, String unit, String sep, String tail, int size) {
    StringBuilder sb = new StringBuilder(size).append(head);
    boolean first = true;
    while (sb.length() + unit.length() + sep.length() + tail.length() <= size) {
      sb.append(first ? "" : sep).append(unit);
      first = false;
    }
    sb.append(tail);
    return sb.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** The shapes: where each goes, its content type, its bytes (each at most the body limit). */
  private static Map<String, Object[]> shapes() {
    String header = "age,sex,bmi,bp,s1_tc,s2_ldl,s3_hdl,s4_tch,s5_ltg,s6_glu\n";
    Map<String, Object[]> m = new LinkedHashMap<>();
    m.put(
        "csv-newlines", new Object[] {"/invocations", "text/csv", body(header, "\n", "", "", MAX)});
    m.put("csv-commas", new Object[] {"/invocations", "text/csv", body("", ",", "", "", MAX)});
    m.put(
        "json-empty-arrays",
        new Object[] {
          "/invocations", "application/json", body("{\"instances\":[", "[]", ",", "]}", MAX)
        });
    m.put(
        "json-huge-string",
        new Object[] {
          "/invocations", "application/json", body("{\"instances\":[[\"", "x", "", "\"]]}", MAX)
        });
    m.put(
        "json-tiny-numbers",
        new Object[] {
          "/invocations", "application/json", body("{\"instances\":[[", "1", ",", "]]}", MAX)
        });
    m.put(
        "v2-tiny-numbers",
        new Object[] {
          "/v2/models/diabetes/infer",
          "application/json",
          body(
              "{\"inputs\":[{\"name\":\"age\",\"datatype\":\"FP64\",\"shape\":[5000000],\"data\":[",
              "1",
              ",",
              "]}]}",
              MAX)
        });
    m.put(
        "v2-empty-arrays",
        new Object[] {
          "/v2/models/diabetes/infer",
          "application/json",
          body(
              "{\"inputs\":[{\"name\":\"age\",\"datatype\":\"FP64\",\"shape\":[1],\"data\":[",
              "[]",
              ",",
              "]}]}",
              MAX)
        });
    return m;
  }

  @Test
  void maximumBodiesOfEveryShape_allRefused_serverLivesAndStaysExact() throws Exception {
    ServedModels.Trained trained = ServedModels.train("diabetes", out.resolve("diabetes"));
    int port;
    try (ServerSocket free = new ServerSocket(0)) {
      port = free.getLocalPort();
    }
    ProcessBuilder pb =
        new ProcessBuilder(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-XX:MaxRAM=1g",
            "-XX:MaxRAMPercentage=75",
            "-XX:+ExitOnOutOfMemoryError",
            "-cp",
            System.getProperty("java.class.path"),
            "dev.mlci.server.Main",
            trained.modelDir().toString());
    pb.environment().put("MLCI_HOST", "127.0.0.1");
    pb.environment().put("MLCI_PORT", Integer.toString(port));
    File log = out.resolve("server.log").toFile();
    pb.redirectErrorStream(true).redirectOutput(log);
    Process server = pb.start();
    URI base = URI.create("http://127.0.0.1:" + port);
    try {
      long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
      while (!ServingContract.ready(base)) {
        assertThat(server.isAlive())
            .as("server started: %s", Files.readString(log.toPath()))
            .isTrue();
        assertThat(System.nanoTime()).as("ready within 90 s").isLessThan(until);
        Thread.sleep(200);
      }
      HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
      AtomicLong peakHeap = new AtomicLong();
      Thread sampler = new Thread(() -> sampleHeap(http, base, peakHeap), "heap-sampler");
      sampler.setDaemon(true);
      sampler.start();
      Map<String, Object[]> shapes = shapes();
      List<String> outcomes = new ArrayList<>();
      for (int round = 0; round < 2; round++) {
        List<CompletableFuture<String>> answers = new ArrayList<>();
        for (int i = 0; i < EACH; i++) {
          for (Map.Entry<String, Object[]> shape : shapes.entrySet()) {
            Object[] s = shape.getValue();
            HttpRequest request =
                HttpRequest.newBuilder(base.resolve((String) s[0]))
                    .timeout(Duration.ofSeconds(60))
                    .header("Content-Type", (String) s[1])
                    .POST(HttpRequest.BodyPublishers.ofByteArray((byte[]) s[2]))
                    .build();
            answers.add(
                http.sendAsync(request, HttpResponse.BodyHandlers.ofString())
                    .thenApply(r -> shape.getKey() + " " + r.statusCode() + " " + r.body()));
          }
        }
        for (CompletableFuture<String> a : answers) {
          outcomes.add(a.get(120, TimeUnit.SECONDS));
        }
      }
      sampler.interrupt();
      assertThat(server.isAlive()).as(Files.readString(log.toPath())).isTrue();
      for (String o : outcomes) {
        assertThat(o).as(o).matches("(?s)\\S+ 4\\d\\d \\{.*\"(error|message)\".*");
      }
      ServingContract.Report after = new ServingContract(base, trained.cases(), MAX).run();
      assertThat(after.failures()).isEmpty();
      assertThat(after.maxAbsDifference()).isLessThan(1e-9);
      String status = Files.readString(Path.of("/proc/" + server.pid() + "/status"));
      Matcher hwm = Pattern.compile("VmHWM:\\s+(\\d+) kB").matcher(status);
      String rss = hwm.find() ? Long.parseLong(hwm.group(1)) / 1024 + " MiB" : "unknown";
      Map<String, Long> statuses = new LinkedHashMap<>();
      outcomes.forEach(o -> statuses.merge(o.split(" ")[1], 1L, Long::sum));
      System.out.printf(
          "RELIABILITY hostile-bodies: %d bodies of %d bytes (%d shapes x %d, twice), statuses %s,"
              + " server alive, peak heap used %d MiB of 768, peak RSS %s%n",
          outcomes.size(), MAX, shapes.size(), EACH, statuses, peakHeap.get() >> 20, rss);
      List<String> log1 = Files.readAllLines(log.toPath());
      assertThat(log1).noneMatch(l -> l.contains("\tat ") || l.contains("SEVERE"));
    } finally {
      server.destroy();
      server.waitFor(20, TimeUnit.SECONDS);
    }
  }

  /** Polls the server's own heap gauge (Prometheus JVM metrics) and keeps the highest. */
  private static void sampleHeap(HttpClient http, URI base, AtomicLong peak) {
    Pattern used = Pattern.compile("(?m)^jvm_memory_used_bytes\\{area=\"heap\"\\} (\\S+)$");
    while (!Thread.currentThread().isInterrupted()) {
      try {
        String text =
            http.send(
                    HttpRequest.newBuilder(base.resolve("/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString())
                .body();
        Matcher m = used.matcher(text);
        if (m.find()) {
          peak.accumulateAndGet((long) Double.parseDouble(m.group(1)), Math::max);
        }
        Thread.sleep(50);
      } catch (InterruptedException e) {
        return;
      } catch (Exception e) {
        // a sample lost under load; the next one counts
      }
    }
  }
}
