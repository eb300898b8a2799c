package dev.mlci.core.api;

import dev.mlci.core.data.DataLoader;
import dev.mlci.core.data.LoadedData;
import dev.mlci.core.errors.BadInputException;
import dev.mlci.core.errors.EnvironmentException;
import dev.mlci.core.errors.MlciException;
import dev.mlci.core.errors.Problem;
import dev.mlci.core.eval.EvaluationBundle;
import dev.mlci.core.eval.EvaluationFiles;
import dev.mlci.core.git.GitInfo;
import dev.mlci.core.image.build.BuiltImage;
import dev.mlci.core.image.build.ImageBuild;
import dev.mlci.core.image.build.ImageBuilder;
import dev.mlci.core.image.build.ImageLocation;
import dev.mlci.core.image.build.ServerRuntime;
import dev.mlci.core.image.deploy.DeployManifests;
import dev.mlci.core.image.verify.ContainerRuntime;
import dev.mlci.core.image.verify.ImageVerifier;
import dev.mlci.core.image.verify.ServingCases;
import dev.mlci.core.image.verify.ServingContract;
import dev.mlci.core.io.Json;
import dev.mlci.core.io.OutputDirectory;
import dev.mlci.core.progress.ProgressListener;
import dev.mlci.format.Checksums;
import dev.mlci.format.Digests;
import dev.mlci.format.ModelFormat;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/** The image steps of mlci: {@code mlci containerize} and {@code mlci verify-image}. */
public final class Images {
  /** Description of the built image in the image directory. */
  public static final String IMAGE_JSON = "image.json";

  /** The image digest alone, {@code sha256:...}, as jib writes it. */
  public static final String IMAGE_DIGEST = "image-digest";

  /** The image reference pinned by digest. */
  public static final String IMAGE_REFERENCE = "image-reference";

  /** Deploy manifests, inside the image directory. */
  public static final String DEPLOY_DIR = "deploy";

  /** Report of the contract check in the verify directory. */
  public static final String VERIFY_JSON = "verify.json";

  private final ProgressListener progress;
  private final Clock clock;

  public Images(ProgressListener progress, Clock clock) {
    this.progress = progress;
    this.clock = clock;
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
        Mlci.readBundle(
            ws.evalDir().resolve(EvaluationBundle.FILE),
            "there is no evaluation to compare the served predictions with",
            "run 'mlci evaluate' first (or 'mlci run').");
    LoadedData data = new DataLoader(ws.repository()).load(plan.loaded());
    try {
      return ServingCases.of(data, evaluation);
    } catch (IllegalArgumentException e) {
      throw new BadInputException(
          Problem.inFile(
              Workspace.display(ws.evalDir().resolve(EvaluationBundle.FILE)),
              "",
              e.getMessage() + ".",
              "run 'mlci evaluate' again."));
    }
  }

  /** The directory for Jib's layer caches and the unpacked server. */
  static Path cacheDir(Map<String, String> env) {
    String explicit = env.get("MLCI_CACHE_DIR");
    if (explicit != null && !explicit.isBlank()) {
      return Path.of(explicit);
    }
    String xdg = env.get("XDG_CACHE_HOME");
    if (xdg != null && !xdg.isBlank()) {
      return Path.of(xdg, "mlci");
    }
    return Path.of(System.getProperty("user.home"), ".cache", "mlci");
  }

