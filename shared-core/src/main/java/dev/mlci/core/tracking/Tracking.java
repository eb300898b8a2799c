package dev.mlci.core.tracking;

import dev.mlci.core.config.TrackingConfig;
import dev.mlci.core.errors.BadInputException;
import dev.mlci.core.errors.EnvironmentException;
import dev.mlci.core.errors.Problem;
import dev.mlci.core.io.Json;
import dev.mlci.core.io.Retry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Records the steps of one model in one MLflow run: always in the local record ({@code
 * OUT/mlruns}), and on the tracking server when one is configured. Train starts the run; evaluate
 * and gate add to it while the model in the output directory is the one it trained (the link is
 * kept in {@code OUT/tracking.json}).
 *
 * <p>Tracking never costs a step its results: steps write their files first and are tracked after.
 * A server that cannot be reached (after retries) gives a warning and is not called again in this
 * step, unless {@code tracking.required} is true: then the step fails with exit code 3, its files
 * and the local record still in place.
 */
public final class Tracking implements AutoCloseable {
  /** The file in the output directory that links the model to its run. */
  public static final String STATE_FILE = "tracking.json";

  private final Path out;
  private final String experiment;
  private final boolean required;
  private final Optional<MlflowServer> server;
  private final LocalRunStore local;
  private final List<String> setupWarnings;
  private boolean serverDown;

  private Tracking(
      Path out,
      String experiment,
      boolean required,
      Optional<MlflowServer> server,
      List<String> setupWarnings) {
    this.out = out;
    this.experiment = experiment;
    this.required = required;
    this.server = server;
    this.local = new LocalRunStore(out.resolve(LocalRunStore.DIR));
    this.setupWarnings = List.copyOf(setupWarnings);
  }

  /**
   * Tracking for a model: {@code MLFLOW_TRACKING_URI} (else {@code tracking.uri}) names the server,
   * {@code MLFLOW_EXPERIMENT_NAME} (else {@code tracking.experiment}, else the model's name) the
   * experiment.
   *
   * @throws BadInputException when tracking is required and MLFLOW_TRACKING_URI is not a server
   */
  public static Tracking open(
      TrackingConfig config, String modelName, Path out, Map<String, String> env, Retry retry)
      throws BadInputException {
    String experiment =
        nonBlank(env.get("MLFLOW_EXPERIMENT_NAME")).or(config::experiment).orElse(modelName);
    Optional<String> fromEnv = nonBlank(env.get("MLFLOW_TRACKING_URI"));
    Optional<String> uri = fromEnv.or(config::uri);
    List<String> warnings = new ArrayList<>();
    if (uri.isPresent() && !uri.get().matches("(?i)^https?://\\S+$")) {
      String why =
          "MLFLOW_TRACKING_URI="
              + MlflowServer.redact(uri.get())
              + " is not an http(s) tracking server; mlci records runs locally in "
              + LocalRunStore.DIR
              + " of the output directory and sends them only to MLflow servers";
      if (config.required()) {
        throw new BadInputException(
            Problem.in(
                "MLFLOW_TRACKING_URI",
                "",
                why + ", and tracking.required is true.",
                "set MLFLOW_TRACKING_URI to the server, e.g. http://mlflow.internal:5000."));
      }
      warnings.add(why + "; ignored it.");
      uri = Optional.empty();
    }
    Optional<MlflowServer> server = Optional.empty();
    if (uri.isPresent()) {
      try {
        server = Optional.of(MlflowServer.connect(uri.get(), env, retry));
      } catch (IllegalArgumentException e) {
        if (config.required()) {
          throw new BadInputException(
              Problem.in(
                  fromEnv.isPresent() ? "MLFLOW_TRACKING_URI" : "ml.yaml",
                  "",
                  e.getMessage() + ", and tracking.required is true.",
                  "set MLFLOW_TRACKING_URI (or tracking.uri) to the server, e.g."
                      + " http://mlflow.internal:5000; credentials go in MLFLOW_TRACKING_TOKEN or"
                      + " MLFLOW_TRACKING_USERNAME/PASSWORD."));
        }
        warnings.add(e.getMessage() + "; runs are recorded locally only.");
      }
    }
    return new Tracking(out, experiment, config.required(), server, warnings);
  }

