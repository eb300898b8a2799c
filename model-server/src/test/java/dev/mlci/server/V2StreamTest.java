package dev.mlci.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * The V2 request read without a tree ({@link V2Stream}) gives the tree path's batch and id for
 * every request it reads, leaves every other request to the tree path, and {@link
 * V2Codec#responseBytes} writes the tree path's response byte for byte.
 */
class V2StreamTest {
  private static final RequestLimits LIMITS =
      RequestLimits.of(ServerConfig.of("127.0.0.1", 0, 1 << 20, 1000), 768L << 20);
  private static final ObjectMapper JSON = ModelServer.mapper(LIMITS);
  private static LoadedModel cancer;
  private static LoadedModel diabetes;

  @BeforeAll
  static void models() throws Exception {
    cancer = ModelLoader.load(ServedModels.shared("breast-cancer").modelDir(), 1);
    diabetes = ModelLoader.load(ServedModels.shared("diabetes").modelDir(), 1);
  }

  private static V2Stream stream(LoadedModel m, int maxRows) {
    return new V2Stream(JSON, new Cells(m.spec(), maxRows));
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** A matrix request of {@code rows} rows, its values written in various JSON spellings. */
  private static String matrix(Random random, int rows, int width, String extra, boolean nested) {
    StringBuilder data = new StringBuilder("[");
    for (int r = 0; r < rows; r++) {
      if (nested) {
        data.append(r > 0 ? ",[" : "[");
      }
      for (int c = 0; c < width; c++) {
        if (c > 0 || (!nested && r > 0)) {
          data.append(',');
        }
        data.append(
            switch (random.nextInt(9)) {
              case 0 -> Integer.toString(random.nextInt(2000) - 1000);
              case 1 -> Long.toString(random.nextLong());
              case 2 -> "1e" + (random.nextInt(600) - 300);
              case 3 -> "-0.0";
              case 4 -> "NaN";
              case 5 -> "null";
              case 6 -> "0.1000000000000000055511151231257827";
              default -> Double.toString(random.nextGaussian() * Math.pow(10, random.nextInt(9)));
            });
      }
      if (nested) {
        data.append(']');
      }
    }
    data.append(']');
    return "{"
        + extra
        + "\"inputs\": [{\"name\": \"input\", \"shape\": ["
        + rows
        + ", "
        + width
        + "], \"datatype\": \""
        + (random.nextBoolean() ? "FP64" : "FP32")
        + "\", \"data\": "
        + data
        + "}]}";
  }

  @Test
  void readsTheMatrixFormAsTheTreePathDoes() throws Exception {
    Random random = new Random(21);
    int width = cancer.spec().columns().size();
    V2Stream stream = stream(cancer, 1000);
    for (int i = 0; i < 300; i++) {
      String extra =
          switch (i % 4) {
            case 0 -> "";
            case 1 -> "\"id\": \"req-" + i + "\u00e9\", ";
            case 2 -> "\"id\": null, ";
            default -> "";
          };
      String body = matrix(random, 1 + random.nextInt(5), width, extra, i % 3 == 0);
      V2Stream.Request read = stream.read(utf8(body));
      assertThat(read).as(body).isNotNull();
      JsonNode tree = ModelServer.parse(JSON, LIMITS, utf8(body));
      Batch expected = V2Codec.decode(tree, cancer, 1000);
      assertThat(read.batch().rows()).isEqualTo(expected.rows());
      // As text: NaN equals NaN there, and -0.0 differs from 0.0.
      assertThat(Arrays.deepToString(read.batch().numeric()))
          .as(body)
          .isEqualTo(Arrays.deepToString(expected.numeric()));
      assertThat(read.batch().categorical()).isDeepEqualTo(expected.categorical());
      JsonNode id = tree.get("id");
      assertThat(read.id()).isEqualTo(id == null || id.isNull() ? null : id.asString());
    }
  }

  @Test
  void leavesEveryOtherRequestToTheTreePath() {
    int width = cancer.spec().columns().size();
    String row = "1" + ",1".repeat(width - 1);
    String column = cancer.spec().columns().get(0).name();
    List<String> others = new ArrayList<>();
    String tensor = "\"name\": \"input\", \"datatype\": \"FP64\", \"shape\": [1, " + width + "]";
    String ok = "{\"inputs\": [{" + tensor + ", \"data\": [" + row + "]}]}";
    assertThat(stream(cancer, 1000).read(utf8(ok))).isNotNull();
    others.add(ok.replace("{\"inputs\"", "{\"outputs\": [{\"name\": \"label\"}], \"inputs\""));
    others.add(
        ok.replace("{\"inputs\"", "{\"parameters\": {\"binary_data_output\": true}, \"inputs\""));
    others.add(ok.replace("{\"inputs\"", "{\"id\": 7, \"inputs\""));
    others.add(ok.replace("{\"inputs\"", "{\"id\": \"a\", \"id\": \"b\", \"inputs\""));
    others.add(ok.replace("\"name\": \"input\"", "\"name\": \"" + column + "\""));
    others.add(ok.replace("\"datatype\": \"FP64\"", "\"datatype\": \"BYTES\""));
    others.add(ok.replace("\"datatype\": \"FP64\"", "\"datatype\": \"FP64\", \"parameters\": {}"));
    others.add(ok.replace("[1, " + width + "]", "[1, " + (width - 1) + "]"));
    others.add(ok.replace("[1, " + width + "]", "[2, " + width + "]"));
    others.add(ok.replace("[1, " + width + "]", "[1, 1, " + width + "]"));
    others.add(ok.replace("[1, " + width + "]", "[1.0, " + width + "]"));
    others.add(ok.replace("[1, " + width + "]", "[0, " + width + "]"));
    others.add(ok.replace("[" + row + "]", "[" + row + ",1]"));
    others.add(ok.replace("[" + row + "]", "[\"1\"" + row.substring(1) + "]"));
    others.add(ok.replace("[" + row + "]", "[Infinity" + row.substring(1) + "]"));
    others.add(ok.replace("[" + row + "]", "[1e400" + row.substring(1) + "]"));
    others.add(
        ok.replace("[" + row + "]", "[123456789012345678901234567890" + row.substring(1) + "]"));
    others.add(ok.replace("[" + row + "]", "[true" + row.substring(1) + "]"));
    others.add(ok.replace("[" + row + "]", "[{}" + row.substring(1) + "]"));
    others.add(ok.replace("}]}", "}, {" + tensor + ", \"data\": [" + row + "]}]}"));
    others.add(ok.replace("\"name\": \"input\", ", ""));
    others.add(ok + " {}");
    others.add(ok.substring(0, ok.length() - 3));
    others.add("[" + ok + "]");
    others.add("");
    others.add("{}");
    others.add("{\"inputs\": []}");
    for (String body : others) {
      assertThat(stream(cancer, 1000).read(utf8(body))).as(body).isNull();
    }
    // Over the row limit, and for a model with categorical columns: the tree path answers.
    assertThat(stream(cancer, 0).read(utf8(ok))).isNull();
    assertThat(stream(diabetes, 1000).read(utf8(ok))).isNull();
  }

  @Test
  void writesTheTreePathsResponseByteForByte() throws Exception {
    Random random = new Random(3);
    for (LoadedModel m : List.of(cancer, diabetes)) {
      int k = m.classification() ? m.spec().target().classes().size() : 1;
      for (int i = 0; i < 100; i++) {
        int rows = 1 + random.nextInt(4);
        double[][] scores = new double[rows][k];
        for (double[] r : scores) {
          for (int c = 0; c < k; c++) {
            r[c] =
                switch (random.nextInt(5)) {
                  case 0 -> random.nextDouble();
                  case 1 -> -0.0;
                  case 2 -> 1e-300 * random.nextDouble();
                  case 3 -> Math.round(random.nextDouble());
                  default -> random.nextGaussian() * 1e12;
                };
          }
        }
        String[] labels = null;
        if (m.classification() && i % 2 == 0) {
          labels = new String[rows];
          for (int r = 0; r < rows; r++) {
            labels[r] = m.spec().target().classes().get(random.nextInt(k));
          }
        }
        String id = i % 3 == 0 ? null : "id-\"" + i + "\"\u00e9\n";
        JsonNode request =
            JSON.readTree(id == null ? "{}" : "{\"id\": " + JSON.writeValueAsString(id) + "}");
        byte[] tree = JSON.writeValueAsBytes(V2Codec.response(request, m, scores, labels));
        assertThat(
                new String(
                    V2Codec.responseBytes(JSON, m, id, scores, labels), StandardCharsets.UTF_8))
            .isEqualTo(new String(tree, StandardCharsets.UTF_8));
        assertThat(V2Codec.responseBytes(JSON, m, id, scores, labels)).isEqualTo(tree);
      }
    }
  }
}