  /**
   * Refuses a model trained by {@code trainer: external}: the model server feeds ONNX models one
   * float64 tensor, as mlci's own exports take, not an external model's per-column inputs and
   * ZipMap outputs, so its image would fail every request.
   */
  private static void requireServable(Path modelDir) throws BadInputException {
    Path serving = modelDir.resolve(ModelFormat.SERVING);
    String modelClass;
    try {
      modelClass = Json.read(serving).path("model_class").asString("");
    } catch (IOException | RuntimeException e) {
      return; // verifiedModel checked the directory; the server reports what it cannot read
    }
    if (dev.mlci.core.model.ExternalModelDirectory.MODEL_CLASS.equals(modelClass)) {
      throw new BadInputException(
          Problem.inFile(
              Workspace.display(modelDir),
              "",
              "this model was trained by trainer: external (the repository's own model.onnx), and"
                  + " mlci's model server does not serve such models yet.",
              "gate it with mlci; serve model.onnx with an ONNX Runtime server (its MLmodel has the"
                  + " onnx flavor, so 'mlflow models serve' loads it)."));
    }
  }

  /**
   * Builds the serving image of the trained model and writes its description and deploy manifests.
   */
  public ContainerizeResult containerize(Plan plan, ContainerizeOptions options)
      throws MlciException, InterruptedException {
    Instant started = clock.instant();
    Workspace ws = plan.workspace();
    OutputDirectory.requireOwned(ws.out(), Workspace.IMAGE_DIR);
    Path modelDir = ws.modelDir();
    // The flags first: a mistyped target is reported before the model is looked at.
    ImageLocation base = location(options.base(), true, "--base");
    ImageLocation target = location(options.target(), false, "--target");
    String modelDigest = verifiedModel(modelDir);
    requireServable(modelDir);
    if (target instanceof ImageLocation.Tar t && t.path().startsWith(ws.imageDir())) {
      throw new BadInputException(
          Problem.inFile(
              "--target",
              "",
              "the tarball would lie inside "
                  + Workspace.display(ws.imageDir())
                  + ", which mlci rewrites.",
              "write it elsewhere, e.g. tar://"
                  + Workspace.display(ws.out().resolve("image.tar"))));
    }
    Path cache = cacheDir(options.env());
    ServerRuntime runtime;
    try {
      runtime = ServerRuntime.locate(options.env(), cache);
    } catch (IOException e) {
      throw new EnvironmentException("cannot find the model server: " + e.getMessage(), e);
    }
    ImageBuild build =
        new ImageBuild(
            plan.config().name(),
            modelDir,
            runtime,
            base,
            target,
            options.name(),
            labels(plan, modelDigest),
            options.allowInsecureRegistries(),
            cache,
            options.env());
    BuiltImage image;
    try {
      image = ImageBuilder.build(build, progress);
    } catch (ImageBuilder.BuildException e) {
      if (e.environment()) {
        throw new EnvironmentException(e.getMessage(), e);
      }
      throw new BadInputException(
          Problem.inFile("--name", "", e.getMessage() + ".", "fix --name."));
    }
    List<String> files = new ArrayList<>();
    try {
      OutputDirectory.write(
          ws.imageDir(),
          dir -> {
            Json.write(dir.resolve(IMAGE_JSON), describe(image, base, options, modelDigest));
            Files.writeString(dir.resolve(IMAGE_DIGEST), image.digest() + "\n");
            Files.writeString(dir.resolve(IMAGE_REFERENCE), deployable(image) + "\n");
            Path deploy = Files.createDirectories(dir.resolve(DEPLOY_DIR));
            for (var m :
                new java.util.TreeMap<>(
                        DeployManifests.render(
                            plan.config().name(),
                            deployable(image),
                            target instanceof ImageLocation.Registry))
                    .entrySet()) {
              Files.writeString(deploy.resolve(m.getKey()), m.getValue(), StandardCharsets.UTF_8);
            }
            Json.write(dir.resolve(ModelFormat.RUN_INFO), runInfo("containerize", started));
          });
    } catch (IOException e) {
      throw new EnvironmentException(
          "cannot write " + Workspace.display(ws.imageDir()) + ": " + OutputDirectory.reason(e), e);
    }
    files.add(IMAGE_JSON);
    files.add(IMAGE_DIGEST);
    files.add(IMAGE_REFERENCE);
    files.add(DEPLOY_DIR + "/" + DeployManifests.INFERENCE_SERVICE);
    files.add(DEPLOY_DIR + "/" + DeployManifests.DEPLOYMENT);
    return new ContainerizeResult(
        image, ws.imageDir(), files, clock.millis() - started.toEpochMilli());
  }

