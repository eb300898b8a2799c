package dev.mlci.core.data;

import dev.mlci.core.config.DataConfig;
import dev.mlci.core.config.LoadedConfig;
import dev.mlci.core.config.MissingPolicy;
import dev.mlci.core.config.MlConfig;
import dev.mlci.core.config.Task;
import dev.mlci.core.errors.BadInputException;
import dev.mlci.core.errors.MlciException;
import dev.mlci.core.errors.OutOfMemory;
import dev.mlci.core.errors.Problem;
import dev.mlci.format.TargetSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Reads the data ml.yaml points to, checks every cell the model will use, and splits it into
 * training and test sets. Every problem names the file, the row and line, the column and the fix.
 */
public final class DataLoader {
  private final DataFiles dataFiles;

  /**
   * @param repository the ML repository; data files must lie inside it
   */
  public DataLoader(Path repository) {
    this.dataFiles = new DataFiles(repository.toAbsolutePath().normalize());
  }

  /**
   * Reads, checks and splits the data of {@code loaded}.
   *
   * @throws BadInputException when the data is wrong (exit 2)
   * @throws dev.mlci.core.errors.EnvironmentException when the heap cannot hold it (exit 3)
   */
  public LoadedData load(LoadedConfig loaded) throws MlciException {
    try {
      return loadUnguarded(loaded);
    } catch (OutOfMemoryError e) {
      throw OutOfMemory.of("load the data of " + loaded.displayName(), e);
    }
  }

  private LoadedData loadUnguarded(LoadedConfig loaded) throws MlciException {
    MlConfig config = loaded.config();
    DataConfig data = config.data();
    if (data.singleFile()) {
      CsvTable table = dataFiles.read(loaded, "data.path", data.path().orElseThrow());
      Columns columns = Columns.resolve(loaded, table);
      RowParser.Parsed parsed = RowParser.parse(loaded, table, columns);
      List<String> labels = parsed.rows.stream().map(DataRow::label).toList();
      boolean[] test = Splitter.split(data.split(), parsed.keys, labels);
      List<DataRow> train = new ArrayList<>();
      List<DataRow> held = new ArrayList<>();
      for (int i = 0; i < parsed.rows.size(); i++) {
        (test[i] ? held : train).add(parsed.rows.get(i));
      }
      checkSizes(loaded, table.display(), train, table.display(), held);
      TargetSpec target = targetSpec(loaded, config, train, held, table.display(), table.display());
      List<DataFile> files =
          List.of(new DataFile("data", table.display(), table.sha256(), table.rows().size()));
      return new LoadedData(
          files,
          columns.features,
          columns.categoricalFlags(),
          target,
          train,
          held,
          parsed.droppedKeys.size());
    }
    CsvTable trainTable = dataFiles.read(loaded, "data.train", data.train().orElseThrow());
    CsvTable testTable = dataFiles.read(loaded, "data.test", data.test().orElseThrow());
    if (trainTable.display().equals(testTable.display())) {
      throw new BadInputException(
          loaded.problemAt(
              "data.test",
              "the test file is the training file ("
                  + testTable.display()
                  + "): the evaluation would score"
                  + " rows the model was trained on.",
              "point data.test at held-out rows, or use data.path and let mlci split one file."));
    }
    Columns columns = Columns.resolve(loaded, trainTable);
    Columns testColumns = columns.within(loaded, testTable);
    RowParser.Parsed train = RowParser.parse(loaded, trainTable, columns);
    RowParser.Parsed test = RowParser.parse(loaded, testTable, testColumns);
    if (columns.id >= 0) {
      requireDisjointIds(loaded, train.rows, test.rows);
    }
    checkSizes(loaded, trainTable.display(), train.rows, testTable.display(), test.rows);
    TargetSpec target =
        targetSpec(
            loaded, config, train.rows, test.rows, trainTable.display(), testTable.display());
    List<DataFile> files =
        List.of(
            new DataFile(
                "train", trainTable.display(), trainTable.sha256(), trainTable.rows().size()),
            new DataFile("test", testTable.display(), testTable.sha256(), testTable.rows().size()));
    return new LoadedData(
        files,
        columns.features,
        columns.categoricalFlags(),
        target,
        train.rows,
        test.rows,
        train.droppedKeys.size() + test.droppedKeys.size());
  }

  private static void checkSizes(
      LoadedConfig loaded,
      String trainFile,
      List<DataRow> train,
      String testFile,
      List<DataRow> test)
      throws BadInputException {
    if (!train.isEmpty() && !test.isEmpty()) {
      return;
    }
    String which = train.isEmpty() ? "training" : "test";
    if (loaded.config().data().singleFile()) {
      throw new BadInputException(
          loaded.problemAt(
              "data.split.test_fraction",
              "the split leaves no rows in the "
                  + which
                  + " set ("
                  + (train.size() + test.size())
                  + " usable rows in "
                  + trainFile
                  + ").",
              "add rows to the data, or choose a test_fraction that leaves rows on both sides."));
    }
    throw new BadInputException(
        Problem.in(
            train.isEmpty() ? trainFile : testFile,
            "",
            "the "
                + which
                + " set has no usable rows"
                + (loaded.config().data().missing() == MissingPolicy.DROP
                    ? " (rows with missing values were dropped)."
                    : "."),
            "add rows to it."));
  }

