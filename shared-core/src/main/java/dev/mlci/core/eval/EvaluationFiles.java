package dev.mlci.core.eval;

import dev.mlci.core.config.MlConfig;
import dev.mlci.core.data.DataFile;
import dev.mlci.core.data.LoadedData;
import dev.mlci.core.git.GitInfo;
import dev.mlci.core.io.Json;
import dev.mlci.format.ModelFormat;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Writes what {@code mlci evaluate} produces:
 *
 * <pre>
 * metrics.json           values, n, class counts, digests, commit ({@value #METRICS_SCHEMA}); no timestamps
 * predictions.csv        id, truth, prediction, and per-class probabilities (proba_*) or scores (score_*)
 * confusion_matrix.csv   classification: rows are true classes, columns predicted classes
 * report.md              a short human summary
 * </pre>
 */
public final class EvaluationFiles {
  /** Version of {@code metrics.json}. */
  public static final String METRICS_SCHEMA = "mlci.metrics/v1";

  public static final String METRICS = "metrics.json";
  public static final String PREDICTIONS = "predictions.csv";
  public static final String CONFUSION = "confusion_matrix.csv";
  public static final String REPORT = "report.md";

  private static final JsonNodeFactory F = JsonNodeFactory.instance;
  private static final CSVFormat CSV = CSVFormat.RFC4180.builder().setRecordSeparator('\n').get();

  private EvaluationFiles() {}

  /** What the evaluation was run on, for the record. */
  public record Context(
      MlConfig config,
      String configSha256,
      LoadedData data,
      String modelDigest,
      String trainer,
      Optional<GitInfo> git) {}

  /** Writes all files into {@code dir}. */
  public static ObjectNode write(Path dir, Evaluation evaluation, Context context)
      throws IOException {
    long[][] cm =
        evaluation.predictions() instanceof ClassificationPredictions p
            ? ClassificationMetrics.confusion(p, null)
            : null;
    ObjectNode metrics = metricsJson(evaluation, context, cm);
    Json.write(dir.resolve(METRICS), metrics);
    writePredictions(dir.resolve(PREDICTIONS), evaluation.predictions());
    if (evaluation.predictions() instanceof ClassificationPredictions p) {
      writeConfusion(dir.resolve(CONFUSION), p, cm);
    }
    Files.writeString(dir.resolve(REPORT), report(evaluation, context, cm), StandardCharsets.UTF_8);
    return metrics;
  }

  static ObjectNode metricsJson(Evaluation evaluation, Context context, long[][] cm) {
    MlConfig config = context.config();
    ObjectNode root = F.objectNode();
    root.put("schema", METRICS_SCHEMA);
    root.put("name", config.name());
    root.put("task", config.task().yamlName());
    root.put("n", evaluation.predictions().size());
    root.put("n_train", context.data().trainSize());
    root.put("dropped_rows", context.data().dropped());
    ObjectNode values = root.putObject("metrics");
    evaluation.metrics().values().forEach(values::put);
    ObjectNode undefined = root.putObject("undefined");
    evaluation.metrics().undefined().forEach(undefined::put);
    if (evaluation.predictions() instanceof ClassificationPredictions p) {
      ArrayNode classes = root.putArray("classes");
      p.classes().forEach(classes::add);
      if (p.positive() >= 0) {
        root.put("positive_class", p.classes().get(p.positive()));
      }
      root.put("scores", p.probabilities() ? "probabilities" : "decision_scores");
      ObjectNode counts = root.putObject("class_counts");
      ObjectNode perClass = root.putObject("per_class");
      for (int c = 0; c < p.classes().size(); c++) {
        long support = ClassificationMetrics.actual(cm, c);
        counts.put(p.classes().get(c), support);
        ObjectNode pc = perClass.putObject(p.classes().get(c));
        pc.put(
            "precision",
            ClassificationMetrics.perClass(cm, c, ClassificationMetrics.Kind.PRECISION));
        pc.put("recall", ClassificationMetrics.perClass(cm, c, ClassificationMetrics.Kind.RECALL));
        pc.put("f1", ClassificationMetrics.perClass(cm, c, ClassificationMetrics.Kind.F1));
        pc.put("support", support);
      }
      ObjectNode trainCounts = root.putObject("train_class_counts");
      Map<String, Long> trainClasses = context.data().trainClassCounts();
      for (String c : p.classes()) {
        trainCounts.put(c, trainClasses.getOrDefault(c, 0L).longValue());
      }
      ArrayNode matrix = root.putArray("confusion_matrix");
      for (long[] row : cm) {
        ArrayNode r = matrix.addArray();
        for (long v : row) {
          r.add(v);
        }
      }
    }
    ObjectNode model = root.putObject("model");
    model.put("trainer", context.trainer());
    model.put("digest", context.modelDigest());
    ArrayNode data = root.putArray("data");
    for (DataFile f : context.data().files()) {
      ObjectNode d = data.addObject();
      d.put("role", f.role());
      d.put("path", f.path());
      d.put("sha256", f.sha256());
    }
    root.put("config_sha256", context.configSha256());
    if (context.git().isPresent()) {
      root.put("commit", context.git().get().commit());
    } else {
      root.putNull("commit");
    }
    root.put("mlci_version", ModelFormat.mlciVersion());
    return root;
  }

  private static void writePredictions(Path file, Predictions predictions) throws IOException {
    try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
        CSVPrinter out = new CSVPrinter(w, CSV)) {
      if (predictions instanceof ClassificationPredictions p) {
        List<String> header = new ArrayList<>(List.of("id", "truth", "prediction"));
        String prefix = p.probabilities() ? "proba_" : "score_";
        p.classes().forEach(c -> header.add(prefix + c));
        out.printRecord(header);
        List<String> record = new ArrayList<>();
        for (int i = 0; i < p.size(); i++) {
          record.clear();
          record.add(p.ids().get(i));
          record.add(p.classes().get(p.truth()[i]));
          record.add(p.classes().get(p.predicted()[i]));
          for (double s : p.scores()[i]) {
            record.add(Double.toString(s));
          }
          out.printRecord(record);
        }
      } else {
        RegressionPredictions p = (RegressionPredictions) predictions;
        out.printRecord("id", "truth", "prediction");
        for (int i = 0; i < p.size(); i++) {
          out.printRecord(
              p.ids().get(i), Double.toString(p.truth()[i]), Double.toString(p.predicted()[i]));
        }
      }
    }
  }

  private static void writeConfusion(Path file, ClassificationPredictions p, long[][] cm)
      throws IOException {
    try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
        CSVPrinter out = new CSVPrinter(w, CSV)) {
      List<String> header = new ArrayList<>();
      header.add("truth\\prediction");
      header.addAll(p.classes());
      out.printRecord(header);
      for (int c = 0; c < cm.length; c++) {
        List<String> row = new ArrayList<>();
        row.add(p.classes().get(c));
        for (long v : cm[c]) {
          row.add(Long.toString(v));
        }
        out.printRecord(row);
      }
    }
  }

  static String report(Evaluation evaluation, Context context, long[][] cm) {
    MlConfig config = context.config();
    StringBuilder md = new StringBuilder();
    md.append("# ").append(config.name()).append(": evaluation\n\n");
    md.append("- task: ")
        .append(config.task().yamlName())
        .append(", trainer: `")
        .append(context.trainer())
        .append("`\n");
    md.append("- test examples: ")
        .append(evaluation.predictions().size())
        .append(", training examples: ")
        .append(context.data().trainSize());
    if (context.data().dropped() > 0) {
      md.append(", rows dropped for missing values: ").append(context.data().dropped());
    }
    md.append('\n');
    for (DataFile f : context.data().files()) {
      md.append("- data: `")
          .append(f.path())
          .append("` (sha256 ")
          .append(f.sha256(), 0, 12)
          .append("…)\n");
    }
    md.append("- model digest: ").append(context.modelDigest(), 0, 12).append("…");
    context
        .git()
        .ifPresent(
            g ->
                md.append(", commit ")
                    .append(g.commit(), 0, 12)
                    .append(g.dirty() ? " (uncommitted changes)" : ""));
    md.append("\n\n## Metrics\n\n| metric | value |\n|---|---|\n");
    evaluation
        .metrics()
        .values()
        .forEach(
            (k, v) -> md.append("| ").append(k).append(" | ").append(format(v)).append(" |\n"));
    evaluation
        .metrics()
        .undefined()
        .forEach((k, v) -> md.append("| ").append(k).append(" | n/a: ").append(v).append(" |\n"));
    if (evaluation.predictions() instanceof ClassificationPredictions p) {
      md.append(
          "\n## Per class\n\n| class | precision | recall | f1 | support |\n|---|---|---|---|---|\n");
      for (int c = 0; c < p.classes().size(); c++) {
        long support = ClassificationMetrics.actual(cm, c);
        md.append("| ")
            .append(escape(p.classes().get(c)))
            .append(" | ")
            .append(
                format(ClassificationMetrics.perClass(cm, c, ClassificationMetrics.Kind.PRECISION)))
            .append(" | ")
            .append(
                format(ClassificationMetrics.perClass(cm, c, ClassificationMetrics.Kind.RECALL)))
            .append(" | ")
            .append(format(ClassificationMetrics.perClass(cm, c, ClassificationMetrics.Kind.F1)))
            .append(" | ")
            .append(support)
            .append(" |\n");
      }
      md.append("\n## Confusion matrix (rows: truth, columns: prediction)\n\n| |");
      p.classes().forEach(c -> md.append(' ').append(escape(c)).append(" |"));
      md.append("\n|---|");
      p.classes().forEach(c -> md.append("---|"));
      md.append('\n');
      for (int c = 0; c < cm.length; c++) {
        md.append("| **").append(escape(p.classes().get(c))).append("** |");
        for (long v : cm[c]) {
          md.append(' ').append(v).append(" |");
        }
        md.append('\n');
      }
    }
    if (!evaluation.unseenLevels().isEmpty()) {
      md.append("\n## Notes\n\n")
          .append(evaluation.unseenLevels().size())
          .append(
              " test value(s) have a category never seen in training; they were encoded as no category:\n\n");
      evaluation.unseenLevels().stream()
          .limit(20)
          .forEach(u -> md.append("- ").append(u).append('\n'));
    }
    return md.toString();
  }

  private static String format(double v) {
    return String.format(Locale.ROOT, "%.4f", v);
  }

  private static String escape(String s) {
    return s.replace("|", "\\|");
  }
}