  /**
   * Runs the built image with a container engine and checks its serving contract against the
   * evaluated predictions.
   *
   * @throws EnvironmentException when no engine is available or it fails to run the image
   */
  public VerifyResult verifyImage(Plan plan, Map<String, String> env, Duration startTimeout)
      throws MlciException, InterruptedException {
    Instant started = clock.instant();
    Workspace ws = plan.workspace();
    OutputDirectory.requireOwned(ws.out(), Workspace.VERIFY_DIR);
    Path description = ws.imageDir().resolve(IMAGE_JSON);
    JsonNode image;
    try {
      if (!Files.exists(description)) {
        throw new java.nio.file.NoSuchFileException(description.toString());
      }
      image = Json.read(description);
      if (image == null || !image.isObject()) {
        throw new IOException("the file is empty or not a JSON object");
      }
    } catch (java.nio.file.NoSuchFileException e) {
      throw new BadInputException(
          Problem.inFile(
              Workspace.display(description),
              "",
              "there is no built image to verify: the file does not exist.",
              "run 'mlci containerize' first."));
    } catch (IOException | RuntimeException e) {
      throw new BadInputException(
          Problem.inFile(
              Workspace.display(description),
              "",
              "cannot read the image description: "
                  + (e instanceof tools.jackson.core.JacksonException j
                      ? j.getOriginalMessage()
                      : e.getMessage())
                  + ".",
              "run 'mlci containerize' again."));
    }
    ContainerRuntime engine =
        ContainerRuntime.detect(env)
            .orElseThrow(
                () ->
                    new EnvironmentException(
                        "no container engine: verify-image runs the image with podman or docker,"
                            + " and neither is on the PATH (or set "
                            + ContainerRuntime.ENV_RUNTIME
                            + ")",
                        null));
    ServingCases cases = servingCases(plan);
    ImageVerifier.Outcome outcome;
    try {
      outcome =
          ImageVerifier.verify(
              engine,
              new ImageVerifier.Image(
                  image.path("target").asString(""),
                  image.path("reference").asString(""),
                  image.path("digest").asString(""),
                  image.path("image_id").asString("")),
              image.path("insecure_registry").asBoolean(false),
              cases,
              startTimeout,
              progress);
    } catch (ImageVerifier.EngineException e) {
      throw new EnvironmentException(e.getMessage(), e);
    } catch (IOException e) {
      throw new EnvironmentException("running " + engine.name() + " failed: " + e.getMessage(), e);
    }
    try {
      OutputDirectory.write(
          ws.verifyDir(),
          dir -> {
            Json.write(dir.resolve(VERIFY_JSON), report(image, outcome));
            Json.write(dir.resolve(ModelFormat.RUN_INFO), runInfo("verify-image", started));
          });
    } catch (IOException e) {
      throw new EnvironmentException(
          "cannot write " + Workspace.display(ws.verifyDir()) + ": " + OutputDirectory.reason(e),
          e);
    }
    return new VerifyResult(outcome, ws.verifyDir(), clock.millis() - started.toEpochMilli());
  }

  /**
   * The reference deploy manifests use: pinned by digest for a registry image; the tag otherwise,
   * since loading and pushing a tarball or a daemon's image recompresses it and changes its digest.
   */
  public static String deployable(BuiltImage image) {
    return image.target().startsWith("registry://") ? image.pinned() : image.reference();
  }

