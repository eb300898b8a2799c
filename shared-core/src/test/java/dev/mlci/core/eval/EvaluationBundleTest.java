package dev.mlci.core.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.JsonNodeFactory;

class EvaluationBundleTest {
  private static EvaluationBundle sample() {
    return new EvaluationBundle(
        "m",
        "classification",
        Optional.of("abc"),
        false,
        "digest",
        "config",
        JsonNodeFactory.instance.objectNode().put("k", "v"),
        Map.of("accuracy", 0.5),
        Map.of("roc_auc", "the test set holds only one class"),
        new ClassificationPredictions(
            List.of("a", "b"),
            List.of("no", "yes"),
            new int[] {0, 1},
            new int[] {1, 1},
            new double[][] {{0.25, 0.75}, {1e-300, 1.0}},
            true,
            1),
        List.of());
  }

  private static byte[] gzip(String json) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(json.getBytes(StandardCharsets.UTF_8));
    }
    return out.toByteArray();
  }

  @Test
  void writeThenRead_roundTripsExactly() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    sample().write(out);

    EvaluationBundle back = EvaluationBundle.read(new ByteArrayInputStream(out.toByteArray()));

    ClassificationPredictions p = (ClassificationPredictions) back.predictions();
    assertThat(back.commit()).hasValue("abc");
    assertThat(back.metrics()).containsEntry("accuracy", 0.5);
    assertThat(back.undefined()).containsKey("roc_auc");
    assertThat(back.inputs().path("k").asString()).isEqualTo("v");
    assertThat(p.scores()[1][0]).isEqualTo(1e-300);
    assertThat(p.predicted()).containsExactly(1, 1);
  }

  @Test
  void replicates_roundTripAsVersion2_andABundleWithoutThemStaysVersion1() throws Exception {
    EvaluationBundle one = sample();
    ClassificationPredictions p = (ClassificationPredictions) one.predictions();
    ClassificationPredictions other =
        new ClassificationPredictions(
            p.ids(),
            p.classes(),
            p.truth(),
            new int[] {0, 1},
            new double[][] {{0.6, 0.4}, {0.1, 0.9}},
            true,
            1);
    EvaluationBundle two = one.withReplicates(List.of(new Replicate(1234567L, other)));
    ByteArrayOutputStream v1 = new ByteArrayOutputStream();
    one.write(v1);
    ByteArrayOutputStream v2 = new ByteArrayOutputStream();
    two.write(v2);

    EvaluationBundle back = EvaluationBundle.read(new ByteArrayInputStream(v2.toByteArray()));

    assertThat(new String(gunzip(v1.toByteArray()), StandardCharsets.UTF_8))
        .contains("\"schema\":\"mlci.bundle/v1\"")
        .doesNotContain("replicates");
    assertThat(new String(gunzip(v2.toByteArray()), StandardCharsets.UTF_8))
        .contains("\"schema\":\"mlci.bundle/v2\"");
    assertThat(back.replicates()).hasSize(1);
    assertThat(back.replicates().get(0).seed()).isEqualTo(1234567L);
    ClassificationPredictions r =
        (ClassificationPredictions) back.replicates().get(0).predictions();
    assertThat(r.predicted()).containsExactly(0, 1);
    assertThat(r.scores()[0]).containsExactly(0.6, 0.4);
    assertThat(r.truth()).containsExactly(p.truth());
    assertThat(back.allPredictions()).hasSize(2);
    assertThat(EvaluationBundle.read(new ByteArrayInputStream(v1.toByteArray())).replicates())
        .isEmpty();
  }

  @Test
  void read_rejectsMalformedReplicates() throws Exception {
    String head =
        "{\"schema\":\"mlci.bundle/v2\",\"name\":\"m\",\"task\":\"classification\","
            + "\"commit\":null,\"dirty\":false,\"model_digest\":\"d\",\"config_sha256\":\"c\","
            + "\"inputs\":{},\"metrics\":{},\"undefined\":{},\"predictions\":{\"ids\":[\"a\",\"b\"],"
            + "\"classes\":[\"no\",\"yes\"],\"positive\":1,\"probabilities\":true,"
            + "\"truth\":[0,1],\"predicted\":[1,1],\"scores\":[[0.5,0.5],[0.5,0.5]]},";
    for (String replicates :
        List.of(
            "\"replicates\":[{\"predicted\":[0,1],\"scores\":[[0.5,0.5],[0.5,0.5]]}]}",
            "\"replicates\":[{\"seed\":1,\"predicted\":[0],\"scores\":[[0.5,0.5],[0.5,0.5]]}]}",
            "\"replicates\":[{\"seed\":1,\"predicted\":[0,1],\"scores\":[[0.5],[0.5]]}]}",
            "\"replicates\":[{\"seed\":1,\"predicted\":{}}]}",
            "\"replicates\":[7]}",
            "\"replicates\":{}}")) {
      byte[] bytes = gzip(head + replicates);
      assertThatThrownBy(() -> EvaluationBundle.read(new ByteArrayInputStream(bytes)))
          .as(replicates)
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  private static byte[] gunzip(byte[] bytes) throws Exception {
    try (java.util.zip.GZIPInputStream in =
        new java.util.zip.GZIPInputStream(new ByteArrayInputStream(bytes))) {
      return in.readAllBytes();
    }
  }

  @Test
  void read_rejectsWhatIsNotABundle() {
    assertThatThrownBy(() -> EvaluationBundle.read(new ByteArrayInputStream("hello".getBytes())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not gzip");
    assertThatThrownBy(
            () ->
                EvaluationBundle.read(new ByteArrayInputStream(gzip("{\"schema\": \"other/v9\"}"))))
        .hasMessageContaining("this mlci reads 'mlci.bundle/v1'");
  }

  @Test
  void read_rejectsMalformedPredictions() {
    String head =
        "{\"schema\":\"mlci.bundle/v1\",\"name\":\"m\",\"task\":\"classification\",\"commit\":null,"
            + "\"model_digest\":\"d\",\"config_sha256\":\"c\",\"inputs\":{},\"metrics\":{},\"undefined\":{},";
    String classes = "\"classes\":[\"no\",\"yes\"],\"positive\":1,\"probabilities\":true,";
    assertThatThrownBy(
            () ->
                EvaluationBundle.read(
                    new ByteArrayInputStream(
                        gzip(
                            head
                                + "\"predictions\":{\"ids\":[\"a\",\"a\"],"
                                + classes
                                + "\"truth\":[0,1],\"predicted\":[0,1],\"scores\":[[1,0],[0,1]]}}"))))
        .hasMessageContaining("repeats example ids");
    assertThatThrownBy(
            () ->
                EvaluationBundle.read(
                    new ByteArrayInputStream(
                        gzip(
                            head
                                + "\"predictions\":{\"ids\":[\"a\",\"b\"],"
                                + classes
                                + "\"truth\":[0,7],\"predicted\":[0,1],\"scores\":[[1,0],[0,1]]}}"))))
        .hasMessageContaining("class index out of range");
    assertThatThrownBy(
            () ->
                EvaluationBundle.read(
                    new ByteArrayInputStream(
                        gzip(
                            head
                                + "\"predictions\":{\"ids\":[\"a\",\"b\"],"
                                + classes
                                + "\"truth\":[\"x\",1],\"predicted\":[0,1],\"scores\":[[1,0],[0,1]]}}"))))
        .hasMessageContaining("malformed");
    assertThatThrownBy(
            () ->
                EvaluationBundle.read(
                    new ByteArrayInputStream(
                        gzip(
                            head
                                + "\"predictions\":{\"ids\":[\"a\",\"b\"],"
                                + classes
                                + "\"truth\":[0,1],\"predicted\":[0,1],\"scores\":[[1],[0,1]]}}"))))
        .hasMessageContaining("score column 0 has 1 values for 2 examples");
    assertThatThrownBy(
            () ->
                EvaluationBundle.read(
                    new ByteArrayInputStream(
                        gzip(
                            head
                                + "\"predictions\":{\"ids\":[],"
                                + classes
                                + "\"truth\":[],\"predicted\":[],\"scores\":[[],[]]}}"))))
        .hasMessageContaining("no predictions");
  }
}
