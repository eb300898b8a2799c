package dev.mlci.core.data;

import dev.mlci.core.config.DataConfig;
import dev.mlci.core.config.DidYouMean;
import dev.mlci.core.config.LoadedConfig;
import dev.mlci.core.errors.BadInputException;
import dev.mlci.core.errors.Problem;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Which column plays which role, as indices into one table's header. */
final class Columns {
  final List<String> features;
  final Set<String> categorical;
  final int target;
  final int id;
  final int[] featureIndex;

  private Columns(
      List<String> features, Set<String> categorical, int target, int id, int[] featureIndex) {
    this.features = features;
    this.categorical = categorical;
    this.target = target;
    this.id = id;
    this.featureIndex = featureIndex;
  }

  List<Boolean> categoricalFlags() {
    return features.stream().map(categorical::contains).toList();
  }

  static Columns resolve(LoadedConfig loaded, Header table) throws BadInputException {
    DataConfig data = loaded.config().data();
    List<Problem> problems = new ArrayList<>();
    int target = index(loaded, table, "data.target", data.target(), problems);
    int id = data.id().map(c -> index(loaded, table, "data.id", c, problems)).orElse(-1);
    List<String> features;
    if (data.features().isPresent()) {
      features = data.features().get();
      for (int i = 0; i < features.size(); i++) {
        index(loaded, table, "data.features." + i, features.get(i), problems);
      }
    } else {
      features = new ArrayList<>(table.header());
      features.remove(data.target());
      data.id().ifPresent(features::remove);
      if (features.isEmpty() && problems.isEmpty()) {
        problems.add(
            Problem.in(
                table.display(),
                "",
                "the file has no column besides the target" + (id >= 0 ? " and the id" : "") + ".",
                "add feature columns to the data."));
      }
    }
    for (int i = 0; i < data.categorical().size(); i++) {
      index(loaded, table, "data.categorical." + i, data.categorical().get(i), problems);
    }
    if (!problems.isEmpty()) {
      throw new BadInputException(problems);
    }
    int[] featureIndex = features.stream().mapToInt(f -> table.header().indexOf(f)).toArray();
    return new Columns(
        List.copyOf(features), new HashSet<>(data.categorical()), target, id, featureIndex);
  }

  /** The same roles in another table (the test file), which must have every column used. */
  Columns within(LoadedConfig loaded, Header table) throws BadInputException {
    DataConfig data = loaded.config().data();
    List<String> needed = new ArrayList<>(features);
    needed.add(data.target());
    data.id().ifPresent(needed::add);
    List<String> missing = needed.stream().filter(c -> !table.header().contains(c)).toList();
    if (!missing.isEmpty()) {
      throw new BadInputException(
          Problem.atLine(
              table.display(),
              1,
              "",
              "the test file lacks the column(s) "
                  + String.join(", ", missing)
                  + " that the training file has.",
              "give both files the same header."));
    }
    return new Columns(
        features,
        categorical,
        table.header().indexOf(data.target()),
        data.id().map(table.header()::indexOf).orElse(-1),
        features.stream().mapToInt(f -> table.header().indexOf(f)).toArray());
  }

  private static int index(
      LoadedConfig loaded, Header table, String field, String column, List<Problem> problems) {
    int i = table.header().indexOf(column);
    if (i < 0) {
      String suggestion =
          DidYouMean.suggest(column, table.header())
              .map(s -> "Did you mean '" + s + "'? ")
              .orElse("");
      problems.add(
          loaded.problemAt(
              field,
              "the column '" + column + "' is not in " + table.display() + ".",
              suggestion + "Columns in the file: " + abbreviate(table.header()) + "."));
    }
    return i;
  }

  private static String abbreviate(List<String> names) {
    return names.size() <= 12
        ? String.join(", ", names)
        : String.join(", ", names.subList(0, 12)) + ", ... (" + names.size() + " in all)";
  }

  /** The header of a data file and its name for messages. */
  record Header(String display, List<String> header) {}
}
