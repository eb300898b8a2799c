package dev.mlci.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

class ContentEncodingTest {
  private static final byte[] BODY =
      "{\"inputs\": [{\"name\": \"x\", \"datatype\": \"FP64\", \"shape\": [1], \"data\": [1.5]}]}"
          .getBytes(StandardCharsets.UTF_8);

  private static byte[] gzip(byte[] b) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(b);
    }
    return out.toByteArray();
  }

  private static byte[] deflate(byte[] b, boolean raw) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (DeflaterOutputStream z =
        new DeflaterOutputStream(out, new Deflater(Deflater.DEFAULT_COMPRESSION, raw))) {
      z.write(b);
    }
    return out.toByteArray();
  }

  @Test
  void decode_gzipZlibAndRawDeflate_giveTheBodyBack() throws Exception {
    assertThat(ContentEncoding.decode("gzip", gzip(BODY), 1024)).isEqualTo(BODY);
    assertThat(ContentEncoding.decode("deflate", deflate(BODY, false), 1024)).isEqualTo(BODY);
    assertThat(ContentEncoding.decode("deflate", deflate(BODY, true), 1024)).isEqualTo(BODY);
    assertThat(ContentEncoding.decode("identity", BODY, 1024)).isEqualTo(BODY);
    assertThat(ContentEncoding.decode(null, BODY, 1024)).isEqualTo(BODY);
    assertThat(ContentEncoding.decode("deflate, gzip", gzip(deflate(BODY, false)), 1024))
        .isEqualTo(BODY);
  }

  @Test
  void decode_aBodyExpandingPastTheLimit_is413() throws Exception {
    byte[] bomb = gzip(new byte[10 << 20]); // 10 MiB of zeros in about 10 KB
    assertThat(bomb.length).isLessThan(20_000);
    assertThatThrownBy(() -> ContentEncoding.decode("gzip", bomb, 1 << 20))
        .isInstanceOfSatisfying(BadRequest.class, e -> assertThat(e.status()).isEqualTo(413))
        .hasMessageContaining("MLCI_MAX_BODY_BYTES");
    byte[] zbomb = deflate(new byte[10 << 20], false);
    assertThatThrownBy(() -> ContentEncoding.decode("deflate", zbomb, 1 << 20))
        .isInstanceOfSatisfying(BadRequest.class, e -> assertThat(e.status()).isEqualTo(413));
  }

  @Test
  void choose_anAcceptEncodingOfSemicolonsOnly_choosesNothingAndDoesNotThrow() {
    assertThat(ContentEncoding.choose(";")).isEmpty();
    assertThat(ContentEncoding.choose("gzip,;")).contains("gzip");
  }

  @Test
  void requireSupported_moreThanTwoLayers_is415() {
    assertThatThrownBy(() -> ContentEncoding.requireSupported("gzip, gzip, gzip"))
        .isInstanceOfSatisfying(BadRequest.class, e -> assertThat(e.status()).isEqualTo(415))
        .hasMessageContaining("at most 2");
  }

  @Test
  void decode_anUnsupportedCoding_is415NamingTheSupportedOnes() {
    assertThatThrownBy(() -> ContentEncoding.decode("br", new byte[] {1, 2, 3}, 1024))
        .isInstanceOfSatisfying(BadRequest.class, e -> assertThat(e.status()).isEqualTo(415))
        .hasMessageContaining("'br'")
        .hasMessageContaining("gzip, deflate");
  }

  @Test
  void decode_bytesThatAreNotTheirCoding_are400WithoutTheBytes() {
    assertThatThrownBy(() -> ContentEncoding.decode("gzip", BODY, 1024))
        .isInstanceOfSatisfying(BadRequest.class, e -> assertThat(e.status()).isEqualTo(400))
        .hasMessage("the body is not valid gzip data (Content-Encoding: gzip)");
    assertThatThrownBy(
            () -> ContentEncoding.decode("deflate", new byte[] {(byte) 0xff, 0x12}, 1024))
        .isInstanceOfSatisfying(BadRequest.class, e -> assertThat(e.status()).isEqualTo(400));
  }

  @Test
  void choose_followsTheClientsPreference() {
    assertThat(ContentEncoding.choose(null)).isEmpty();
    assertThat(ContentEncoding.choose("br")).isEmpty();
    assertThat(ContentEncoding.choose("gzip")).contains("gzip");
    assertThat(ContentEncoding.choose("deflate")).contains("deflate");
    assertThat(ContentEncoding.choose("gzip, deflate")).contains("gzip");
    assertThat(ContentEncoding.choose("gzip;q=0.5, deflate")).contains("deflate");
    assertThat(ContentEncoding.choose("gzip;q=0")).isEmpty();
    assertThat(ContentEncoding.choose("*")).contains("gzip");
    assertThat(ContentEncoding.choose("identity")).isEmpty();
  }

  @Test
  void encode_roundTripsThroughDecode() throws Exception {
    for (String coding : new String[] {"gzip", "deflate"}) {
      assertThat(ContentEncoding.decode(coding, ContentEncoding.encode(coding, BODY), 1024))
          .isEqualTo(BODY);
    }
  }

  @Test
  void invocations_readsCompressedBodiesAndRefusesBombsAndUnknownCodings() throws Exception {
    ServedModels.Trained t = ServedModels.shared("diabetes");
    ModelServer server =
        new ModelServer(
            ServerConfig.of("127.0.0.1", 0, 1 << 20, 1000),
            ModelLoader.load(t.modelDir(), 1),
            new ServerMetrics(),
            "test");
    server.start();
    try {
      java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
      String csv =
          "age,sex,bmi,bp,s1_tc,s2_ldl,s3_hdl,s4_tch,s5_ltg,s6_glu\n"
              + "59,2,32.1,101,157,93.2,38,4,4.8598,87\n";
      java.util.function.BiFunction<String, byte[], java.net.http.HttpResponse<String>> post =
          (coding, body) -> {
            try {
              return http.send(
                  java.net.http.HttpRequest.newBuilder(
                          java.net.URI.create("http://127.0.0.1:" + server.port() + "/invocations"))
                      .header("Content-Type", "text/csv")
                      .header("Content-Encoding", coding)
                      .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(body))
                      .build(),
                  java.net.http.HttpResponse.BodyHandlers.ofString());
            } catch (Exception e) {
              throw new AssertionError(e);
            }
          };
      var ok = post.apply("gzip", gzip(csv.getBytes(StandardCharsets.UTF_8)));
      assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
      assertThat(ok.body()).startsWith("{\"predictions\":[");
      var bomb = post.apply("deflate", deflate(new byte[4 << 20], false));
      assertThat(bomb.statusCode()).isEqualTo(413);
      assertThat(bomb.body()).contains("\"message\"").contains("MLCI_MAX_BODY_BYTES");
      var br = post.apply("br", new byte[] {1, 2, 3});
      assertThat(br.statusCode()).isEqualTo(415);
      assertThat(br.body()).contains("gzip, deflate");
    } finally {
      server.shutdown();
    }
  }
}
