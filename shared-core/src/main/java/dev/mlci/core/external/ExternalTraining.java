package dev.mlci.core.external;

import dev.mlci.core.config.DataConfig;
import dev.mlci.core.config.LoadedConfig;
import dev.mlci.core.config.MlConfig;
import dev.mlci.core.data.CsvRecords;
import dev.mlci.core.data.DataRow;
import dev.mlci.core.data.LoadedData;
import dev.mlci.core.data.Rows;
import dev.mlci.core.data.SpecFitter;
import dev.mlci.core.errors.BadInputException;
import dev.mlci.core.errors.EnvironmentException;
import dev.mlci.core.errors.Fix;
import dev.mlci.core.errors.MlciException;
import dev.mlci.core.errors.Problem;
import dev.mlci.core.io.Json;
import dev.mlci.core.progress.ProgressListener;
import dev.mlci.format.FeatureSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.function.Consumer;
import java.util.stream.Stream;
import tools.jackson.databind.JsonNode;

/**
 * {@code trainer: external}: runs the repository's own training command on mlci's training rows,
 * then checks the ONNX model it exported (loads in ONNX Runtime, signature, classes, finite outputs
 * on the training rows, and the parity check against {@code train_predictions.csv}).
 *
 * <p>The command's environment: {@code MLCI_TRAIN_DATA} (CSV: the id column, the features in order,
 * the target; training rows only; see {@link TrainingRows}), {@code MLCI_ID}, {@code
 * MLCI_FEATURES}, {@code MLCI_TARGET}, {@code MLCI_TASK}, {@code MLCI_CLASSES}, {@code
 * MLCI_PARAMS}, {@code MLCI_SEED}, {@code MLCI_OUTPUT} (an empty folder for {@code model.onnx},
 * {@code metrics.json}, {@code train_predictions.csv}).
 */
public final class ExternalTraining {
  /** The id column of MLCI_TRAIN_DATA when ml.yaml names none (ids are then content hashes). */
  public static final String DEFAULT_ID_COLUMN = "mlci_id";

  /** The command's output folder (MLCI_OUTPUT) in its temporary folder. */
  static final String OUTPUT = "output";

  /** Rows compared against the native scores in the parity message. */
  static final int WORST_ROWS = 5;

  private ExternalTraining() {}

  /**
   * Runs the command and checks what it wrote.
   *
   * @throws BadInputException for every fault of the command or its model, naming ml.yaml's {@code
   *     model.command}
   * @throws EnvironmentException when mlci cannot write or read its own temporary files
   */
  public static ExternalModel train(LoadedConfig loaded, LoadedData data, ProgressListener progress)
      throws BadInputException, EnvironmentException {
    return train(loaded, data, progress, CompletableFuture.completedFuture(null), () -> {});
  }

  /**
   * {@link #train(LoadedConfig, LoadedData, ProgressListener)} with ONNX Runtime being started in
   * the background ({@link OnnxRuntimeLibrary#startInBackground}): waited for only once the command
   * has exited. {@code meanwhile} runs as the command starts, to start work of the caller's that
   * does not need the model (it must not block).
   */
  public static ExternalModel train(
      LoadedConfig loaded,
      LoadedData data,
      ProgressListener progress,
      CompletableFuture<Void> onnxRuntime,
      Runnable meanwhile)
      throws BadInputException, EnvironmentException {
    return train(loaded, data, progress, onnxRuntime, meanwhile, Optional.empty());
  }

