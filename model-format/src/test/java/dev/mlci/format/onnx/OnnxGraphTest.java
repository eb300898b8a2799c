package dev.mlci.format.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.mlci.format.ColumnSpec;
import dev.mlci.format.FeatureSpec;
import dev.mlci.format.TargetSpec;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * The feed and outputs shared by {@code mlci evaluate} and the model server, on real ONNX models
 * run by ONNX Runtime ({@code src/test/resources/onnx/make_models.py} writes them): each model's
 * output is a known function of its inputs, so a wrong column, type or order shows.
 */
class OnnxGraphTest {
  private static final TargetSpec VALUE = new TargetSpec("y", List.of(), Optional.empty());

  /** Rows held as arrays, as the server's request batch holds them. */
  private record Cells(Object[][] rows) implements OnnxRows {
    @Override
    public int size() {
      return rows.length;
    }

    @Override
    public double number(int row, int column) {
      return rows[row][column] instanceof Double d ? d : Double.NaN;
    }

    @Override
    public String level(int row, int column) {
      return rows[row][column] instanceof String s ? s : null;
    }

    @Override
    public String where(int row) {
      return "request row " + row;
    }
  }

  private static byte[] model(String name) throws IOException {
    try (InputStream in = OnnxGraphTest.class.getResourceAsStream("/onnx/" + name + ".onnx")) {
      return in.readAllBytes();
    }
  }

  private static FeatureSpec spec(TargetSpec target, ColumnSpec... columns) {
    return new FeatureSpec(List.of(columns), target, List.of("", "NA"), true);
  }

  private static ColumnSpec num(String name) {
    return ColumnSpec.numeric(name, 0, 1, 0);
  }

  @Test
  void score_perColumnInputs_feedEachColumnInItsType() throws Exception {
    FeatureSpec spec =
        spec(
            VALUE,
            num("a"),
            num("b"),
            ColumnSpec.categorical("c", List.of("x", "y"), "x"),
            num("d"));
    try (OnnxGraph g = OnnxGraph.load(model("columns_regression"), spec)) {
      assertThat(g.inputForm()).isEqualTo("one input per column");
      OnnxGraph.Scores s =
          g.score(
              new Cells(
                  new Object[][] {
                    {1.5, 2.0, "y", 3.0}, {-1.0, 7.0, "x", 0.5}, {0.0, 0.0, null, 0.0}
                  }));
      // a + 10 b + 100 code(c) + 1000 d; b an int64 input, d a rank-1 float input, c a string.
      assertThat(s.values()).containsExactly(3221.5, 669.0, 0.0);
      assertThat(s.probabilities()).isNull();
    }
  }

  @Test
  void score_numbersIntoAStringInput_areSpelledAsTheCsv() {
    Cells rows = new Cells(new Object[][] {{2.0}, {2.5}, {Double.NaN}});
    assertThat(OnnxFeed.text(rows, 0, 0, true)).isEqualTo("2");
    assertThat(OnnxFeed.text(rows, 1, 0, true)).isEqualTo("2.5");
    assertThat(OnnxFeed.text(rows, 2, 0, true)).isEmpty();
    Cells levels = new Cells(new Object[][] {{"4"}, {"four"}});
    assertThat(OnnxFeed.number(levels, 0, 0, false)).isEqualTo(4.0);
    assertThat(OnnxFeed.number(levels, 1, 0, false)).isNaN();
  }

  @Test
  void score_tensorInput_feedsColumnsInOrder_floatAndDouble() throws Exception {
    FeatureSpec spec = spec(VALUE, num("p"), num("q"), num("r"));
    for (String name : List.of("tensor_float", "tensor_double")) {
      try (OnnxGraph g = OnnxGraph.load(model(name), spec)) {
        assertThat(g.inputForm()).startsWith("tensor 'X' ").endsWith(" [N, 3]");
        OnnxGraph.Scores s = g.score(new Cells(new Object[][] {{1.0, 2.0, 3.0}, {0.5, 0.0, 1.0}}));
        assertThat(s.values()[0]).as(name).isCloseTo(321.0, within(1e-4));
        assertThat(s.values()[1]).as(name).isCloseTo(100.5, within(1e-4));
      }
    }
  }

