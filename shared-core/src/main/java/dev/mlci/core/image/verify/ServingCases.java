package dev.mlci.core.image.verify;

import dev.mlci.core.data.DataRow;
import dev.mlci.core.data.LoadedData;
import dev.mlci.core.eval.ClassificationPredictions;
import dev.mlci.core.eval.EvaluationBundle;
import dev.mlci.core.eval.Predictions;
import dev.mlci.core.eval.RegressionPredictions;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The test rows of an evaluation with the predictions that evaluation recorded for them: what a
 * served model must reproduce.
 *
 * @param model the model's name
 * @param columns input column names, in input order
 * @param categorical per column, whether it is categorical (sent as strings / BYTES)
 * @param classes classification: the classes the expected scores refer to, in order; empty for
 *     regression
 * @param cases the rows, in test-set order
 */
public record ServingCases(
    String model,
    List<String> columns,
    List<Boolean> categorical,
    List<String> classes,
    List<Case> cases) {

  /**
   * One test row.
   *
   * @param id the example id
   * @param values per column: a {@link Double} (NaN when missing), or a {@link String} for a
   *     categorical column ({@code null} when missing)
   * @param expected classification: one score per class of {@link #classes()}; regression: the
   *     predicted value alone
   * @param expectedLabel classification: the predicted class; regression: null
   */
  public record Case(String id, List<Object> values, double[] expected, String expectedLabel) {
    public Case {
      Objects.requireNonNull(id, "id");
      values = Collections.unmodifiableList(new ArrayList<>(values));
      Objects.requireNonNull(expected, "expected");
    }
  }

  public ServingCases {
    Objects.requireNonNull(model, "model");
    columns = List.copyOf(columns);
    categorical = List.copyOf(categorical);
    classes = List.copyOf(classes);
    cases = List.copyOf(cases);
    if (columns.size() != categorical.size()) {
      throw new IllegalArgumentException("one categorical flag per column");
    }
  }

  /** Whether the model is a classifier. */
  public boolean classification() {
    return !classes.isEmpty();
  }

  /** Whether every input column is numeric (so a single [N, columns] tensor can carry a row). */
  public boolean allNumeric() {
    return !categorical.contains(Boolean.TRUE);
  }

  /**
   * Joins the test rows of {@code data} with the predictions of {@code evaluation} by example id.
   *
   * @throws IllegalArgumentException when the evaluation scored rows the data does not hold: the
   *     evaluation is of other data, so it cannot serve as the reference
   */
  public static ServingCases of(LoadedData data, EvaluationBundle evaluation) {
    Map<String, DataRow> byId = new HashMap<>();
    for (DataRow row : data.test()) {
      byId.put(row.id(), row);
    }
    Predictions predictions = evaluation.predictions();
    List<Case> cases = new ArrayList<>();
    List<String> ids = predictions.ids();
    for (int i = 0; i < ids.size(); i++) {
      DataRow row = byId.get(ids.get(i));
      if (row == null) {
        throw new IllegalArgumentException(
            "the evaluation scored example '"
                + ids.get(i)
                + "', which is not in the test set of the current data; run mlci evaluate again");
      }
      List<Object> values = new ArrayList<>();
      for (int c = 0; c < data.features().size(); c++) {
        values.add(data.categorical().get(c) ? row.categorical()[c] : row.numeric()[c]);
      }
      if (predictions instanceof ClassificationPredictions p) {
        cases.add(
            new Case(row.id(), values, p.scores()[i].clone(), p.classes().get(p.predicted()[i])));
      } else {
        RegressionPredictions p = (RegressionPredictions) predictions;
        cases.add(new Case(row.id(), values, new double[] {p.predicted()[i]}, null));
      }
    }
    List<String> classes =
        predictions instanceof ClassificationPredictions p ? p.classes() : List.of();
    return new ServingCases(evaluation.name(), data.features(), data.categorical(), classes, cases);
  }

  /**
   * The cases as JSON, for checkers outside the JVM (the V2 client tests): {@code model}, {@code
   * columns}, {@code categorical}, {@code classes}, {@code rows} (values per column, {@code null}
   * when missing) and {@code expected} (the evaluated scores per row).
   */
  public ObjectNode toJson() {
    var f = JsonNodeFactory.instance;
    var n = f.objectNode();
    n.put("model", model);
    columns.forEach(n.putArray("columns")::add);
    categorical.forEach(n.putArray("categorical")::add);
    classes.forEach(n.putArray("classes")::add);
    var rows = n.putArray("rows");
    var expected = n.putArray("expected");
    for (Case c : cases) {
      var r = rows.addArray();
      for (Object v : c.values()) {
        if (v == null || (v instanceof Double d && d.isNaN())) {
          r.addNull();
        } else if (v instanceof Double d) {
          r.add(d);
        } else {
          r.add(v.toString());
        }
      }
      var e = expected.addArray();
      for (double d : c.expected()) {
        e.add(d);
      }
    }
    return n;
  }
}
