package dev.mlci.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

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