  /** No tracking at all: for work that is not a user's run, such as rebuilding a baseline. */
  public static Tracking off(Path out) {
    return new Tracking(out, "", false, Optional.empty(), List.of());
  }

  private static Optional<String> nonBlank(String s) {
    return s == null || s.isBlank() ? Optional.empty() : Optional.of(s.strip());
  }

  /** The server, when one is configured. */
  public Optional<MlflowServer> server() {
    return server;
  }

  /** The local record. */
  public LocalRunStore local() {
    return local;
  }

  /** What a step reports. */
  public record Step(
      String name,
      String modelDigest,
      boolean newRun,
      String runName,
      RunData data,
      long start,
      long end) {
    public Step {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(modelDigest, "modelDigest");
      Objects.requireNonNull(data, "data");
    }
  }

  /**
   * Records {@code step}: in the run of the model in the output directory, or in a new run when the
   * step starts one (train) or the model has none.
   *
   * @throws EnvironmentException when tracking is required and the server failed
   */
  public Tracked record(Step step) throws EnvironmentException {
    if (experiment.isEmpty()) {
      return Tracked.none();
    }
    List<String> warnings = new ArrayList<>(setupWarnings);
    ObjectNode state = step.newRun() ? null : readState(step.modelDigest());
    // The links of this model's runs survive a step that could not reach (or had no) server, so a
    // later step, and mlci register, still find the run train started.
    ObjectNode next = state == null ? JsonNodeFactory.instance.objectNode() : state.deepCopy();
    next.put("model_digest", step.modelDigest());
    next.put("experiment", experiment);

    Optional<Path> localRun = Optional.empty();
    String runId = "";
    try {
      LocalRunStore.Ref ref = null;
      if (state != null && state.has("local")) {
        LocalRunStore.Ref saved =
            new LocalRunStore.Ref(
                state.path("local").path("experiment_id").asString(),
                state.path("local").path("run_id").asString());
        ref = local.exists(saved) ? saved : null;
      }
      if (ref == null) {
        ref =
            local.create(
                experiment,
                step.runName(),
                step.start(),
                step.data().tags().getOrDefault("mlflow.user", ""));
      }
      local.log(ref, step.data());
      local.terminate(ref, RunStatus.FINISHED, step.end());
      next.putObject("local").put("experiment_id", ref.experimentId()).put("run_id", ref.runId());
      localRun = Optional.of(local.root().resolve(ref.experimentId()).resolve(ref.runId()));
      runId = ref.runId();
    } catch (IOException | RuntimeException e) {
      warnings.add(
          "could not write the local run record in " + local.root() + ": " + e.getMessage());
    }

    Optional<String> serverRun = Optional.empty();
    String failure = null;
    boolean unreachable = false;
    if (server.isPresent() && !serverDown) {
      MlflowServer s = server.get();
      try {
        MlflowServer.ServerRun run = null;
        JsonNode saved = state == null ? null : state.get("server");
        if (saved != null && saved.path("uri").asString("").equals(s.display())) {
          run =
              new MlflowServer.ServerRun(
                  saved.path("experiment_id").asString(),
                  saved.path("run_id").asString(),
                  saved.path("artifact_uri").asString());
        }
        if (run == null) {
          run =
              s.createRun(
                  s.experimentId(experiment), step.runName(), step.start(), step.data().tags());
          if (!step.newRun()) {
            warnings.add(
                "the model in "
                    + out
                    + " has no run on "
                    + s.display()
                    + " (it was trained without the server); started a new run for "
                    + step.name());
          }
        }
        s.log(run, step.data());
        s.terminate(run, RunStatus.FINISHED, step.end());
        ObjectNode saving =
            next.putObject("server")
                .put("uri", s.display())
                .put("experiment_id", run.experimentId())
                .put("run_id", run.runId())
                .put("artifact_uri", run.artifactUri());
        var artifacts = saving.putArray("artifacts");
        if (saved != null && saved.path("run_id").asString("").equals(run.runId())) {
          saved.path("artifacts").forEach(a -> artifacts.add(a.asString()));
        }
        step.data().artifacts().forEach(a -> artifacts.add(a.path()));
        serverRun = Optional.of(s.runUrl(run));
        runId = run.runId();
      } catch (TrackingException e) {
        serverDown = true;
        failure = e.getMessage();
        unreachable = e.unreachable();
      }
    }
    writeState(next, warnings);
    if (failure != null) {
      String where =
          "; "
              + step.name()
              + "'s results are in "
              + out
              + localRun.map(p -> " and the run is recorded locally in " + p).orElse("");
      if (required) {
        throw new EnvironmentException(
            "MLflow tracking failed and tracking.required is true: "
                + failure
                + where
                + (unreachable
                    ? ". Check that the server is up and reachable at that address"
                    : ". The server is up but did not accept the request: see its answer above"
                        + " and the server's log")
                + ", or set tracking.required: false to only warn.",
            null);
      }
      warnings.add("MLflow tracking failed: " + failure + where + ".");
    }
    return new Tracked(localRun, serverRun, runId, warnings);
  }