  /**
   * {@link #train(LoadedConfig, LoadedData, ProgressListener, CompletableFuture, Runnable)} with
   * {@code MLCI_TRAIN_DATA} written while {@code data} was read ({@link EarlyTrainingRows#start},
   * before the load): used when it holds exactly the training rows of {@code data}, written again
   * otherwise. Its folder is the command's temporary folder, deleted afterwards.
   */
  public static ExternalModel train(
      LoadedConfig loaded,
      LoadedData data,
      ProgressListener progress,
      CompletableFuture<Void> onnxRuntime,
      Runnable meanwhile,
      Optional<EarlyTrainingRows> early)
      throws BadInputException, EnvironmentException {
    MlConfig config = loaded.config();
    String command = config.model().command().orElseThrow();
    List<String> argv;
    try {
      argv = Argv.split(command);
    } catch (IllegalArgumentException e) {
      throw bad(
          loaded, e.getMessage() + ".", "quote as a shell would, e.g. python3 'my script.py'.");
    }
    // The feature spec (each column's mean for imputing; its checks: no column all missing or too
    // large to average) is fitted on the other core while the command starts and runs; when its
    // checks fail the command is stopped and their message is the step's, as if it had not run.
    CompletableFuture<FeatureSpec> spec = new CompletableFuture<>();
    CompletableFuture<Void> specFailed = new CompletableFuture<>();
    Thread fitting =
        new Thread(
            () -> {
              try {
                spec.complete(SpecFitter.fit(config, data, false));
              } catch (BadInputException | RuntimeException | Error e) {
                spec.completeExceptionally(e);
                specFailed.complete(null);
              }
            },
            "mlci-feature-spec");
    fitting.setDaemon(true);
    fitting.start();
    Path work;
    try {
      work = early.isPresent() ? early.get().dir() : Files.createTempDirectory("mlci-external-");
    } catch (IOException e) {
      throw new EnvironmentException("cannot create a temporary folder: " + e.getMessage(), e);
    }
    try {
      return run(
          loaded, data, spec, specFailed, argv, work, progress, onnxRuntime, meanwhile, early);
    } finally {
      deleteTree(work);
    }
  }

