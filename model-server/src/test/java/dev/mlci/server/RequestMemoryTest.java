package dev.mlci.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.ObjectMapper;

/**
 * What decoding one maximum-size body costs, per shape, with the limits of the image's heap under a
 * 1 GiB limit (768 MiB): the bytes allocated while decoding (an upper bound of what the request
 * holds at its peak, measured by the JVM's per-thread allocation counter), never more than the
 * request's share {@link RequestLimits#decodeBytes} plus the body. Recorded in RELIABILITY.md.
 */
class RequestMemoryTest {
  private static final int MAX = (int) ServerConfig.DEFAULT_MAX_BODY_BYTES;

  @TempDir Path out;

  private static byte[] fill(String head, String unit, String sep, String tail) {
    StringBuilder sb = new StringBuilder(MAX).append(head);
    boolean first = true;
    while (sb.length() + unit.length() + sep.length() + tail.length() <= MAX) {
      sb.append(first ? "" : sep).append(unit);
      first = false;
    }
    return sb.append(tail).toString().getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void decodingAMaximumBody_staysWithinTheRequestsShare() throws Exception {
    LoadedModel model =
        ModelLoader.load(ServedModels.train("diabetes", out.resolve("d")).modelDir(), 1);
    RequestLimits limits =
        RequestLimits.of(
            ServerConfig.of("127.0.0.1", 0, MAX, ServerConfig.DEFAULT_MAX_ROWS), 768L << 20);
    ObjectMapper json = ModelServer.mapper(limits);
    String header = "age,sex,bmi,bp,s1_tc,s2_ldl,s3_hdl,s4_tch,s5_ltg,s6_glu\n";
    String row = "59,2,32.1,101,157,93.2,38,4,4.8598,87\n";
    Map<String, byte[]> csv = new LinkedHashMap<>();
    csv.put("csv-newlines", fill(header, "\n", "", ""));
    csv.put("csv-commas", fill("", ",", "", ""));
    csv.put(
        "csv-valid-rows",
        (header + row.repeat(ServerConfig.DEFAULT_MAX_ROWS)).getBytes(StandardCharsets.UTF_8));
    Map<String, byte[]> jsons = new LinkedHashMap<>();
    jsons.put("json-empty-arrays", fill("{\"instances\":[", "[]", ",", "]}"));
    jsons.put("json-huge-string", fill("{\"instances\":[[\"", "x", "", "\"]]}"));
    jsons.put("json-tiny-numbers", fill("{\"instances\":[[", "1", ",", "]]}"));
    jsons.put(
        "json-valid-rows",
        ("{\"instances\":["
                + "[59,\"2\",32.1,101,157,93.2,38,4,4.8598,87],".repeat(200_000)
                + "[59,\"2\",32.1,101,157,93.2,38,4,4.8598,87]]}")
            .getBytes(StandardCharsets.UTF_8));
    var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long id = Thread.currentThread().getId();
    StringBuilder report = new StringBuilder();
    for (int pass = 0; pass < 2; pass++) { // the first pass warms the code up
      report.setLength(0);
      for (Map.Entry<String, byte[]> e : csv.entrySet()) {
        long before = threads.getThreadAllocatedBytes(id);
        String outcome =
            outcome(
                () -> MlflowCodec.decodeCsv(e.getValue(), model, ServerConfig.DEFAULT_MAX_ROWS));
        long bytes = threads.getThreadAllocatedBytes(id) - before;
        report.append(
            String.format(
                "%n  %-18s %9d body bytes: %s, %6.1f MiB allocated",
                e.getKey(), e.getValue().length, outcome, bytes / 1048576.0));
        if (!e.getKey()
            .contains("valid")) { // valid rows are reported: their records are garbage at once
          assertThat(bytes).as(e.getKey()).isLessThan(limits.decodeBytes() + MAX);
        }
      }
      for (Map.Entry<String, byte[]> e : jsons.entrySet()) {
        long before = threads.getThreadAllocatedBytes(id);
        String outcome =
            outcome(
                () ->
                    MlflowCodec.decodeJson(
                        ModelServer.parse(json, limits, e.getValue()),
                        model,
                        ServerConfig.DEFAULT_MAX_ROWS));
        long bytes = threads.getThreadAllocatedBytes(id) - before;
        report.append(
            String.format(
                "%n  %-18s %9d body bytes: %s, %6.1f MiB allocated",
                e.getKey(), e.getValue().length, outcome, bytes / 1048576.0));
        if (!e.getKey()
            .contains("valid")) { // valid rows are reported: their records are garbage at once
          assertThat(bytes).as(e.getKey()).isLessThan(limits.decodeBytes() + MAX);
        }
      }
    }
    System.out.printf(
        "RELIABILITY request-memory: heap 768 MiB, MLCI_MAX_CONCURRENT %d, share per request %.1f"
            + " MiB, %d JSON tokens at most%s%n",
        ServerConfig.of("h", 0, MAX, 1).maxConcurrent(),
        limits.decodeBytes() / 1048576.0,
        limits.maxJsonTokens(),
        report);
  }

  private interface Decode {
    Batch run() throws BadRequest;
  }

  private static String outcome(Decode d) {
    try {
      return "decoded " + d.run().rows() + " rows";
    } catch (BadRequest e) {
      return e.status() + "";
    }
  }
}