  private static String verifiedModel(Path modelDir) throws MlciException {
    if (!Files.isRegularFile(modelDir.resolve(ModelFormat.CHECKSUMS))) {
      throw new BadInputException(
          Problem.inFile(
              Workspace.display(modelDir),
              "",
              "there is no trained model to put into an image.",
              "run 'mlci train' first (or 'mlci run')."));
    }
    try {
      List<String> broken = Checksums.verify(modelDir);
      if (!broken.isEmpty()) {
        throw new BadInputException(
            Problem.inFile(
                Workspace.display(modelDir),
                "",
                "the model fails its checksums (" + String.join("; ", broken) + ").",
                "train it again with 'mlci train'; never edit a model directory by hand."));
      }
      return Checksums.digest(modelDir);
    } catch (IOException e) {
      throw new EnvironmentException(
          "cannot read " + Workspace.display(modelDir) + ": " + e.getMessage(), e);
    }
  }

  private static ImageLocation location(String spec, boolean bareIsRegistry, String flag)
      throws BadInputException {
    try {
      return ImageLocation.parse(spec, bareIsRegistry);
    } catch (IllegalArgumentException e) {
      throw new BadInputException(
          Problem.inFile(flag, "", e.getMessage() + ".", "fix " + flag + "."));
    }
  }

  /** OCI labels: what the image serves, from which commit, with which evaluated metrics. */
  private static Map<String, String> labels(Plan plan, String modelDigest) {
    Workspace ws = plan.workspace();
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put("org.opencontainers.image.title", plan.config().name());
    labels.put("org.opencontainers.image.created", Instant.EPOCH.toString());
    labels.put("org.opencontainers.image.version", modelDigest.substring(0, 12));
    labels.put(
        "org.opencontainers.image.description",
        "mlci model server for '"
            + plan.config().name()
            + "': KServe V2 and MLflow /invocations on port "
            + ImageBuild.PORT);
    GitInfo.of(ws.repository())
        .ifPresent(g -> labels.put("org.opencontainers.image.revision", g.commit()));
    GitInfo.originUrl(ws.repository())
        .ifPresent(u -> labels.put("org.opencontainers.image.source", u));
    labels.put("dev.mlci.model.digest", "sha256:" + modelDigest);
    Path metrics = ws.evalDir().resolve(EvaluationFiles.METRICS);
    if (Files.isRegularFile(metrics)) {
      try {
        labels.put("dev.mlci.metrics.digest", "sha256:" + Digests.sha256Hex(metrics));
      } catch (IOException e) {
        // The label is informative; an unreadable metrics file leaves it out.
      }
    }
    labels.put("dev.mlci.version", ModelFormat.mlciVersion());
    return labels;
  }

  private static ObjectNode describe(
      BuiltImage image, ImageLocation base, ContainerizeOptions options, String modelDigest) {
    ObjectNode n = JsonNodeFactory.instance.objectNode();
    n.put("reference", image.reference());
    n.put("digest", image.digest());
    n.put("pinned", image.target().startsWith("registry://") ? image.pinned() : null);
    n.put("deploy_reference", deployable(image));
    n.put("image_id", image.imageId());
    n.put("target", image.target());
    n.put("base", base.toString());
    n.put("insecure_registry", options.allowInsecureRegistries());
    n.put("model_digest", "sha256:" + modelDigest);
    n.put("port", ImageBuild.PORT);
    n.put("user", ImageBuild.USER);
    ArrayNode layers = n.putArray("layers");
    for (BuiltImage.Layer l : image.layers()) {
      layers.addObject().put("name", l.name()).put("files", l.files()).put("bytes", l.bytes());
    }
    ArrayNode warnings = n.putArray("warnings");
    image.warnings().forEach(warnings::add);
    return n;
  }

  private static ObjectNode report(JsonNode image, ImageVerifier.Outcome outcome) {
    ObjectNode n = JsonNodeFactory.instance.objectNode();
    n.put("passed", outcome.passed());
    n.put("image", image.path("deploy_reference").asString(outcome.image()));
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

  private ObjectNode runInfo(String step, Instant started) {
    return Mlci.runInfo(step, started, clock.instant());
  }
}
