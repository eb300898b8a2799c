package dev.mlci.core.tracking;

import dev.mlci.core.errors.BadInputException;
import dev.mlci.core.io.OutputDirectory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import org.snakeyaml.engine.v2.api.Dump;
import org.snakeyaml.engine.v2.api.DumpSettings;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.common.FlowStyle;

/**
 * The local record of runs: a directory in the layout of MLflow's file store ({@code
 * mlruns/<experiment id>/<run id>/{meta.yaml, params, metrics, tags, inputs, artifacts}}), which
 * {@code mlflow ui --backend-store-uri OUT/mlruns} shows and {@code mlflow migrate-filestore} moves
 * into a database. MLflow 3 keeps that store in maintenance mode and asks for {@code
 * MLFLOW_ALLOW_FILE_STORE=true} to read it.
 *
 * <p>Only mlci writes here, one step at a time per output directory; each file is written whole (a
 * temporary file, then a rename).
 */
public final class LocalRunStore {
  /** The directory name under the output directory. */
  public static final String DIR = "mlruns";

  static final String DEFAULT_EXPERIMENT_ID = "0";
  private static final String META = "meta.yaml";

  private final Path root;

  /**
   * @param root the store's root, e.g. {@code mlci-out/mlruns}
   */
  public LocalRunStore(Path root) {
    this.root = root.toAbsolutePath().normalize();
  }

  public Path root() {
    return root;
  }

  /** A run in this store. */
  public record Ref(String experimentId, String runId) {}

  /** The id of the experiment called {@code name}, created when missing. */
  String experiment(String name, long now) throws IOException {
    try {
      // Marked as mlci's, so a store of the user's (an MLflow ./mlruns) is never written into.
      OutputDirectory.openDir(root);
    } catch (BadInputException e) {
      throw new IOException(e.getMessage(), e);
    }
    Path defaults = root.resolve(DEFAULT_EXPERIMENT_ID).resolve(META);
    if (!Files.exists(defaults)) {
      writeExperiment(DEFAULT_EXPERIMENT_ID, "Default", now);
    }
    int highest = 0;
    for (Path dir : experimentDirs()) {
      Map<String, Object> meta = readYaml(dir.resolve(META));
      if (name.equals(meta.get("name"))) {
        return dir.getFileName().toString();
      }
      highest = Math.max(highest, Integer.parseInt(dir.getFileName().toString()));
    }
    String id = Integer.toString(highest + 1);
    writeExperiment(id, name, now);
    return id;
  }

  private void writeExperiment(String id, String name, long now) throws IOException {
    Path dir = root.resolve(id);
    Files.createDirectories(dir);
    Map<String, Object> meta = new LinkedHashMap<>();
    meta.put("artifact_location", dir.toUri().toString());
    meta.put("creation_time", now);
    meta.put("experiment_id", id);
    meta.put("last_update_time", now);
    meta.put("lifecycle_stage", "active");
    meta.put("name", name);
    writeYaml(dir.resolve(META), meta);
  }

  private List<Path> experimentDirs() throws IOException {
    List<Path> dirs = new ArrayList<>();
    if (!Files.isDirectory(root)) {
      return dirs;
    }
    try (DirectoryStream<Path> s = Files.newDirectoryStream(root)) {
      for (Path p : s) {
        if (p.getFileName().toString().matches("\\d{1,9}") && Files.exists(p.resolve(META))) {
          dirs.add(p);
        }
      }
    }
    dirs.sort(Comparator.comparing(p -> Integer.parseInt(p.getFileName().toString())));
    return dirs;
  }

  /** Starts a run in experiment {@code experiment}. */
  public Ref create(String experiment, String runName, long start, String user) throws IOException {
    String experimentId = experiment(experiment, start);
    String runId = UUID.randomUUID().toString().replace("-", "");
    Path dir = root.resolve(experimentId).resolve(runId);
    for (String sub : List.of("metrics", "params", "tags", "artifacts")) {
      Files.createDirectories(dir.resolve(sub));
    }
    Map<String, Object> meta = new LinkedHashMap<>();
    meta.put("artifact_uri", dir.resolve("artifacts").toUri().toString());
    meta.put("end_time", null);
    meta.put("entry_point_name", "");
    meta.put("experiment_id", experimentId);
    meta.put("lifecycle_stage", "active");
    meta.put("run_id", runId);
    meta.put("run_name", runName);
    meta.put("source_name", "");
    meta.put("source_type", 4);
    meta.put("source_version", "");
    meta.put("start_time", start);
    meta.put("status", RunStatus.RUNNING.code());
    meta.put("tags", List.of());
    meta.put("user_id", user);
    writeYaml(dir.resolve(META), meta);
    writeText(dir.resolve("tags").resolve("mlflow.runName"), runName);
    return new Ref(experimentId, runId);
  }

