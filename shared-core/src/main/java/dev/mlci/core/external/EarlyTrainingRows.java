package dev.mlci.core.external;

import dev.mlci.core.config.DataConfig;
import dev.mlci.core.config.LoadedConfig;
import dev.mlci.core.config.MlConfig;
import dev.mlci.core.config.SplitStrategy;
import dev.mlci.core.config.Task;
import dev.mlci.core.data.DataFile;
import dev.mlci.core.data.DataLoader;
import dev.mlci.core.data.DataRow;
import dev.mlci.core.data.LoadedData;
import dev.mlci.core.data.Rows;
import dev.mlci.format.Digests;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * {@code MLCI_TRAIN_DATA} written while mlci reads and checks the data, on the other core, so the
 * command starts as soon as the data is checked instead of after a second pass over the file.
 *
 * <p>The split is decided from the id column alone (the hash split: a row's set depends on its id
 * and the seed only), and the training records' cells are copied byte for byte, as {@link
 * TrainingRows} copies them. Nothing of this is trusted: once the loader has read, checked and
 * split the data, {@link #matches} holds the file only if it is exactly what {@link TrainingRows}
 * would write from the loaded data (the source's SHA-256 is the one the loader read, the header is
 * the id, the loaded features and the target, and the rows written are the loader's training rows,
 * in order, each of whose cells could be copied). Otherwise {@link TrainingRows} writes the file
 * again.
 *
 * <p>When asked ({@link #start(LoadedConfig, boolean)}), the training command is started as soon as
 * the file is complete, with the environment this pass can tell (the features and, for
 * classification, the training rows' classes), while the loader still reads and checks the data:
 * the command's start-up (an interpreter's imports) overlaps the checks. Its output is held back
 * until the step takes it over ({@link #adopt}), which it does only when the file {@link #matches}
 * and the environment is exactly the one the step would give it; otherwise it is stopped with every
 * process it started and run again. When a check of the data fails it is stopped the same way
 * ({@link #close}) and the loader's message is the step's, unchanged (exit 2): the command may have
 * started, but its run counts for nothing and its output is not shown.
 *
 * <p>Used only where a copy can apply: one CSV file split by mlci (data.path), the hash strategy,
 * an id column, and a file small enough beside the loaded data (a sixteenth of the heap).
 */
public final class EarlyTrainingRows implements AutoCloseable {
  private final Path dir;
  private final Path csv;
  private final FutureTask<Outcome> task;
  private final Thread thread;
  private final LoadedConfig loaded;
  private final boolean withCommand;

  /**
   * The command started when the file was complete (stopped by {@link #close} unless it has
   * exited); guarded by {@code this}.
   */
  private Running running;

  /**
   * Set by {@link #adopt} and {@link #close}: no command starts after it; guarded by {@code this}.
   */
  private boolean closed;

  /**
   * A command started when {@code MLCI_TRAIN_DATA} was complete, its output held back until {@link
   * #attach}.
   *
   * @param started the process
   * @param env the environment it was given (beside the build's)
   * @param held its output so far
   */
  record Running(CommandRun.Started started, Map<String, String> env, HeldLines held) {
    /** Passes its output held so far, then every further line, to {@code lines}. */
    CommandRun.Started attach(Consumer<String> lines) {
      held.release(lines);
      return started;
    }
  }

  /** Lines kept until {@link #release}, then passed on as they come. */
  static final class HeldLines implements Consumer<String> {
    private final List<String> held = new ArrayList<>();
    private Consumer<String> to;

    @Override
    public synchronized void accept(String line) {
      if (to == null) {
        held.add(line);
      } else {
        to.accept(line);
      }
    }

    synchronized void release(Consumer<String> lines) {
      held.forEach(lines);
      held.clear();
      to = lines;
    }
  }

  /**
   * What the pass wrote: {@code null} fields when it gave up (a record the copy cannot take).
   *
   * @param header the columns written (id, features, target)
   * @param fileRows per row written, its data row in the file (1-based, as the loader numbers them)
   * @param rows rows written
   * @param sha256 the SHA-256 of the bytes read
   * @param classes the training rows' classes in mlci's order (classification; else empty)
   */
  private record Outcome(
      List<String> header, int[] fileRows, int rows, String sha256, List<String> classes) {
    Outcome withSha256(String sha) {
      return new Outcome(header, fileRows, rows, sha, classes);
    }
  }

  private EarlyTrainingRows(Path dir, Path source, LoadedConfig loaded, boolean withCommand) {
    this.dir = dir;
    this.csv = dir.resolve("train.csv");
    this.loaded = loaded;
    this.withCommand = withCommand;
    DataConfig data = loaded.config().data();
    this.task =
        new FutureTask<>(
            () -> {
              byte[] bytes = Files.readAllBytes(source);
              Outcome o = write(bytes, data);
              if (withCommand && o.header() != null) {
                startCommand(o);
              }
              // The source's SHA-256 (for matches) after the command's start: it does not decide
              // what the file holds, and the command need not wait for it.
              return o.header() == null ? o : o.withSha256(Digests.sha256Hex(bytes));
            });
    this.thread = new Thread(task, "mlci-train-data-early");
    thread.setDaemon(true);
  }

  /**
   * Starts writing the training rows of {@code loaded}'s data in the background, or empty when the
   * data is not of the form this handles (then {@link TrainingRows} writes them after the load).
   */
  public static Optional<EarlyTrainingRows> start(LoadedConfig loaded) {
    return start(loaded, false);
  }

  /**
   * {@link #start(LoadedConfig)}, and when {@code withCommand}, also starts {@code model.command}
   * as soon as the file is written (see the class comment).
   */
  public static Optional<EarlyTrainingRows> start(LoadedConfig loaded, boolean withCommand) {
    DataConfig data = loaded.config().data();
    if (!data.singleFile()
        || data.id().isEmpty()
        || data.split().strategy() != SplitStrategy.HASH
        || !data.path().orElseThrow().toLowerCase(Locale.ROOT).endsWith(".csv")) {
      return Optional.empty();
    }
    Path source = loaded.folder().resolve(data.path().orElseThrow()).normalize();
    try {
      if (!Files.isRegularFile(source)
          || Files.size(source) > Runtime.getRuntime().maxMemory() / 16) {
        return Optional.empty();
      }
      EarlyTrainingRows early =
          new EarlyTrainingRows(
              Files.createTempDirectory("mlci-external-"), source, loaded, withCommand);
      early.thread.start();
      return Optional.of(early);
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /** The folder the file is in (the command's temporary folder), deleted by {@link #close}. */
  Path dir() {
    return dir;
  }

  /** The file written, {@code MLCI_TRAIN_DATA} when {@link #matches}. */
  Path csv() {
    return csv;
  }

  /**
   * Waits for the pass and tells whether the file holds exactly what {@link TrainingRows} writes
   * for {@code data}: header {@code idColumn}, the features, {@code target}; the training rows in
   * order, each copied.
   */
  boolean matches(LoadedData data, String idColumn, String target) {
    Outcome o;
    try {
      o = task.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } catch (ExecutionException e) {
      return false;
    }
    if (o.header() == null) {
      return false;
    }
    List<String> header = new ArrayList<>();
    header.add(idColumn);
    header.addAll(data.features());
    header.add(target);
    List<DataRow> train = data.train();
    if (!o.header().equals(header) || o.rows() != train.size() || data.files().size() != 1) {
      return false;
    }
    DataFile file = data.files().get(0);
    if (!file.sha256().equals(o.sha256())) {
      return false;
    }
    Rows columns = train instanceof Rows r ? r : null;
    for (int i = 0; i < train.size(); i++) {
      int fileRow =
          columns == null ? train.get(i).row() : columns.frame().fileRow(columns.frameRow(i));
      if (o.fileRows()[i] != fileRow) {
        return false;
      }
    }
    return true;
  }

  /**
   * The command started when the file was written, taken over by the caller when it was given
   * exactly {@code env}; empty otherwise (then it is stopped, with every process it started, and
   * the output folder emptied: the caller runs it again). Call after {@link #matches} held.
   */
  Optional<Running> adopt(Map<String, String> env, Path output) throws InterruptedException {
    Running r;
    synchronized (this) {
      closed = true; // no command starts after this
      r = running;
    }
    if (r != null && r.env().equals(env)) {
      return Optional.of(r);
    }
    if (r != null) {
      r.started().stop();
      deleteTree(output);
    }
    return Optional.empty();
  }

  /** Starts the command on the file just written, unless {@link #close} came first. */
  private void startCommand(Outcome o) {
    MlConfig config = loaded.config();
    List<String> argv;
    try {
      argv = Argv.split(config.model().command().orElseThrow());
    } catch (IllegalArgumentException e) {
      return; // the step reports it
    }
    List<String> header = o.header();
    Path output = dir.resolve(ExternalTraining.OUTPUT);
    Map<String, String> env =
        ExternalTraining.environment(
            config, csv, header.get(0), header.subList(1, header.size() - 1), o.classes(), output);
    HeldLines held = new HeldLines();
    synchronized (this) {
      if (closed) {
        return;
      }
      try {
        Files.createDirectories(output);
        running = new Running(CommandRun.start(argv, loaded.folder(), env, held), env, held);
      } catch (IOException e) {
        // Not startable: the step starts it again and reports why.
      }
    }
  }

  /**
   * Stops the pass (when still running) and the command it started (unless it has exited), and
   * deletes the folder.
   */
  @Override
  public void close() {
    Running r;
    synchronized (this) {
      closed = true;
      r = running;
    }
    if (r != null) {
      try {
        r.started().stop();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    task.cancel(true);
    try {
      // It checks for the interrupt every 16,384 records: then nothing writes into the folder.
      thread.join(2000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    deleteTree(dir);
  }

  private static void deleteTree(Path dir) {
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // A temporary folder left behind is harmless.
    }
  }

  private static final Outcome GAVE_UP = new Outcome(null, null, 0, null, null);

  /**
   * The pass: copies the training records of the file's bytes {@code b}; its SHA-256 is left null
   * (the caller adds it once the command has started).
   */
  private Outcome write(byte[] b, DataConfig data) throws IOException {
    int start =
        b.length >= 3 && (b[0] & 0xff) == 0xEF && (b[1] & 0xff) == 0xBB && (b[2] & 0xff) == 0xBF
            ? 3
            : 0;
    TrainingRows.Records records = new TrainingRows.Records(b, start);
    if (!records.next() || records.quoted) {
      return GAVE_UP;
    }
    List<String> names = new ArrayList<>();
    for (int f = 0; f < records.fields; f++) {
      names.add(
          new String(
                  b, records.starts[f], records.ends[f] - records.starts[f], StandardCharsets.UTF_8)
              .trim());
    }
    String idName = data.id().orElseThrow();
    int idField = names.indexOf(idName);
    int targetField = names.indexOf(data.target());
    if (idField < 0 || targetField < 0) {
      return GAVE_UP;
    }
    // The features as the loader resolves them in the common cases: those listed, or every other
    // column in file order. matches() compares with what the loader resolved.
    List<String> features =
        data.features()
            .orElseGet(
                () ->
                    names.stream()
                        .filter(n -> !n.equals(idName) && !n.equals(data.target()))
                        .toList());
    List<String> header = new ArrayList<>();
    header.add(idName);
    header.addAll(features);
    header.add(data.target());
    int[] columns = new int[header.size() - 1];
    for (int c = 1; c < header.size(); c++) {
      columns[c - 1] = names.indexOf(header.get(c));
      if (columns[c - 1] < 0) {
        return GAVE_UP;
      }
    }
    int width = names.size();
    byte[][] na =
        data.naValues().stream()
            .map(v -> v.getBytes(StandardCharsets.UTF_8))
            .toArray(byte[][]::new);
    byte[] seedPrefix = (data.split().seed() + ":").getBytes(StandardCharsets.UTF_8);
    double testFraction = data.split().testFraction();
    MessageDigest sha = Digests.sha256();
    // The training rows' distinct labels (the loader's classes): only when the command starts here.
    boolean classification = withCommand && loaded.config().task() == Task.CLASSIFICATION;
    int targetAt = header.size() - 2;
    Set<String> labels = new HashSet<>();
    byte[] lastLabel = new byte[0];
    int[] fileRows = new int[1024];
    int rows = 0;
    int row = 0;
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(csv), 1 << 16)) {
      out.write(TrainingRows.FORMAT.format(header.toArray()).getBytes(StandardCharsets.UTF_8));
      out.write('\n');
      while (records.next()) {
        row++;
        if ((row & 0x3fff) == 0 && Thread.currentThread().isInterrupted()) {
          return GAVE_UP;
        }
        if (records.quoted || records.fields != width) {
          return GAVE_UP;
        }
        int[] s = records.starts;
        int[] e = records.ends;
        // The id as the loader keys the split: trimmed text; here only plain ASCII ids, which
        // TrainingRows copies as they are.
        int from = s[idField];
        int to = e[idField];
        if (from >= to) {
          return GAVE_UP;
        }
        for (int i = from; i < to; i++) {
          if ((b[i] & 0xff) <= ' ' || (b[i] & 0xff) >= 0x7f) {
            return GAVE_UP;
          }
        }
        sha.update(seedPrefix);
        sha.update(b, from, to - from);
        byte[] d = sha.digest();
        long bits = 0;
        for (int i = 0; i < 8; i++) {
          bits = (bits << 8) | (d[i] & 0xff);
        }
        if ((bits >>> 11) * 0x1.0p-53 < testFraction) {
          continue; // a test row: never given to the command
        }
        for (int f : columns) {
          int cf = s[f];
          int ct = e[f];
          if (cf < ct
              && ((b[cf] & 0xff) <= ' ' || (b[ct - 1] & 0xff) <= ' ' || isNa(b, cf, ct, na))) {
            return GAVE_UP; // a cell the loader reads differently from its bytes
          }
        }
        if (classification) {
          int lf = s[columns[targetAt]];
          int lt = e[columns[targetAt]];
          if (!Arrays.equals(b, lf, lt, lastLabel, 0, lastLabel.length)) {
            lastLabel = Arrays.copyOfRange(b, lf, lt);
            labels.add(new String(lastLabel, StandardCharsets.UTF_8));
          }
        }
        out.write(b, from, to - from);
        for (int f : columns) {
          out.write(',');
          out.write(b, s[f], e[f] - s[f]);
        }
        out.write('\n');
        if (rows == fileRows.length) {
          fileRows = Arrays.copyOf(fileRows, rows * 2);
        }
        fileRows[rows++] = row;
      }
    }
    if (records.position < b.length) {
      return GAVE_UP; // a bare CR: the reader's records end where these do not
    }
    return new Outcome(List.copyOf(header), fileRows, rows, null, DataLoader.sortClasses(labels));
  }

  private static boolean isNa(byte[] b, int from, int to, byte[][] na) {
    for (byte[] token : na) {
      if (token.length == to - from && Arrays.equals(b, from, to, token, 0, token.length)) {
        return true;
      }
    }
    return false;
  }
}