  /** With an id column, a row of the test file must not also be a training row. */
  private static void requireDisjointIds(
      LoadedConfig loaded, List<DataRow> train, List<DataRow> test) throws BadInputException {
    Map<String, DataRow> trainIds = new HashMap<>();
    for (DataRow r : train) {
      trainIds.put(r.id(), r);
    }
    for (DataRow r : test) {
      DataRow same = trainIds.get(r.id());
      if (same != null) {
        throw new BadInputException(
            Problem.atRow(
                    r.file(),
                    r.row(),
                    loaded.config().data().id().orElseThrow(),
                    "the id '"
                        + r.id()
                        + "' is also row "
                        + same.row()
                        + " of "
                        + same.file()
                        + ": a test row must be held out of training.",
                    "remove it from one of the files.")
                .onLine(r.line()));
      }
    }
  }

  /** More distinct numeric labels than this, some with a fraction, read as a continuous target. */
  static final int CONTINUOUS_LABELS = 10;

  /**
   * Refuses a continuous target under {@code task: classification}: every distinct value would be a
   * class of its own (scikit-learn refuses it too: "Unknown label type: continuous").
   */
  private static void requireClasses(LoadedConfig loaded, Set<String> labels, String file)
      throws BadInputException {
    if (labels.size() <= CONTINUOUS_LABELS) {
      return;
    }
    boolean fraction = false;
    for (String label : labels) {
      double x;
      try {
        x = Double.parseDouble(label.strip());
      } catch (NumberFormatException e) {
        return;
      }
      fraction |= Double.isFinite(x) && x != Math.rint(x);
    }
    if (fraction) {
      throw new BadInputException(
          loaded.problemAt(
              "task",
              "the target '"
                  + loaded.config().data().target()
                  + "' in "
                  + file
                  + " holds continuous numbers ("
                  + labels.size()
                  + " distinct values such as "
                  + String.join(", ", labels.stream().limit(3).toList())
                  + "), but task is classification: each value would be a class of its own.",
              "set 'task: regression' to predict the number, or bin the target into classes in"
                  + " the data."));
    }
  }

  private static TargetSpec targetSpec(
      LoadedConfig loaded,
      MlConfig config,
      List<DataRow> train,
      List<DataRow> test,
      String trainFile,
      String testFile)
      throws BadInputException {
    DataConfig data = config.data();
    if (config.task() == Task.REGRESSION) {
      return new TargetSpec(data.target(), List.of(), Optional.empty());
    }
    Map<String, Integer> counts = new TreeMap<>();
    for (DataRow r : train) {
      counts.merge(r.label(), 1, Integer::sum);
    }
    if (counts.size() < 2) {
      throw new BadInputException(
          Problem.in(
              trainFile,
              data.target(),
              "the training set has only one class ('"
                  + counts.keySet().iterator().next()
                  + "'); a classifier needs at least two.",
              "add examples of the other classes, or check that data.target names the right column."));
    }
    requireClasses(loaded, counts.keySet(), trainFile);
    for (DataRow r : test) {
      if (!counts.containsKey(r.label())) {
        throw new BadInputException(
            Problem.atRow(
                    testFile,
                    r.row(),
                    data.target(),
                    "the test label '"
                        + r.label()
                        + "' never occurs in the training set, so no model can predict it.",
                    "add training examples of '"
                        + r.label()
                        + "'"
                        + (data.singleFile()
                            ? ", or use 'strategy: stratified' under data.split."
                            : "."))
                .onLine(r.line()));
      }
    }
    List<String> classes = sortClasses(counts.keySet());
    Optional<String> positive = data.positiveClass();
    if (positive.isPresent() && !classes.contains(positive.get())) {
      throw new BadInputException(
          loaded.problemAt(
              "data.positive_class",
              "'" + positive.get() + "' is not a class of the training data.",
              "use one of: " + String.join(", ", classes) + "."));
    }
    if (positive.isPresent() && classes.size() != 2) {
      throw new BadInputException(
          loaded.problemAt(
              "data.positive_class",
              "positive_class applies to binary classification; the data has "
                  + classes.size()
                  + " classes.",
              "remove it; multiclass ROC AUC is averaged over all classes."));
    }
    return new TargetSpec(
        data.target(),
        classes,
        classes.size() == 2 ? Optional.of(positive.orElse(classes.get(1))) : Optional.empty());
  }

  /**
   * mlci's class order: numeric order when every class is a number (so "2" comes before "10"), else
   * lexicographic. scikit-learn orders the same way for numeric and for string labels.
   */
  public static List<String> sortClasses(Set<String> labels) {
    List<String> classes = new ArrayList<>(new LinkedHashSet<>(labels));
    boolean numeric = classes.stream().allMatch(Numbers::isDecimal);
    if (numeric) {
      classes.sort(
          Comparator.comparingDouble((String s) -> Double.parseDouble(s))
              .thenComparing(Comparator.naturalOrder()));
    } else {
      classes.sort(Comparator.naturalOrder());
    }
    return classes;
  }
}