  private static ExternalModel run(
      LoadedConfig loaded,
      LoadedData data,
      CompletableFuture<FeatureSpec> fitting,
      CompletableFuture<Void> specFailed,
      List<String> argv,
      Path work,
      ProgressListener progress,
      CompletableFuture<Void> onnxRuntime,
      Runnable meanwhile,
      Optional<EarlyTrainingRows> early)
      throws BadInputException, EnvironmentException {
    MlConfig config = loaded.config();
    String idColumn = config.data().id().orElse(DEFAULT_ID_COLUMN);
    Path csv = work.resolve("train.csv");
    Path output = work.resolve(OUTPUT);
    long handOff = System.nanoTime();
    Map<String, String> env =
        environment(
            config,
            csv,
            idColumn,
            data.features(),
            data.target().isClassification() ? data.target().classes() : List.of(),
            output);
    // Written while the data was read, and exactly what TrainingRows writes: ready.
    boolean ready =
        early.isPresent()
            && early.get().csv().equals(csv)
            && early.get().matches(data, idColumn, data.target().name());
    // The command started on it as soon as it was written, with the same environment: taken over.
    Optional<EarlyTrainingRows.Running> running;
    try {
      running =
          early.isPresent() ? early.get().adopt(ready ? env : Map.of(), output) : Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new EnvironmentException("interrupted while stopping the training command", e);
    }
    try {
      Files.createDirectories(output);
      TrainingRows.Written written =
          ready
              ? new TrainingRows.Written(data.train().size(), data.train().size())
              : TrainingRows.write(
                  csv,
                  idColumn,
                  data,
                  fitted(fitting),
                  trainingFile(loaded),
                  config.data().id().isEmpty(),
                  new HashSet<>(config.data().naValues()));
      progress.info(
          "handed "
              + written.rows()
              + " training rows to the command in "
              + seconds(handOff)
              + " (MLCI_TRAIN_DATA"
              + (ready ? ", written while the data was read and checked against it; " : "; ")
              + written.copied()
              + " copied from the source file, the others written from the parsed values"
              + running
                  .map(
                      r ->
                          "; the command started on it "
                              + seconds(r.started().startNanos())
                              + " ago, as soon as it was written, while the data was checked")
                  .orElse("")
              + ")");
    } catch (IOException e) {
      throw new EnvironmentException(
          "cannot write the training rows for the command: " + e.getMessage(), e);
    }
    String prefix = "[" + Path.of(argv.get(argv.size() > 1 ? 1 : 0)).getFileName() + "] ";
    // While the command runs (on the other core): the training rows by id, for the parity check.
    FutureTask<Map<String, Integer>> ids = background("mlci-parity-ids", () -> idIndex(data));
    progress.start("training: " + String.join(" ", argv), -1, "");
    CommandRun run;
    meanwhile.run();
    try {
      Consumer<String> lines = l -> progress.info(prefix + l);
      CommandRun.Started started =
          running.isPresent()
              ? running.get().attach(lines)
              : CommandRun.start(argv, loaded.folder(), env, lines);
      run = started.await(config.model().timeout(), specFailed);
    } catch (IOException e) {
      fitted(fitting);
      throw bad(
          loaded,
          "cannot run '" + argv.get(0) + "': " + e.getMessage() + ".",
          "install it on the build's PATH (e.g. actions/setup-python), or name it by its path"
              + " relative to ml.yaml's folder.");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new EnvironmentException("interrupted while the training command ran", e);
    } finally {
      progress.finish();
    }
    // The data's checks first, as before the command ran.
    FeatureSpec spec = fitted(fitting);
    if (run.timedOut()) {
      throw bad(
          loaded,
          "the command ran longer than model.timeout ("
              + config.model().timeout().toString().substring(2).toLowerCase(Locale.ROOT)
              + ") and was stopped with every process it started."
              + tail(run),
          "raise model.timeout (e.g. 2h), or make the script faster.");
    }
    if (run.exitCode() != 0) {
      throw bad(
          loaded,
          "the command exited with code " + run.exitCode() + "." + tail(run),
          "fix the script; the output above is its own.");
    }
    Path onnxFile = output.resolve("model.onnx");
    if (!Files.isRegularFile(onnxFile)) {
      throw bad(
          loaded,
          "the command exited with 0 but wrote no model.onnx into MLCI_OUTPUT.",
          "save the exported model to os.path.join(os.environ['MLCI_OUTPUT'], 'model.onnx').");
    }
    byte[] onnx;
    try {
      onnx = Files.readAllBytes(onnxFile);
    } catch (IOException e) {
      throw new EnvironmentException("cannot read model.onnx: " + e.getMessage(), e);
    }
    Map<String, Double> metrics = scriptMetrics(loaded, output.resolve("metrics.json"));
    Path nativeFile = output.resolve(Parity.FILE);
    boolean classification = spec.target().isClassification();
    List<String> classes = classification ? spec.target().classes() : List.of("prediction");
    // The native scores are read while ONNX Runtime scores the same rows.
    FutureTask<NativeScores> nativeScores =
        Files.exists(nativeFile)
            ? background(
                "mlci-parity-read",
                () -> readNative(loaded, nativeFile, classes, classification, result(ids)))
            : null;
    long checking = System.nanoTime();
    OnnxRuntimeLibrary.awaitStart(onnxRuntime);
    // One ONNX Runtime thread: the other core reads train_predictions.csv meanwhile.
    try (OnnxScorer scorer = OnnxScorer.load(onnx, spec, 1)) {
      OnnxScorer.Scores scores = scorer.score(data.train());
      progress.info(
          "scored the "
              + data.train().size()
              + " training rows through ONNX Runtime in "
              + seconds(checking)
              + " (signature, classes, finite outputs)");
      Optional<Parity> parity = Optional.empty();
      if (nativeScores != null) {
        parity =
            Optional.of(compare(loaded, classes, classification, scores, result(nativeScores)));
        progress.info(
            "parity: the ONNX model matches the native model on "
                + parity.get().rows()
                + " training rows (largest difference "
                + parity.get().maxDifference()
                + ", tolerance "
                + Parity.TOLERANCE
                + ")");
      }
      return new ExternalModel(
          onnx,
          spec,
          run,
          metrics,
          parity,
          scorer.inputForm(),
          scorer.columnInputs(),
          data.train().size());
    } catch (OnnxModelException e) {
      throw bad(loaded, e.getMessage(), e.fix());
    } finally {
      if (nativeScores != null) {
        nativeScores.cancel(true);
      }
      ids.cancel(true);
    }
  }

