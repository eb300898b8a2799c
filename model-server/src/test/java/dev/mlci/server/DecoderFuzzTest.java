package dev.mlci.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Fuzzes the request decoders with Jazzer: the V2 JSON decoder, and the {@code /invocations}
 * decoders for JSON (all four forms) and CSV, on a real model with numeric and categorical columns
 * (the diabetes example, trained here), through scoring and the response. The property: a request
 * is decoded and scored, or refused with a {@link BadRequest} of status 4xx; never any other
 * exception.
 *
 * <p>The first byte of an input chooses the decoder: {@code v} V2, {@code j} MLflow JSON, {@code c}
 * CSV (any other byte: by its value modulo 3); the rest is the body. In a plain {@code mvn test}
 * the seed corpus runs (every case of issue 14 and more, in {@code
 * src/test/resources/dev/mlci/server/DecoderFuzzTestInputs/decoders}); with {@code JAZZER_FUZZ=1}
 * Jazzer mutates them, coverage-guided, for {@code maxDuration} (the {@code fuzz} execution in
 * model-server's pom; RELIABILITY.md).
 */
class DecoderFuzzTest {
  /** The same limits as a server with a 768 MiB heap (the image's under a 1 GiB limit). */
  private static final RequestLimits LIMITS =
      RequestLimits.of(ServerConfig.of("127.0.0.1", 0, 1 << 20, 1000), 768L << 20);

  /** The server's body limit, which also bounds a decompressed body. */
  private static final long LIMIT_BYTES = 1 << 20;

  private static final ObjectMapper JSON = ModelServer.mapper(LIMITS);
  private static final LoadedModel MODEL = trained();

  private static LoadedModel trained() {
    try {
      Path out = Files.createTempDirectory("mlci-fuzz");
      return ModelLoader.load(ServedModels.train("diabetes", out).modelDir(), 1);
    } catch (Exception e) {
      throw new IllegalStateException("cannot train the diabetes example to fuzz against", e);
    }
  }

  @FuzzTest(maxDuration = "30s")
  void decoders(byte[] input) {
    if (input.length == 0) {
      return;
    }
    byte[] body = Arrays.copyOfRange(input, 1, input.length);
    int which = input[0] == 'v' ? 0 : input[0] == 'j' ? 1 : input[0] == 'c' ? 2 : input[0] & 3;
    try {
      decodeAndScore(which % 3, body);
    } catch (BadRequest e) {
      assertThat(e.status()).as(e.getMessage()).isBetween(400, 499);
      assertThat(e.getMessage().length()).isLessThanOrEqualTo(BadRequest.MAX_MESSAGE + 40);
    }
  }

  /** The {@code Content-Encoding} a {@link #binary} input's first byte stands for. */
  private static final List<String> CODINGS =
      List.of("gzip", "deflate", "identity", "gzip, deflate", "deflate, gzip", "x-gzip", "br", "");

  /**
   * Fuzzes the body decoding of {@code /v2/models/{name}/infer} as {@link ModelServer} runs it: the
   * {@code Content-Encoding} undone ({@link ContentEncoding#decode}, bounded by the body limit),
   * then the binary tensor extension ({@link BinaryTensorCodec#decode}) or plain JSON, the V2
   * decoder, scoring and the response, binary when asked. Same property as {@link #decoders}.
   *
   * <p>An input is {@code <coding byte><Inference-Header-Content-Length>\n<body>}: coding {@code i}
   * none, {@code g} gzip, {@code d} deflate, any other byte one of {@link #CODINGS} by its value;
   * an empty header line sends no {@code Inference-Header-Content-Length} (a JSON body). Seeds in
   * {@code DecoderFuzzTestInputs/binary}: valid binary requests of every datatype the diabetes
   * model takes, compressed and not, and their broken relatives.
   */
  @FuzzTest(maxDuration = "20s")
  void binary(byte[] input) {
    if (input.length == 0) {
      return;
    }
    String coding =
        switch (input[0]) {
          case 'i' -> null;
          case 'g' -> "gzip";
          case 'd' -> "deflate";
          default -> CODINGS.get((input[0] & 0xff) % CODINGS.size());
        };
    int newline = 1;
    while (newline < input.length && input[newline] != '\n') {
      newline++;
    }
    String header = new String(input, 1, newline - 1, StandardCharsets.ISO_8859_1);
    byte[] body = Arrays.copyOfRange(input, Math.min(newline + 1, input.length), input.length);
    try {
      byte[] decoded = ContentEncoding.decode(coding, body, LIMIT_BYTES);
      JsonNode request;
      if (header.isEmpty()) {
        request = ModelServer.parse(JSON, LIMITS, decoded);
        if (request == null || request.isMissingNode()) {
          return; // ModelServer answers 400 "the body is empty"
        }
      } else {
        request = BinaryTensorCodec.decode(decoded, header, JSON);
      }
      Batch batch = V2Codec.decode(request, MODEL, 1000);
      if (batch.rows() == 0) {
        return;
      }
      batch.requireComplete(MODEL.spec());
      double[][] scores = MODEL.predictor().predict(batch);
      assertThat(scores).hasNumberOfRows(batch.rows());
      ObjectNode response = V2Codec.response(request, MODEL, scores);
      if (BinaryTensorCodec.wantsBinary(request)) {
        BinaryTensorCodec.Encoded encoded = BinaryTensorCodec.encode(response, request, JSON);
        assertThat(encoded.headerLength()).isBetween(1, encoded.body().length);
      }
    } catch (BadRequest e) {
      assertThat(e.status()).as(e.getMessage()).isBetween(400, 499);
      assertThat(e.getMessage().length()).isLessThanOrEqualTo(BadRequest.MAX_MESSAGE + 40);
    }
  }

  private static void decodeAndScore(int which, byte[] body) throws BadRequest {
    Batch batch;
    JsonNode request = null;
    switch (which) {
      case 0 -> {
        request = ModelServer.parse(JSON, LIMITS, body);
        batch = V2Codec.decode(request, MODEL, 1000);
      }
      case 1 -> batch = MlflowCodec.decodeJson(ModelServer.parse(JSON, LIMITS, body), MODEL, 1000);
      default -> batch = MlflowCodec.decodeCsv(body, MODEL, 1000);
    }
    if (batch.rows() == 0) {
      return;
    }
    batch.requireComplete(MODEL.spec());
    double[][] scores = MODEL.predictor().predict(batch);
    assertThat(scores).hasNumberOfRows(batch.rows());
    if (request != null) {
      V2Codec.response(request, MODEL, scores);
    } else {
      MlflowCodec.response(MODEL, scores);
    }
  }
}