  @Test
  void score_zipMap_givesProbabilitiesInTheSpecsClassOrderAndTheModelsLabels() throws Exception {
    // The spec orders the classes yes, no; the ZipMap's keys no, yes.
    FeatureSpec spec =
        spec(
            new TargetSpec("t", List.of("yes", "no"), Optional.empty()),
            ColumnSpec.categorical("colour", List.of("blue", "red"), "red"));
    try (OnnxGraph g = OnnxGraph.load(model("columns_zipmap"), spec)) {
      OnnxGraph.Scores s = g.score(new Cells(new Object[][] {{"blue"}, {"red"}}));
      assertThat(s.probabilities()[0][0]).isCloseTo(0.9, within(1e-6));
      assertThat(s.probabilities()[1][0]).isCloseTo(0.1, within(1e-6));
      assertThat(s.labels()).containsExactly("yes", "no");
    }
  }

  @Test
  void score_nanOutput_namesTheRowAndIsARowFault() throws Exception {
    FeatureSpec spec =
        spec(
            new TargetSpec("t", List.of("no", "yes"), Optional.empty()),
            ColumnSpec.categorical("colour", List.of("blue", "red"), "red"));
    try (OnnxGraph g = OnnxGraph.load(model("columns_zipmap"), spec)) {
      assertThatThrownBy(() -> g.score(new Cells(new Object[][] {{"red"}, {"green"}})))
          .isInstanceOfSatisfying(
              OnnxModelException.class,
              e -> {
                assertThat(e.getMessage())
                    .isEqualTo("model.onnx outputs NaN in 'output_probability' for request row 1.");
                assertThat(e.onRows()).isTrue();
              });
    }
  }

  @Test
  void load_classesThatDiffer_isAModelFault() throws Exception {
    FeatureSpec spec =
        spec(
            new TargetSpec("t", List.of("no", "maybe"), Optional.empty()),
            ColumnSpec.categorical("colour", List.of("blue", "red"), "red"));
    try (OnnxGraph g = OnnxGraph.load(model("columns_zipmap"), spec)) {
      assertThatThrownBy(() -> g.score(new Cells(new Object[][] {{"red"}})))
          .isInstanceOfSatisfying(
              OnnxModelException.class,
              e -> {
                assertThat(e.getMessage()).contains("differ from MLCI_CLASSES [no, maybe]");
                assertThat(e.onRows()).isFalse();
              });
    }
  }

  @Test
  void score_fromManyThreadsAtOnce_givesEachCallersRows() throws Exception {
    FeatureSpec spec = spec(VALUE, num("p"), num("q"), num("r"));
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try (OnnxGraph g = OnnxGraph.load(model("tensor_double"), spec)) {
      List<Future<double[]>> futures = new ArrayList<>();
      for (int t = 0; t < 200; t++) {
        double x = t;
        futures.add(
            pool.submit(
                () -> g.score(new Cells(new Object[][] {{x, 1.0, 0.0}, {0.0, 0.0, x}})).values()));
      }
      for (int t = 0; t < futures.size(); t++) {
        assertThat(futures.get(t).get()).containsExactly(t + 10.0, 100.0 * t);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void inputNames_matchExactOrAsSkl2onnxSanitises() {
    assertThat(OnnxSignature.inputNames(List.of("mean radius", "x"), Set.of("mean_radius", "x")))
        .isEqualTo(Map.of("mean radius", "mean_radius", "x", "x"));
    assertThat(OnnxSignature.inputNames(List.of("a b", "a_b"), Set.of("a_b", "c"))).isNull();
    assertThat(OnnxSignature.inputNames(List.of("a"), Set.of("a", "b"))).isNull();
  }
}
