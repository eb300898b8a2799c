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
import dev.mlci.core.text.DidYouMean;
import dev.mlci.format.Digests;
import dev.mlci.format.TargetSpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
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
  private final Path repository;

  /**
   * @param repository the ML repository; data files must lie inside it
   */
  public DataLoader(Path repository) {
    this.repository = repository.toAbsolutePath().normalize();
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
      CsvTable table = read(loaded, "data.path", data.path().orElseThrow());
      Columns columns = Columns.resolve(loaded, table);
      Parsed parsed = parse(loaded, table, columns);
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
    CsvTable trainTable = read(loaded, "data.train", data.train().orElseThrow());
    CsvTable testTable = read(loaded, "data.test", data.test().orElseThrow());
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
    Parsed train = parse(loaded, trainTable, columns);
    Parsed test = parse(loaded, testTable, testColumns);
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

  /**
   * Resolves a data path against the config's folder and reads it, refusing paths outside the
   * repository.
   */
  private CsvTable read(LoadedConfig loaded, String field, String written) throws MlciException {
    Path file = loaded.folder().resolve(written).normalize();
    Optional<String> link = escapingLink(file);
    if (link.isPresent()) {
      throw new BadInputException(
          loaded.problemAt(
              field,
              "'"
                  + written
                  + "' ("
                  + file
                  + ") is "
                  + link.get()
                  + ", outside the repository "
                  + repository
                  + ".",
              "keep data files inside the repository (e.g. under data/), so every build reads the"
                  + " same file; copy the file in instead of linking to it."));
    }
    if (!file.startsWith(repository)) {
      throw new BadInputException(
          loaded.problemAt(
              field,
              "'"
                  + written
                  + "' resolves to "
                  + file
                  + ", outside the repository "
                  + repository
                  + ".",
              "keep data files inside the repository (e.g. under data/), so every build reads the same file."));
    }
    String display = repository.relativize(file).toString();
    try {
      if (Files.isDirectory(file)) {
        throw new BadInputException(
            loaded.problemAt(
                field, "'" + written + "' is a directory.", "point it at a CSV file."));
      }
      Optional<String> kind = dev.mlci.core.io.RegularFiles.notRegular(file);
      if (kind.isPresent()) {
        throw new BadInputException(
            loaded.problemAt(
                field,
                "'"
                    + written
                    + "' is "
                    + kind.get()
                    + ", not a regular file; mlci reads only"
                    + " regular files.",
                "point it at a CSV file (copy the data into one)."));
      }
      return CsvReader.read(file, display);
    } catch (NoSuchFileException e) {
      throw new BadInputException(
          loaded.problemAt(
              field,
              "the data file '" + written + "' does not exist (looked for " + file + ").",
              "check the path; it is relative to the folder of " + loaded.displayName() + "."));
    } catch (IOException e) {
      throw new BadInputException(
          loaded.problemAt(
              field,
              "cannot read " + display + ": " + e + ".",
              "check that it is a readable file."));
    }
  }

  /**
   * When {@code file} is inside the repository but reaches outside through a symbolic link: which
   * link, and where it leads (both named, so the user finds the link to fix).
   */
  private Optional<String> escapingLink(Path file) {
    if (!file.startsWith(repository)) {
      return Optional.empty();
    }
    try {
      Path realRepo = repository.toRealPath();
      if (!Files.exists(file) || file.toRealPath().startsWith(realRepo)) {
        return Optional.empty();
      }
      // The first link on the way whose target lies outside.
      Path p = repository;
      for (Path part : repository.relativize(file)) {
        p = p.resolve(part);
        if (Files.isSymbolicLink(p) && !p.toRealPath().startsWith(realRepo)) {
          return Optional.of(
              "a symbolic link "
                  + (p.equals(file) ? "" : "through " + repository.relativize(p) + " ")
                  + "to "
                  + Files.readSymbolicLink(p)
                  + " (resolving to "
                  + file.toRealPath()
                  + ")");
        }
      }
      return Optional.of("reached through a symbolic link to " + file.toRealPath());
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** Which column plays which role, as indices into one table's header. */
  private static final class Columns {
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

    static Columns resolve(LoadedConfig loaded, CsvTable table) throws BadInputException {
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
                  "the file has no column besides the target"
                      + (id >= 0 ? " and the id" : "")
                      + ".",
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
    Columns within(LoadedConfig loaded, CsvTable table) throws BadInputException {
      DataConfig data = loaded.config().data();
      List<String> needed = new ArrayList<>(features);
      needed.add(data.target());
      data.id().ifPresent(needed::add);
      List<String> missing = needed.stream().filter(c -> table.indexOf(c).isEmpty()).toList();
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
        LoadedConfig loaded, CsvTable table, String field, String column, List<Problem> problems) {
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
  }

  private static String abbreviate(List<String> names) {
    return names.size() <= 12
        ? String.join(", ", names)
        : String.join(", ", names.subList(0, 12)) + ", ... (" + names.size() + " in all)";
  }

  /** Rows of one table, checked and converted. */
  private static final class Parsed {
    final List<DataRow> rows = new ArrayList<>();
    final List<String> keys = new ArrayList<>();
    final List<String> droppedKeys = new ArrayList<>();
  }

  private static Parsed parse(LoadedConfig loaded, CsvTable table, Columns columns)
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
            feature
                ? "correct the value, or list '"
                    + column
                    + "' under data.categorical in "
                    + loaded.displayName()
                    + " if it holds categories."
                : "a regression target must be numeric; correct the value, or use 'task: classification' for"
                    + " classes."));
  }

  private static Problem rowProblem(
      CsvTable table, int r, String column, String message, String fix) {
    return Problem.atRow(table.display(), r + 1, column, message, fix).onLine(table.lineOf(r));
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
