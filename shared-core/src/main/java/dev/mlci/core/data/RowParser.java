package dev.mlci.core.data;

import dev.mlci.core.config.DataConfig;
import dev.mlci.core.config.LoadedConfig;
import dev.mlci.core.config.MissingPolicy;
import dev.mlci.core.config.MlConfig;
import dev.mlci.core.config.Task;
import dev.mlci.core.errors.BadInputException;
import dev.mlci.core.errors.Problem;
import dev.mlci.format.Digests;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Checks and converts the rows of one table: ids (or content keys), the target and every feature
 * cell, under the missing-value policy, each problem naming the file, row, line and column.
 */
final class RowParser {
  private RowParser() {}

  /** Rows of one table, checked and converted. */
  static final class Parsed {
    final List<DataRow> rows = new ArrayList<>();
    final List<String> keys = new ArrayList<>();
    final List<String> droppedKeys = new ArrayList<>();
  }

  static Parsed parse(LoadedConfig loaded, CsvTable table, Columns columns)
      throws BadInputException {
    MlConfig config = loaded.config();
    DataConfig data = config.data();
    Set<String> na = new HashSet<>(data.naValues());
    boolean classification = config.task() == Task.CLASSIFICATION;
    String targetName = data.target();
    Parsed parsed = new Parsed();
    Map<String, Integer> idRows = new HashMap<>();
    Map<String, Integer> contentCounts = new HashMap<>();
    HexFormat hex = HexFormat.of();
    int width = columns.features.size();
    for (int r = 0; r < table.rows().size(); r++) {
      String[] cells = table.rows().get(r);
      int row = r + 1;
      int line = table.lineOf(r);
      String content = String.join("\u001f", cells);
      String key;
      String id;
      if (columns.id >= 0) {
        id = cells[columns.id].trim();
        String idName = data.id().orElseThrow();
        if (na.contains(id)) {
          throw new BadInputException(
              rowProblem(table, r, idName, "the id is missing.", "give every row a unique id."));
        }
        Integer first = idRows.putIfAbsent(id, row);
        if (first != null) {
          throw new BadInputException(
              rowProblem(
                  table,
                  r,
                  idName,
                  "the id '" + id + "' is also the id of row " + first + ".",
                  "make ids unique, or remove 'data.id' to key rows by their content."));
        }
        key = id;
      } else {
        int n = contentCounts.merge(content, 1, Integer::sum);
        byte[] digest = Digests.sha256().digest(content.getBytes(StandardCharsets.UTF_8));
        id = "h:" + hex.formatHex(digest, 0, 8) + (n > 1 ? "#" + n : "");
        key = content;
      }
      String rawTarget = cells[columns.target].trim();
      boolean missing = false;
      String label = null;
      double target = Double.NaN;
      if (na.contains(rawTarget)) {
        if (data.missing() != MissingPolicy.DROP) {
          throw new BadInputException(
              rowProblem(
                  table,
                  r,
                  targetName,
                  "the target value is missing.",
                  "fill it in, or set 'missing: drop' under 'data' in "
                      + loaded.displayName()
                      + " to drop such rows."));
        }
        missing = true;
      } else if (classification) {
        label = rawTarget;
      } else {
        target = number(table, r, targetName, rawTarget, loaded, false);
      }
      double[] numeric = new double[width];
      String[] categorical = new String[width];
      for (int f = 0; f < width; f++) {
        String name = columns.features.get(f);
        String cell = cells[columns.featureIndex[f]].trim();
        numeric[f] = Double.NaN;
        if (na.contains(cell)) {
          if (data.missing() == MissingPolicy.ERROR) {
            throw new BadInputException(
                rowProblem(
                    table,
                    r,
                    name,
                    "the value is missing"
                        + (cell.isEmpty() ? "" : " ('" + cell + "' is listed in data.na_values)")
                        + ".",
                    "fill it in, or set 'missing: drop' or 'missing: impute-mean' under 'data' in "
                        + loaded.displayName()
                        + "."));
          }
          missing = true;
        } else if (columns.categorical.contains(name)) {
          categorical[f] = cell;
        } else {
          numeric[f] = number(table, r, name, cell, loaded, true);
        }
      }
      if (missing && data.missing() == MissingPolicy.DROP) {
        parsed.droppedKeys.add(key);
        continue;
      }
      parsed.rows.add(
          new DataRow(id, table.display(), row, line, label, target, numeric, categorical));
      parsed.keys.add(key);
    }
    return parsed;
  }

  private static double number(
      CsvTable table, int r, String column, String cell, LoadedConfig loaded, boolean feature)
      throws BadInputException {
    if (Numbers.isDecimal(cell)) {
      double value = Double.parseDouble(cell);
      if (Double.isFinite(value)) {
        return value;
      }
      throw new BadInputException(
          rowProblem(
              table,
              r,
              column,
              "'" + cell + "' is too large for a 64-bit floating-point number.",
              "rescale the column (e.g. use logarithms or other units)."));
    }
    if (Numbers.isNonFinite(cell)) {
      throw new BadInputException(
          rowProblem(
              table,
              r,
              column,
              "'" + cell + "' is not a finite number.",
              "if it marks a missing value, leave the cell empty (and choose data.missing: drop or impute-mean in "
                  + loaded.displayName()
                  + "); otherwise write the real value."));
    }
    throw new BadInputException(
        rowProblem(
            table,
            r,
            column,
            "'" + cell + "' is not a number.",
            (looksLikeAMissingMarker(cell)
                    ? "if '"
                        + cell
                        + "' marks a missing value, list it under data.na_values in "
                        + loaded.displayName()
                        + "; otherwise "
                    : "")
                + (feature
                    ? "correct the value, or list '"
                        + column
                        + "' under data.categorical in "
                        + loaded.displayName()
                        + " if it holds categories."
                    : "a regression target must be numeric; correct the value, or use 'task:"
                        + " classification' for classes.")));
  }

  /** Cells that spreadsheets and exports write for a missing value. */
  private static final Set<String> MISSING_MARKERS =
      Set.of(
          "na", "n/a", "#n/a", "null", "none", "nil", "missing", "?", "-", "--", ".", "undefined");

  private static boolean looksLikeAMissingMarker(String cell) {
    return MISSING_MARKERS.contains(cell.strip().toLowerCase(Locale.ROOT));
  }

  private static Problem rowProblem(
      CsvTable table, int r, String column, String message, String fix) {
    return Problem.atRow(table.display(), r + 1, column, message, fix).onLine(table.lineOf(r));
  }
}
