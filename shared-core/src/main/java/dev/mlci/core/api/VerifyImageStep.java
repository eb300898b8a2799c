package dev.mlci.core.api;

import dev.mlci.core.data.DataLoader;
import dev.mlci.core.data.LoadedData;
import dev.mlci.core.errors.BadInputException;
import dev.mlci.core.errors.EnvironmentException;
import dev.mlci.core.errors.Fix;
import dev.mlci.core.errors.MlciException;
import dev.mlci.core.errors.Problem;
import dev.mlci.core.errors.Suggestions.Step;
import dev.mlci.core.eval.BundleFile;
import dev.mlci.core.eval.EvaluationBundle;
import dev.mlci.core.image.verify.ContainerRuntime;
import dev.mlci.core.image.verify.ImageVerifier;
import dev.mlci.core.image.verify.ServingCases;
import dev.mlci.core.image.verify.ServingContract;
import dev.mlci.core.io.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Runs an image with a container engine and checks its serving contract against the evaluated
 * predictions ({@link ImageVerifier}), writing {@code OUT/verify/verify.json}. {@link #call} checks
 * the image {@code OUT/image} describes; {@link ShipStep} checks an image before it delivers it.
 */
public final class VerifyImageStep {
  /** Report of the contract check in the verify directory. */
  public static final String VERIFY_JSON = "verify.json";

  private final StepContext context;

  public VerifyImageStep(StepContext context) {
    this.context = Objects.requireNonNull(context, "context");
  }

  /**
   * The test rows of the last evaluation with the predictions it recorded: what the served model
   * must reproduce.
   *
   * @throws BadInputException when there is no evaluation, or it is of other data
   */
  public static ServingCases servingCases(Plan plan) throws MlciException {
    Workspace ws = plan.workspace();
    EvaluationBundle evaluation =
        BundleFile.read(
            ws.evalDir().resolve(EvaluationBundle.FILE),
            "there is no evaluation to compare the served predictions with",
            Fix.of("run {} first (or {}).", Step.EVALUATE, Step.RUN));
    LoadedData data = new DataLoader(ws.repository()).load(plan.loaded());
    try {
      return ServingCases.of(data, evaluation);
    } catch (IllegalArgumentException e) {
      throw new BadInputException(
          Problem.in(
              Workspace.display(ws.evalDir().resolve(EvaluationBundle.FILE)),
              "",
              e.getMessage() + ".",
              Fix.of("run {} again.", Step.EVALUATE)));
    }
  }

  /** The container engine of {@code env}: {@code MLCI_CONTAINER_RUNTIME}, else podman or docker. */
  static Optional<ContainerRuntime> engine(Map<String, String> env) {
    return ContainerRuntime.detect(env);
  }

  /**
   * Checks the image {@code OUT/image/image.json} describes.
   *
   * @throws EnvironmentException when no engine is available or it fails to run the image
   */
  public VerifyResult call(Plan plan, VerifyImageOptions options)
      throws MlciException, InterruptedException {
    Workspace ws = plan.workspace();
    StepOutput output = claim(ws);
    JsonNode image = described(ws.imageDir().resolve(ContainerizeStep.IMAGE_JSON));
    ContainerRuntime engine =
        engine(context.env())
            .orElseThrow(
                () ->
                    new EnvironmentException(
                        "no container engine: verify-image runs the image with podman or docker,"
                            + " and neither is on the PATH (or set "
                            + ContainerRuntime.ENV_RUNTIME
                            + ")",
                        null));
    ServingCases cases = servingCases(plan);
    return verify(
        output,
        engine,
        new ImageVerifier.Image(
            image.path("target").asString(""),
            image.path("reference").asString(""),
            image.path("digest").asString(""),
            image.path("image_id").asString("")),
        image.path("insecure_registry").asBoolean(false),
        image.path("deploy_reference").asString(""),
        cases,
        options);
  }

  /** The step's claim on {@code OUT/verify}, before any work. */
  StepOutput claim(Workspace ws) throws MlciException {
    return StepOutput.claimUntracked(context, "verify-image", ws, Workspace.VERIFY_DIR);
  }

  /**
   * Runs {@code image} with {@code engine}, checks it against {@code cases} and writes {@code
   * OUT/verify} through {@code output}; {@code shown} is the name the report gives the image.
   */
  VerifyResult verify(
      StepOutput output,
      ContainerRuntime engine,
      ImageVerifier.Image image,
      boolean insecureRegistry,
      String shown,
      ServingCases cases,
      VerifyImageOptions options)
      throws MlciException, InterruptedException {
    Workspace ws = output.workspace();
    ImageVerifier.Outcome outcome;
    try {
      outcome =
          ImageVerifier.verify(
              engine, image, insecureRegistry, cases, options.startTimeout(), context.progress());
    } catch (ImageVerifier.EngineException e) {
      throw new EnvironmentException(e.getMessage(), e);
    } catch (IOException e) {
      throw new EnvironmentException("running " + engine.name() + " failed: " + e.getMessage(), e);
    }
    String name = shown.isEmpty() ? outcome.image() : shown;
    output.write(
        ws.verifyDir(),
        "the verify report",
        dir -> Json.write(dir.resolve(VERIFY_JSON), report(name, outcome)));
    return new VerifyResult(outcome, ws.verifyDir(), output.elapsedMillis());
  }

  private static JsonNode described(Path description) throws BadInputException {
    try {
      if (!Files.exists(description)) {
        throw new NoSuchFileException(description.toString());
      }
      JsonNode image = Json.read(description);
      if (image == null || !image.isObject()) {
        throw new IOException("the file is empty or not a JSON object");
      }
      return image;
    } catch (NoSuchFileException e) {
      throw new BadInputException(
          Problem.in(
              Workspace.display(description),
              "",
              "there is no built image to verify: the file does not exist.",
              Fix.of("run {} first.", Step.CONTAINERIZE)));
    } catch (IOException | RuntimeException e) {
      throw new BadInputException(
          Problem.in(
              Workspace.display(description),
              "",
              "cannot read the image description: "
                  + (e instanceof JacksonException j ? j.getOriginalMessage() : e.getMessage())
                  + ".",
              Fix.of("run {} again.", Step.CONTAINERIZE)));
    }
  }

  private static ObjectNode report(String image, ImageVerifier.Outcome outcome) {
    ObjectNode n = JsonNodeFactory.instance.objectNode();
    n.put("passed", outcome.passed());
    n.put("image", image);
    n.put("engine", outcome.engine());
    n.put("start_seconds", outcome.startSeconds());
    n.put("stop_seconds", outcome.stopSeconds());
    n.put("stopped_cleanly", outcome.stoppedCleanly());
    ArrayNode problems = n.putArray("problems");
    outcome.problems().forEach(problems::add);
    ServingContract.Report report = outcome.report();
    if (report != null) {
      n.put("rows_compared", report.rowsCompared());
      n.put("max_abs_difference", report.maxAbsDifference());
      n.put("tolerance", ServingContract.TOLERANCE);
      ArrayNode checks = n.putArray("checks");
      for (ServingContract.Check c : report.checks()) {
        checks
            .addObject()
            .put("name", c.name())
            .put("passed", c.passed())
            .put("detail", c.detail());
      }
    }
    n.put("log_tail", outcome.logTail());
    return n;
  }
}
