package dev.mlci.core.api;

import dev.mlci.core.errors.BadInputException;
import dev.mlci.core.errors.EnvironmentException;
import dev.mlci.core.errors.Fix;
import dev.mlci.core.errors.MlciException;
import dev.mlci.core.errors.Problem;
import dev.mlci.core.errors.Suggestions;
import dev.mlci.core.git.GitInfo;
import dev.mlci.core.tracking.MlflowServer;
import dev.mlci.core.tracking.Tracking;
import dev.mlci.core.tracking.TrackingException;
import dev.mlci.format.Checksums;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * {@code mlci register}: registers the evaluated model of the output directory as a new version in
 * MLflow's model registry, from the run its steps were tracked in, and points the alias at it.
 * Writes nothing under {@code --out}.
 */
public final class RegisterStep extends Step<RegisterResult> {
  private final RegisterOptions options;

  public RegisterStep(StepContext context, Plan plan, RegisterOptions options) {
    super(context, plan);
    this.options = Objects.requireNonNull(options, "options");
  }

  @Override
  protected RegisterResult run() throws MlciException {
    Workspace ws = plan.workspace();
    String model = options.name().orElse(plan.config().name());
    String alias = options.alias();
    if (!alias.matches("[A-Za-z_][A-Za-z0-9_-]*") || alias.matches("(?i)v\\d+|latest")) {
      throw new BadInputException(
          Problem.in(
              "--alias",
              "",
              "'"
                  + alias
                  + "' is not an alias MLflow accepts (letters, digits, '_' and '-'; not"
                  + " 'latest' or v<number>).",
              "use a name such as champion or production."));
    }
    try (Tracking tracking = context.tracking(plan)) {
      MlflowServer server = requireServer(tracking, "mlci register");
      String digest;
      try {
        digest = Checksums.digest(ws.modelDir());
      } catch (IOException e) {
        throw new BadInputException(
            Problem.in(
                Workspace.display(ws.modelDir()),
                "",
                "there is no trained model to register.",
                Fix.of(
                    "run {} and {} (or {}) with the server configured.",
                    Suggestions.Step.TRAIN,
                    Suggestions.Step.EVALUATE,
                    Suggestions.Step.RUN)));
      }
      Tracking.LinkedRun linked = linkedRun(tracking, server, digest);
      Map<String, String> tags = new LinkedHashMap<>();
      GitInfo.of(ws.repository()).ifPresent(g -> tags.put("mlci.git.commit", g.commit()));
      tags.put("mlci.model_digest", digest);
      new java.util.TreeMap<>(options.tags()).forEach(tags::put);
      try {
        MlflowServer.ModelVersion v =
            server.register(model, linked.run(), Workspace.MODEL_DIR, tags);
        server.setAlias(model, alias, v.version());
        return new RegisterResult(
            model,
            v.version(),
            alias,
            linked.run().runId(),
            v.source(),
            server.runUrl(linked.run()));
      } catch (TrackingException e) {
        throw new EnvironmentException(
            "registering " + model + " at " + server.display() + " failed: " + e.getMessage(), e);
      }
    }
  }

  /** The server run the model's steps were tracked in, with its model and evaluation. */
  private Tracking.LinkedRun linkedRun(Tracking tracking, MlflowServer server, String digest)
      throws BadInputException {
    Workspace ws = plan.workspace();
    Optional<String> trackedOn = tracking.trackedServer(digest);
    Tracking.LinkedRun linked =
        tracking
            .serverRunOf(digest)
            .orElseThrow(
                () ->
                    new BadInputException(
                        Problem.in(
                            Workspace.display(ws.modelDir()),
                            "",
                            trackedOn.isPresent()
                                ? "this model's run is on "
                                    + trackedOn.get()
                                    + ", not on "
                                    + server.display()
                                    + "."
                                : "this model has no run on an MLflow server (it was trained"
                                    + " while the server was unreachable, or without"
                                    + " MLFLOW_TRACKING_URI).",
                            trackedOn.isPresent()
                                ? Fix.of(
                                    "set MLFLOW_TRACKING_URI to {} (written exactly so), or train"
                                        + " and evaluate again with the server you want.",
                                    trackedOn.get())
                                : Fix.of(
                                    "run {} and {} again with the server reachable, then"
                                        + " register.",
                                    Suggestions.Step.TRAIN,
                                    Suggestions.Step.EVALUATE))));
    for (String needed : List.of(Workspace.MODEL_DIR, Workspace.EVAL_DIR)) {
      if (!linked.artifacts().contains(needed)) {
        throw new BadInputException(
            Problem.in(
                Workspace.display(ws.out()),
                "",
                "the run "
                    + linked.run().runId()
                    + " has no '"
                    + needed
                    + "' artifact on "
                    + server.display()
                    + ", so the registered version would lack it.",
                Fix.of(
                    "run {} (with the server reachable) before {}.",
                    Suggestions.Step.EVALUATE,
                    Suggestions.Step.REGISTER)));
      }
    }
    return linked;
  }

  /** The tracking server {@code what} needs; refused (exit 2) when none is configured. */
  static MlflowServer requireServer(Tracking tracking, String what) throws BadInputException {
    return tracking
        .server()
        .orElseThrow(
            () ->
                new BadInputException(
                    Problem.in(
                        "MLFLOW_TRACKING_URI",
                        "",
                        what + " needs an MLflow tracking server, and none is configured.",
                        "set MLFLOW_TRACKING_URI (or tracking.uri in ml.yaml) to the server, e.g."
                            + " http://mlflow.internal:5000.")));
  }
}
