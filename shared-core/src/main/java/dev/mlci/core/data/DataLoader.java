package dev.mlci.core.data;

import dev.mlci.core.config.DataConfig;
import dev.mlci.core.config.LoadedConfig;
import dev.mlci.core.config.MissingPolicy;
import dev.mlci.core.config.MlConfig;
import dev.mlci.core.config.SplitStrategy;
import dev.mlci.core.config.Task;
import dev.mlci.core.errors.BadInputException;
import dev.mlci.core.errors.MlciException;
import dev.mlci.core.errors.OutOfMemory;
import dev.mlci.core.errors.Problem;
import dev.mlci.core.progress.ProgressListener;
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
  private final RowParser.Progress progress;
  private final long halvesBytes;

  /**
   * @param repository the ML repository; data files must lie inside it
   */
  public DataLoader(Path repository) {
    this(repository, null);
  }

  /**
   * @param repository the ML repository; data files must lie inside it
   * @param progress shown the rows read (and an estimate of the rows left) while a file streams in
   */
  public DataLoader(Path repository, ProgressListener progress) {
    this(repository, progress, CsvReader.HALVES_BYTES);
  }

  /**
   * As {@link #DataLoader(Path, ProgressListener)}, reading plain CSV files of at least {@code
   * halvesBytes} bytes in two halves (tests: 0 for every file, {@link Long#MAX_VALUE} for none).
   */
  DataLoader(Path repository, ProgressListener progress, long halvesBytes) {
    this.dataFiles = new DataFiles(repository.toAbsolutePath().normalize());
    this.progress = progress == null ? null : new LoadingProgress(progress);
    this.halvesBytes = halvesBytes;
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

  /**
   * Reads only the test rows of {@code loaded}'s data, when {@code record} says train read the same
   * file: under a hash split each row's set follows from its key alone, so a training row is passed
   * over once its id (or content key) is read, its cells neither checked nor kept. Train checked
   * every row of the file; whether it is that file shows at the end of the pass (its SHA-256). When
   * it is not, or a row fails a check, or the split is not a hash split of one file, every row is
   * read and checked as {@link #load} does (so a bad cell of a changed file is reported wherever it
   * is).
   *
   * @throws BadInputException when the data is wrong (exit 2)
   * @throws dev.mlci.core.errors.EnvironmentException when the heap cannot hold it (exit 3)
   */
  public LoadedData loadTestRows(LoadedConfig loaded, TrainingRecord record) throws MlciException {
    DataConfig data = loaded.config().data();
    if (!data.singleFile() || data.split().strategy() != SplitStrategy.HASH) {
      return load(loaded);
    }
    Optional<LoadedData> testRows;
    try {
      testRows = testRowsUnguarded(loaded, record);
    } catch (BadInputException e) {
      // Not the file train checked: the full read below reports the problem as train would.
      testRows = Optional.empty();
    } catch (OutOfMemoryError e) {
      throw OutOfMemory.of("load the test rows of " + loaded.displayName(), e);
    }
    return testRows.isPresent() ? testRows.get() : load(loaded);
  }

  private Optional<LoadedData> testRowsUnguarded(LoadedConfig loaded, TrainingRecord record)
      throws MlciException {
    DataConfig data = loaded.config().data();
    RowParser.Parsed parsed =
        read(
            loaded,
            "data.path",
            data.path().orElseThrow(),
            h -> Columns.resolve(loaded, h),
            data.split().seed(),
            true);
    int trainDropped = record.dropped() - parsed.dropped;
    if (!parsed.sha256.equals(record.sha256())
        || parsed.skipped - trainDropped != record.rows()
        || parsed.frame.size() == 0) {
      return Optional.empty();
    }
    Rows test = new Rows(parsed.frame, null);
    if (record.target().isClassification()) {
      for (int i = 0; i < test.size(); i++) {
        if (!record.target().classes().contains(test.label(i))) {
          return Optional.empty();
        }
      }
    }
    List<DataFile> files =
        List.of(new DataFile("data", parsed.display, parsed.sha256, parsed.fileRows));
    return Optional.of(
        new LoadedData(
            files,
            parsed.columns.features,
            parsed.columns.categoricalFlags(),
            record.target(),
            List.of(),
            test,
            record.dropped(),
            Optional.of(record)));
  }

  private LoadedData loadUnguarded(LoadedConfig loaded) throws MlciException {
    MlConfig config = loaded.config();
    DataConfig data = config.data();
    if (data.singleFile()) {
      Long seed = data.split().strategy() == SplitStrategy.HASH ? data.split().seed() : null;
      RowParser.Parsed parsed =
          read(
              loaded,
              "data.path",
              data.path().orElseThrow(),
              h -> Columns.resolve(loaded, h),
              seed,
              false);
      Frame frame = parsed.frame;
      boolean[] test = Splitter.split(data.split(), frame.size(), parsed.units, frame::label);
      int held = 0;
      for (boolean t : test) {
        held += t ? 1 : 0;
      }
      int[] trainIndex = new int[frame.size() - held];
      int[] testIndex = new int[held];
      for (int i = 0, a = 0, b = 0; i < test.length; i++) {
        if (test[i]) {
          testIndex[b++] = i;
        } else {
          trainIndex[a++] = i;
        }
      }
      Rows train = new Rows(frame, trainIndex);
      Rows heldOut = new Rows(frame, testIndex);
      checkSizes(loaded, parsed.display, train, parsed.display, heldOut);
      TargetSpec target =
          targetSpec(loaded, config, train, heldOut, parsed.display, parsed.display);
      List<DataFile> files =
          List.of(new DataFile("data", parsed.display, parsed.sha256, parsed.fileRows));
      return new LoadedData(
          files,
          parsed.columns.features,
          parsed.columns.categoricalFlags(),
          target,
          train,
          heldOut,
          parsed.dropped);
    }
    String trainPath = data.train().orElseThrow();
    String testPath = data.test().orElseThrow();
    RowParser.Parsed trainFile =
        read(loaded, "data.train", trainPath, h -> Columns.resolve(loaded, h), null, false);
    if (loaded
        .folder()
        .resolve(trainPath)
        .normalize()
        .equals(loaded.folder().resolve(testPath).normalize())) {
      throw new BadInputException(
          loaded.problemAt(
              "data.test",
              "the test file is the training file ("
                  + trainFile.display
                  + "): the evaluation would score"
                  + " rows the model was trained on.",
              "point data.test at held-out rows, or use data.path and let mlci split one file."));
    }
    Columns columns = trainFile.columns;
    RowParser.Parsed testFile =
        read(loaded, "data.test", testPath, h -> columns.within(loaded, h), null, false);
    Rows train = new Rows(trainFile.frame, null);
    Rows test = new Rows(testFile.frame, null);
    if (columns.id >= 0) {
      requireDisjointIds(loaded, train, test);
    }
    checkSizes(loaded, trainFile.display, train, testFile.display, test);
    TargetSpec target =
        targetSpec(loaded, config, train, test, trainFile.display, testFile.display);
    List<DataFile> files =
        List.of(
            new DataFile("train", trainFile.display, trainFile.sha256, trainFile.fileRows),
            new DataFile("test", testFile.display, testFile.sha256, testFile.fileRows));
    return new LoadedData(
        files,
        columns.features,
        columns.categoricalFlags(),
        target,
        train,
        test,
        trainFile.dropped + testFile.dropped);
  }

  /** How the columns of a file are found from its header. */
  private interface ColumnsOf {
    Columns of(Columns.Header header) throws BadInputException;
  }

  /** Opens, checks and streams one data file into columns. */
  private RowParser.Parsed read(
      LoadedConfig loaded,
      String field,
      String written,
      ColumnsOf columnsOf,
      Long hashSeed,
      boolean testOnly)
      throws MlciException {
    return dataFiles.read(
        loaded,
        field,
        written,
        (file, display) -> {
          try (RowSource opened =
              ParquetSource.isParquet(file)
                  ? ParquetSource.open(file, display)
                  : CsvReader.open(file, display, halvesBytes)) {
            Columns columns = columnsOf.of(new Columns.Header(display, opened.header()));
            RowParser.Parsed parsed =
                RowParser.parse(loaded, opened, columns, hashSeed, testOnly, progress);
            parsed.columns = columns;
            parsed.display = display;
            parsed.sha256 = opened.sha256();
            return parsed;
          }
        });
  }

  private static void checkSizes(
      LoadedConfig loaded, String trainFile, Rows train, String testFile, Rows test)
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
  private static void requireDisjointIds(LoadedConfig loaded, Rows train, Rows test)
      throws BadInputException {
    Map<String, Integer> trainIds = new HashMap<>();
    for (int i = 0; i < train.size(); i++) {
      trainIds.put(train.id(i), i);
    }
    Frame testFrame = test.frame();
    for (int i = 0; i < test.size(); i++) {
      Integer same = trainIds.get(test.id(i));
      if (same != null) {
        int t = test.frameRow(i);
        throw new BadInputException(
            Problem.atRow(
                    testFrame.file(),
                    testFrame.fileRow(t),
                    loaded.config().data().id().orElseThrow(),
                    "the id '"
                        + test.id(i)
                        + "' is also row "
                        + train.frame().fileRow(train.frameRow(same))
                        + " of "
                        + train.frame().file()
                        + ": a test row must be held out of training.",
                    "remove it from one of the files.")
                .onLine(testFrame.line(t)));
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
      Rows train,
      Rows test,
      String trainFile,
      String testFile)
      throws BadInputException {
    DataConfig data = config.data();
    if (config.task() == Task.REGRESSION) {
      return new TargetSpec(data.target(), List.of(), Optional.empty());
    }
    Map<String, Integer> counts = new TreeMap<>();
    for (int i = 0; i < train.size(); i++) {
      counts.merge(train.label(i), 1, Integer::sum);
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
    for (int i = 0; i < test.size(); i++) {
      if (!counts.containsKey(test.label(i))) {
        DataRow r = test.get(i);
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