  /** Whether {@code run} is (still) in this store. */
  public boolean exists(Ref run) {
    return Files.exists(runDir(run).resolve(META));
  }

  private Path runDir(Ref run) {
    return root.resolve(run.experimentId()).resolve(run.runId());
  }

  /** Adds {@code data} to {@code run}; artifacts are copied in. */
  public void log(Ref run, RunData data) throws IOException {
    Path dir = runDir(run);
    for (Map.Entry<String, String> p : data.params().entrySet()) {
      writeText(safe(dir.resolve("params"), p.getKey()), p.getValue());
    }
    for (Map.Entry<String, String> t : data.tags().entrySet()) {
      writeText(safe(dir.resolve("tags"), t.getKey()), t.getValue());
    }
    Map<String, StringBuilder> lines = new LinkedHashMap<>();
    for (RunData.MetricPoint m : data.metrics()) {
      lines
          .computeIfAbsent(m.key(), k -> new StringBuilder())
          .append(m.timestamp())
          .append(' ')
          .append(m.value())
          .append(' ')
          .append(m.step())
          .append('\n');
    }
    for (Map.Entry<String, StringBuilder> e : lines.entrySet()) {
      Path file = safe(dir.resolve("metrics"), e.getKey());
      Files.createDirectories(file.getParent());
      Files.writeString(
          file,
          e.getValue(),
          StandardCharsets.UTF_8,
          StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
    }
    for (RunData.DatasetInput in : data.inputs()) {
      logInput(run, in);
    }
    for (RunData.Artifact a : data.artifacts()) {
      copyArtifact(a.local(), safe(dir.resolve("artifacts"), a.path()));
    }
  }

  private void logInput(Ref run, RunData.DatasetInput in) throws IOException {
    String datasetId = md5(in.name() + in.digest());
    Path datasetMeta =
        root.resolve(run.experimentId()).resolve("datasets").resolve(datasetId).resolve(META);
    if (!Files.exists(datasetMeta)) {
      Map<String, Object> meta = new LinkedHashMap<>();
      meta.put("digest", in.digest());
      meta.put("name", in.name());
      meta.put("profile", in.profile());
      meta.put("schema", in.schema());
      meta.put("source", in.source());
      meta.put("source_type", RunData.DatasetInput.SOURCE_TYPE);
      Files.createDirectories(datasetMeta.getParent());
      writeYaml(datasetMeta, meta);
    }
    String inputId = md5(datasetId + run.runId());
    Map<String, Object> link = new LinkedHashMap<>();
    link.put("destination_id", run.runId());
    link.put("destination_type", "RUN");
    link.put("source_id", datasetId);
    link.put("source_type", "DATASET");
    link.put("tags", Map.of("mlflow.data.context", in.context()));
    Path file = runDir(run).resolve("inputs").resolve(inputId).resolve(META);
    Files.createDirectories(file.getParent());
    writeYaml(file, link);
  }

  private static void copyArtifact(Path source, Path target) throws IOException {
    if (Files.isRegularFile(source)) {
      Files.createDirectories(target.getParent());
      Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING);
      return;
    }
    Files.walkFileTree(
        source,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs)
              throws IOException {
            Files.createDirectories(target.resolve(source.relativize(dir).toString()));
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
              throws IOException {
            Files.copy(
                file,
                target.resolve(source.relativize(file).toString()),
                StandardCopyOption.REPLACE_EXISTING);
            return FileVisitResult.CONTINUE;
          }
        });
  }

  /** Marks {@code run} ended at {@code end} with {@code status}. */
  public void terminate(Ref run, RunStatus status, long end) throws IOException {
    Path file = runDir(run).resolve(META);
    Map<String, Object> meta = new LinkedHashMap<>(readYaml(file));
    meta.put("end_time", end);
    meta.put("status", status.code());
    writeYaml(file, meta);
  }

  /** Every run of every experiment, newest first. Unreadable runs are skipped. */
  public List<LocalRun> list() throws IOException {
    List<LocalRun> runs = new ArrayList<>();
    for (Path exp : experimentDirs()) {
      String experiment;
      try {
        experiment = String.valueOf(readYaml(exp.resolve(META)).get("name"));
      } catch (IOException | RuntimeException unreadable) {
        continue; // not a run record mlci can read (edited by hand, truncated): skipped
      }
      try (DirectoryStream<Path> s = Files.newDirectoryStream(exp)) {
        for (Path dir : s) {
          if (Files.isRegularFile(dir.resolve(META))) {
            read(experiment, dir).ifPresent(runs::add);
          }
        }
      }
    }
    runs.sort(Comparator.comparing(LocalRun::started).reversed());
    return runs;
  }

  private Optional<LocalRun> read(String experiment, Path dir) {
    try {
      Map<String, Object> meta = readYaml(dir.resolve(META));
      if (!"active".equals(meta.get("lifecycle_stage"))) {
        return Optional.empty();
      }
      Map<String, Double> metrics = new TreeMap<>();
      for (Map.Entry<String, String> m : files(dir.resolve("metrics")).entrySet()) {
        // The latest value: the one with the highest step, then the latest timestamp.
        long bestStep = Long.MIN_VALUE;
        long bestTime = Long.MIN_VALUE;
        for (String line : m.getValue().split("\n")) {
          String[] f = line.trim().split(" ");
          if (f.length != 3) {
            continue;
          }
          long time = Long.parseLong(f[0]);
          long step = Long.parseLong(f[2]);
          if (step > bestStep || (step == bestStep && time >= bestTime)) {
            bestStep = step;
            bestTime = time;
            metrics.put(m.getKey(), Double.parseDouble(f[1]));
          }
        }
      }
      Object end = meta.get("end_time");
      return Optional.of(
          new LocalRun(
              experiment,
              String.valueOf(meta.get("run_id")),
              String.valueOf(meta.get("run_name")),
              RunStatus.of(((Number) meta.get("status")).intValue()),
              Instant.ofEpochMilli(((Number) meta.get("start_time")).longValue()),
              end instanceof Number n
                  ? Optional.of(Instant.ofEpochMilli(n.longValue()))
                  : Optional.empty(),
              files(dir.resolve("params")),
              metrics,
              files(dir.resolve("tags"))));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /** The files below {@code dir} by their relative path (MLflow keys may contain '/'). */
  private static Map<String, String> files(Path dir) throws IOException {
    Map<String, String> out = new TreeMap<>();
    if (!Files.isDirectory(dir)) {
      return out;
    }
    try (var walk = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) walk.filter(Files::isRegularFile)::iterator) {
        out.put(
            dir.relativize(p).toString().replace('\\', '/'),
            Files.readString(p, StandardCharsets.UTF_8));
      }
    }
    return out;
  }

  /** {@code key} below {@code dir}, refusing keys that would escape it. */
  private static Path safe(Path dir, String key) {
    Path p = dir.resolve(key).normalize();
    if (!p.startsWith(dir) || p.equals(dir)) {
      throw new IllegalArgumentException("not a valid MLflow key: " + key);
    }
    return p;
  }

  private static void writeText(Path file, String text) throws IOException {
    Files.createDirectories(file.getParent());
    Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
    Files.writeString(tmp, text, StandardCharsets.UTF_8);
    try {
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  private static void writeYaml(Path file, Map<String, Object> map) throws IOException {
    DumpSettings settings =
        DumpSettings.builder().setDefaultFlowStyle(FlowStyle.BLOCK).setWidth(1 << 16).build();
    writeText(file, new Dump(settings).dumpToString(map));
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> readYaml(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      Object o = new Load(LoadSettings.builder().build()).loadFromInputStream(in);
      if (!(o instanceof Map)) {
        throw new IOException(file + " is not a YAML mapping");
      }
      return (Map<String, Object>) o;
    }
  }

  static String md5(String s) {
    try {
      return HexFormat.of()
          .formatHex(MessageDigest.getInstance("MD5").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no MD5", e);
    }
  }
}
