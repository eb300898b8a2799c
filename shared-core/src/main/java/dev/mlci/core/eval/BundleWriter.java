package dev.mlci.core.eval;

import dev.mlci.format.profile.ProfileJson;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/** Writes an {@link EvaluationBundle} in its gzip-compressed, column-by-column JSON format. */
final class BundleWriter {
  private static final ObjectMapper MAPPER = JsonMapper.builder().build();

  private BundleWriter() {}

  /** Writes {@code bundle}, gzip-compressed, to {@code out} (which it closes). */
  static void write(EvaluationBundle bundle, OutputStream out) throws IOException {
    Predictions predictions = bundle.predictions();
    List<Replicate> replicates = bundle.replicates();
    try (GZIPOutputStream gz = new GZIPOutputStream(out, 1 << 16);
        JsonGenerator g = MAPPER.createGenerator(gz)) {
      g.writeStartObject();
      g.writeStringProperty(
          "schema", replicates.isEmpty() ? EvaluationBundle.SCHEMA : EvaluationBundle.SCHEMA_V2);
      g.writeStringProperty("name", bundle.name());
      g.writeStringProperty("task", bundle.task());
      if (bundle.commit().isPresent()) {
        g.writeStringProperty("commit", bundle.commit().get());
      } else {
        g.writeNullProperty("commit");
      }
      g.writeBooleanProperty("dirty", bundle.dirty());
      g.writeStringProperty("model_digest", bundle.modelDigest());
      g.writeStringProperty("config_sha256", bundle.configSha256());
      g.writeName("inputs");
      g.writePOJO(bundle.inputs());
      g.writeName("metrics");
      g.writeStartObject();
      for (Map.Entry<String, Double> e : bundle.metrics().entrySet()) {
        g.writeNumberProperty(e.getKey(), e.getValue());
      }
      g.writeEndObject();
      g.writeName("undefined");
      g.writeStartObject();
      for (Map.Entry<String, String> e : bundle.undefined().entrySet()) {
        g.writeStringProperty(e.getKey(), e.getValue());
      }
      g.writeEndObject();
      g.writeName("predictions");
      g.writeStartObject();
      writeStrings(g, "ids", predictions.ids());
      if (predictions instanceof ClassificationPredictions p) {
        writeStrings(g, "classes", p.classes());
        g.writeNumberProperty("positive", p.positive());
        g.writeBooleanProperty("probabilities", p.probabilities());
        writeInts(g, "truth", p.truth());
        writeInts(g, "predicted", p.predicted());
        writeScores(g, p);
      } else {
        RegressionPredictions p = (RegressionPredictions) predictions;
        writeDoubles(g, "truth", p.truth());
        writeDoubles(g, "predicted", p.predicted());
      }
      g.writeEndObject();
      if (!replicates.isEmpty()) {
        g.writeName("replicates");
        g.writeStartArray();
        for (Replicate r : replicates) {
          g.writeStartObject();
          g.writeNumberProperty("seed", r.seed());
          if (r.predictions() instanceof ClassificationPredictions p) {
            writeInts(g, "predicted", p.predicted());
            writeScores(g, p);
          } else {
            writeDoubles(g, "predicted", ((RegressionPredictions) r.predictions()).predicted());
          }
          g.writeEndObject();
        }
        g.writeEndArray();
      }
      if (bundle.data().isPresent()) {
        g.writeName("data_profile");
        g.writePOJO(ProfileJson.write(bundle.data().get()));
      }
      g.writeEndObject();
    }
  }

  private static void writeScores(JsonGenerator g, ClassificationPredictions p) {
    g.writeName("scores");
    g.writeStartArray();
    for (int c = 0; c < p.classes().size(); c++) {
      g.writeStartArray();
      for (double[] row : p.scores()) {
        g.writeNumber(row[c]);
      }
      g.writeEndArray();
    }
    g.writeEndArray();
  }

  private static void writeStrings(JsonGenerator g, String name, List<String> values) {
    g.writeName(name);
    g.writeStartArray();
    for (String v : values) {
      g.writeString(v);
    }
    g.writeEndArray();
  }

  private static void writeInts(JsonGenerator g, String name, int[] values) {
    g.writeName(name);
    g.writeArray(values, 0, values.length);
  }

  private static void writeDoubles(JsonGenerator g, String name, double[] values) {
    g.writeName(name);
    g.writeArray(values, 0, values.length);
  }
}