  /** The saved link, when it belongs to the model with {@code digest}. */
  private ObjectNode readState(String digest) {
    Path file = out.resolve(STATE_FILE);
    if (!Files.isRegularFile(file)) {
      return null;
    }
    try {
      JsonNode n = Json.read(file);
      return n instanceof ObjectNode o && o.path("model_digest").asString("").equals(digest)
          ? o
          : null;
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  private void writeState(ObjectNode state, List<String> warnings) {
    Path file = out.resolve(STATE_FILE);
    try {
      // Never over a tracking.json of the user's (mlci's own is listed in OUT's marker).
      dev.mlci.core.io.OutputDirectory.writeFile(
          file, dev.mlci.core.io.Json.write(state).getBytes(StandardCharsets.UTF_8));
    } catch (IOException | dev.mlci.core.errors.BadInputException e) {
      warnings.add("could not write " + file + ": " + e.getMessage());
    }
  }

  /**
   * The server run of the model with {@code digest}, as the last step recorded it, and the artifact
   * paths uploaded to it.
   */
  public Optional<LinkedRun> serverRunOf(String digest) {
    ObjectNode state = readState(digest);
    if (state == null || !state.has("server") || server.isEmpty()) {
      return Optional.empty();
    }
    JsonNode s = state.get("server");
    if (!s.path("uri").asString("").equals(server.get().display())) {
      return Optional.empty();
    }
    List<String> artifacts = new ArrayList<>();
    s.path("artifacts").forEach(a -> artifacts.add(a.asString()));
    return Optional.of(
        new LinkedRun(
            new MlflowServer.ServerRun(
                s.path("experiment_id").asString(),
                s.path("run_id").asString(),
                s.path("artifact_uri").asString()),
            artifacts));
  }

  /** The server the model with {@code digest} was last tracked on, whichever it was. */
  public Optional<String> trackedServer(String digest) {
    ObjectNode state = readState(digest);
    return state == null || !state.has("server")
        ? Optional.empty()
        : Optional.of(state.get("server").path("uri").asString());
  }

  /** A server run and the artifact paths mlci uploaded to it. */
  public record LinkedRun(MlflowServer.ServerRun run, List<String> artifacts) {
    public LinkedRun {
      artifacts = List.copyOf(artifacts);
    }
  }

  @Override
  public void close() {
    server.ifPresent(MlflowServer::close);
  }
}