  /**
   * The command's environment (beside the build's): MLCI_TRAIN_DATA {@code csv} with the id column
   * {@code idColumn}, {@code features} and the target, {@code classes} (empty for regression),
   * MLCI_OUTPUT {@code output}, and ml.yaml's task, params and seed.
   */
  static Map<String, String> environment(
      MlConfig config,
      Path csv,
      String idColumn,
      List<String> features,
      List<String> classes,
      Path output) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("MLCI_TRAIN_DATA", csv.toString());
    env.put("MLCI_ID", idColumn);
    env.put("MLCI_FEATURES", Json.mapper().writeValueAsString(features));
    env.put("MLCI_TARGET", config.data().target());
    env.put("MLCI_TASK", config.task().yamlName());
    env.put("MLCI_CLASSES", Json.mapper().writeValueAsString(classes));
    env.put("MLCI_PARAMS", Json.mapper().writeValueAsString(config.model().params()));
    env.put("MLCI_SEED", Long.toString(config.model().seed()));
    env.put("MLCI_OUTPUT", output.toString());
    return env;
  }

  /** The fitted feature spec, or the data's problem it found. */
  private static FeatureSpec fitted(CompletableFuture<FeatureSpec> spec)
      throws BadInputException, EnvironmentException {
    try {
      return spec.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new EnvironmentException("interrupted while checking the training rows", e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof BadInputException b) {
        throw b;
      }
      if (cause instanceof RuntimeException r) {
        throw r;
      }
      if (cause instanceof Error err) {
        throw err;
      }
      throw new EnvironmentException("cannot check the training rows: " + cause, cause);
    }
  }

  /** Work started in a daemon thread, its outcome read with {@link #result}. */
  private static <T> FutureTask<T> background(String name, Callable<T> work) {
    FutureTask<T> task = new FutureTask<>(work);
    Thread t = new Thread(task, name);
    t.setDaemon(true);
    t.start();
    return task;
  }

  /** The outcome of {@link #background} work: its value, or what it threw. */
  private static <T> T result(FutureTask<T> task) throws BadInputException, EnvironmentException {
    try {
      return task.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new EnvironmentException("interrupted while checking the command's model", e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof BadInputException b) {
        throw b;
      }
      if (cause instanceof EnvironmentException env) {
        throw env;
      }
      if (cause instanceof RuntimeException r) {
        throw r;
      }
      if (cause instanceof Error err) {
        throw err;
      }
      throw new EnvironmentException("cannot check the command's model: " + cause, cause);
    }
  }

  /** Training row by id: the id alone, from the loader's columns, not a copy of every cell. */
  private static Map<String, Integer> idIndex(LoadedData data) {
    List<DataRow> train = data.train();
    Map<String, Integer> index = new HashMap<>(train.size() * 2);
    for (int i = 0; i < train.size(); i++) {
      index.put(Rows.id(train, i), i);
    }
    return index;
  }

  /** The file the training rows come from: data.path, or data.train. */
  private static Optional<Path> trainingFile(LoadedConfig loaded) {
    DataConfig data = loaded.config().data();
    return (data.singleFile() ? data.path() : data.train())
        .map(p -> loaded.folder().resolve(p).normalize());
  }

  private static Map<String, Double> scriptMetrics(LoadedConfig loaded, Path file)
      throws BadInputException {
    if (!Files.exists(file)) {
      return Map.of();
    }
    JsonNode root;
    try {
      root = Json.read(file);
    } catch (IOException | RuntimeException e) {
      throw bad(
          loaded,
          "the command's metrics.json is not JSON: " + e.getMessage() + ".",
          "write a JSON object of numbers, e.g. {\"train_accuracy\": 0.97}.");
    }
    if (!root.isObject()) {
      throw bad(
          loaded,
          "the command's metrics.json is not a JSON object.",
          "write a JSON object of numbers, e.g. {\"train_accuracy\": 0.97}.");
    }
    Map<String, Double> out = new LinkedHashMap<>();
    for (String name : root.propertyNames()) {
      JsonNode v = root.get(name);
      if (!v.isNumber()) {
        throw bad(
            loaded,
            "the command's metrics.json has '" + name + "': " + v + ", not a number.",
            "write only numbers in metrics.json.");
      }
      out.put(name, v.asDouble());
    }
    return out;
  }

  /**
   * The command's native scores on the training rows, as read from {@code train_predictions.csv}:
   * per record of the file, its training row, its id and record number, its scores (in {@code
   * classes} order) and, when the file has a {@code label} column, its label.
   */
  private record NativeScores(
      int[] trainRow, String[] ids, long[] records, double[] scores, String[] labels) {
    int rows() {
      return trainRow.length;
    }
  }

  /**
   * Reads {@code train_predictions.csv}: {@code id} and, for classification, one column per class
   * named as in {@code MLCI_CLASSES} (probabilities; an optional {@code label} column), for
   * regression a {@code prediction} column.
   */
  private static NativeScores readNative(
      LoadedConfig loaded,
      Path file,
      List<String> classes,
      boolean classification,
      Map<String, Integer> index)
      throws BadInputException, EnvironmentException {
    int k = classes.size();
    int capacity = Math.max(16, index.size());
    int[] trainRow = new int[capacity];
    String[] ids = new String[capacity];
    long[] records = new long[capacity];
    double[] scores = new double[capacity * k];
    String[] labels = null;
    int rows = 0;
    // mlci's own CSV reader, whose code has just read the data: Commons CSV, in this cold JVM, took
    // longer over the file than ONNX Runtime took to score the rows (bench/external).
    try (CsvRecords csv = openNative(loaded, file)) {
      List<String> header = csv.header();
      List<String> wanted = new ArrayList<>(List.of("id"));
      wanted.addAll(classes);
      if (!header.containsAll(wanted)) {
        throw bad(
            loaded,
            Parity.FILE + " has columns " + header + "; the parity check needs " + wanted + ".",
            "write 'id' and the native model's "
                + (classification
                    ? "predict_proba per class, named as in MLCI_CLASSES"
                    : "predictions as 'prediction'")
                + ".");
      }
      int idAt = header.indexOf("id");
      int[] classAt = classes.stream().mapToInt(header::indexOf).toArray();
      int labelAt = classification ? header.indexOf("label") : -1;
      if (labelAt >= 0) {
        labels = new String[capacity];
      }
      while (nextNative(loaded, csv)) {
        if (rows == trainRow.length) {
          int grown = rows * 2;
          trainRow = Arrays.copyOf(trainRow, grown);
          ids = Arrays.copyOf(ids, grown);
          records = Arrays.copyOf(records, grown);
          scores = Arrays.copyOf(scores, grown * k);
          labels = labels == null ? null : Arrays.copyOf(labels, grown);
        }
        String id = csv.text(idAt);
        Integer i = index.get(id);
        if (i == null) {
          throw bad(
              loaded,
              where(csv) + " has id '" + id + "', which is not a training row.",
              "write the ids of MLCI_TRAIN_DATA's id column (MLCI_ID).");
        }
        for (int c = 0; c < k; c++) {
          double score = csv.number(classAt[c]);
          if (Double.isNaN(score)) {
            throw bad(
                loaded,
                where(csv)
                    + ", column '"
                    + classes.get(c)
                    + "': '"
                    + csv.text(classAt[c])
                    + "' is not a finite number.",
                "write the native model's scores as numbers.");
          }
          scores[rows * k + c] = score;
        }
        if (labels != null) {
          labels[rows] = csv.text(labelAt);
        }
        trainRow[rows] = i;
        ids[rows] = id;
        records[rows] = csv.row();
        rows++;
      }
    } catch (IOException | RuntimeException e) {
      throw unreadable(loaded, e);
    }
    if (rows == 0) {
      throw bad(
          loaded,
          Parity.FILE + " has a header but no rows: the parity check needs the native scores.",
          "write one row per row of MLCI_TRAIN_DATA, or no " + Parity.FILE + " to skip the check.");
    }
    return new NativeScores(
        Arrays.copyOf(trainRow, rows),
        Arrays.copyOf(ids, rows),
        Arrays.copyOf(records, rows),
        Arrays.copyOf(scores, rows * k),
        labels == null ? null : Arrays.copyOf(labels, rows));
  }

  /**
   * Compares the command's native scores with the ONNX model's on the same training rows; fails
   * naming the worst rows when a label disagrees or a score differs by more than {@link
   * Parity#TOLERANCE}.
   */
  private static Parity compare(
      LoadedConfig loaded,
      List<String> classes,
      boolean classification,
      OnnxScorer.Scores onnx,
      NativeScores nat)
      throws BadInputException {
    int k = classes.size();
    boolean compareLabels = classification && onnx.labels() != null && nat.labels() != null;
    // Only the worst rows are described (text is built for those alone, not for every row).
    PriorityQueue<Diff> worstRows =
        new PriorityQueue<>(WORST_ROWS + 1, Comparator.comparingDouble(Diff::d));
    int mismatches = 0;
    String firstMismatch = null;
    double max = 0;
    for (int row = 0; row < nat.rows(); row++) {
      int i = nat.trainRow()[row];
      double worst = 0;
      int worstClass = 0;
      double worstNative = 0;
      for (int c = 0; c < k; c++) {
        double score = nat.scores()[row * k + c];
        double ort = classification ? onnx.probabilities()[i][c] : onnx.values()[i];
        double d = Math.abs(score - ort);
        if (!(d <= worst)) {
          worst = Double.isNaN(d) ? Double.POSITIVE_INFINITY : d;
          worstClass = c;
          worstNative = score;
        }
      }
      max = Math.max(max, worst);
      if (worstRows.size() < WORST_ROWS || worst > worstRows.peek().d()) {
        worstRows.add(
            new Diff(worst, nat.ids()[row], nat.records()[row], i, worstClass, worstNative));
        if (worstRows.size() > WORST_ROWS) {
          worstRows.poll();
        }
      }
      if (compareLabels && !nat.labels()[row].equals(onnx.labels()[i])) {
        mismatches++;
        if (firstMismatch == null) {
          firstMismatch =
              "id "
                  + nat.ids()[row]
                  + " ("
                  + Parity.FILE
                  + " row "
                  + nat.records()[row]
                  + "): native label '"
                  + nat.labels()[row]
                  + "' vs ONNX '"
                  + onnx.labels()[i]
                  + "'";
        }
      }
    }
    List<Diff> sorted = new ArrayList<>(worstRows);
    sorted.sort(Comparator.comparingDouble(Diff::d).reversed());
    List<String> worst =
        sorted.stream()
            .map(d -> d.describe(classes, onnx, classification) + " (difference " + d.d() + ")")
            .toList();
    if (max > Parity.TOLERANCE || mismatches > 0) {
      throw bad(
          loaded,
          "parity check failed: the exported model.onnx scores the training rows differently from"
              + " the native model ("
              + (mismatches == 0
                  ? ""
                  : mismatches + " labels disagree, e.g. " + firstMismatch + "; ")
              + "largest difference "
              + max
              + ", tolerance "
              + Parity.TOLERANCE
              + "). Worst rows: "
              + String.join("; ", worst)
              + ".",
          "the conversion to ONNX is wrong: check the converter's options (e.g. skl2onnx's"
              + " handling of a custom step) and compare onnxruntime's output with the native model"
              + " in the script.");
    }
    return new Parity(nat.rows(), max, worst);
  }

  /**
   * One row's largest difference between native and ONNX scores: the row of {@code
   * train_predictions.csv}, its training row and the class (or 0 for regression) where it lies.
   */
  private record Diff(
      double d, String id, long record, int trainRow, int classIndex, double nativeScore) {
    String describe(List<String> classes, OnnxScorer.Scores onnx, boolean classification) {
      double ort =
          classification ? onnx.probabilities()[trainRow][classIndex] : onnx.values()[trainRow];
      return "id "
          + id
          + " ("
          + Parity.FILE
          + " row "
          + record
          + "): '"
          + classes.get(classIndex)
          + "' native "
          + nativeScore
          + " vs ONNX "
          + ort;
    }
  }

  /** Opens {@code train_predictions.csv}; what the reader finds wrong is the command's problem. */
  private static CsvRecords openNative(LoadedConfig loaded, Path file)
      throws BadInputException, EnvironmentException {
    try {
      return CsvRecords.open(file, Parity.FILE);
    } catch (IOException | BadInputException e) {
      throw unreadable(loaded, e);
    } catch (EnvironmentException e) {
      throw e;
    } catch (MlciException e) {
      throw new EnvironmentException(Parity.FILE + " cannot be read: " + e.getMessage(), e);
    }
  }

  /** The next row of {@code train_predictions.csv}, as {@link #openNative}. */
  private static boolean nextNative(LoadedConfig loaded, CsvRecords csv) throws BadInputException {
    try {
      return csv.next();
    } catch (IOException | BadInputException e) {
      throw unreadable(loaded, e);
    }
  }

  /**
   * {@code train_predictions.csv} as the reader found it, at ml.yaml's model.command: the reader's
   * problem (its line and row) or the I/O error, with a fix for the command's output (the reader's
   * own are written for a data file).
   */
  private static BadInputException unreadable(LoadedConfig loaded, Exception e) {
    String why = e.getMessage() == null ? e.toString() : e.getMessage().strip();
    if (e instanceof BadInputException b && !b.problems().isEmpty()) {
      Problem p = b.problems().get(0);
      why =
          new Problem(p.source(), p.line(), p.column(), p.row(), p.field(), p.message(), Fix.NONE)
              .render();
    }
    return bad(
        loaded,
        "the command's " + Parity.FILE + " cannot be read: " + why + (why.endsWith(".") ? "" : "."),
        "write it as a UTF-8 CSV: a header row (id, then one column per class of MLCI_CLASSES, or"
            + " prediction), then one row per training row, every field filled.");
  }

  /** The current row of {@code train_predictions.csv}: its line and data row. */
  private static String where(CsvRecords csv) {
    return Parity.FILE + ":" + csv.line() + ": row " + csv.row();
  }

  private static String seconds(long sinceNanos) {
    return String.format(Locale.ROOT, "%.2fs", (System.nanoTime() - sinceNanos) / 1e9);
  }

  private static String tail(CommandRun run) {
    return run.lastLines().isEmpty()
        ? " It printed nothing."
        : " Its last lines:\n    " + String.join("\n    ", run.lastLines());
  }

  private static BadInputException bad(LoadedConfig loaded, String message, String fix) {
    return new BadInputException(loaded.problemAt("model.command", message, fix));
  }

  private static void deleteTree(Path dir) {
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // A temporary folder left behind is harmless.
    }
  }
}
