package dev.mlci.core.api;

import dev.mlci.core.errors.BadInputException;
import dev.mlci.core.errors.EnvironmentException;
import dev.mlci.core.errors.Fix;
import dev.mlci.core.errors.MlciException;
import dev.mlci.core.errors.Problem;
import dev.mlci.core.errors.Suggestions.Option;
import dev.mlci.core.errors.Suggestions.Step;
import dev.mlci.core.eval.EvaluationFiles;
import dev.mlci.core.git.GitInfo;
import dev.mlci.core.image.build.BuiltImage;
import dev.mlci.core.image.build.ImageBuild;
import dev.mlci.core.image.build.ImageBuilder;
import dev.mlci.core.image.build.ImageLocation;
import dev.mlci.core.image.build.ServerRuntime;
import dev.mlci.core.image.deploy.DeployManifests;
import dev.mlci.core.io.Json;
import dev.mlci.format.Checksums;
import dev.mlci.format.Digests;
import dev.mlci.format.ModelFormat;
import dev.mlci.format.ServingSpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Builds the serving image of the trained model with Jib and writes its description and deploy
 * manifests into {@code OUT/image}. On its own it does not verify the image: the faces ship images
 * through {@link ShipStep}, which builds with this step, verifies and only then delivers.
 */
public final class ContainerizeStep {
  /** Description of the built image in the image directory. */
  public static final String IMAGE_JSON = "image.json";

  /** The image digest alone, {@code sha256:...}, as jib writes it. */
  public static final String IMAGE_DIGEST = "image-digest";

  /** The image reference pinned by digest. */
  public static final String IMAGE_REFERENCE = "image-reference";

  /** Deploy manifests, inside the image directory. */
  public static final String DEPLOY_DIR = "deploy";

  private final StepContext context;

  public ContainerizeStep(StepContext context) {
    this.context = Objects.requireNonNull(context, "context");
  }

  /**
   * What a build needs, checked: the locations parsed, the model verified against its checksums,
   * the server found. Nothing is built or written yet.
   *
   * @param base the base image
   * @param target where the image goes
   * @param modelDigest the model directory's digest (hex)
   * @param runtime the model server to put into the image
   * @param cache Jib's layer caches
   * @param options the options as given
   * @param output the step's claim on {@code OUT/image}
   */
  record Prepared(
      ImageLocation base,
      ImageLocation target,
      String modelDigest,
      ServerRuntime runtime,
      Path cache,
      ContainerizeOptions options,
      StepOutput output) {
    /** Whether the target is shared with others (a registry or a daemon), unlike a tarball. */
    boolean published() {
      return !(target instanceof ImageLocation.Tar);
    }
  }

  /**
   * Builds the image, delivers it to the target and writes {@code OUT/image}, without verifying it
   * ({@code image.json} says so).
   */
  public ContainerizeResult call(Plan plan, ContainerizeOptions options)
      throws MlciException, InterruptedException {
    Prepared p = prepare(plan, options);
    BuiltImage image = build(plan, p, p.target(), options.name());
    return record(plan, p, image, false, "not verified: containerize alone");
  }

  /** Checks the options and the model; claims {@code OUT/image}. */
  Prepared prepare(Plan plan, ContainerizeOptions options) throws MlciException {
    Workspace ws = plan.workspace();
    StepOutput output = StepOutput.claimUntracked(context, "containerize", ws, Workspace.IMAGE_DIR);
    Path modelDir = ws.modelDir();
    // The flags first: a mistyped target is reported before the model is looked at.
    ImageLocation base = location(options.base(), true, Option.BASE_IMAGE);
    ImageLocation target = location(options.target(), false, Option.IMAGE_TARGET);
    String modelDigest = verifiedModel(modelDir);
    if (target instanceof ImageLocation.Tar t && t.path().startsWith(ws.imageDir())) {
      throw new BadInputException(
          Problem.in(
              Option.IMAGE_TARGET.flag(),
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
    return new Prepared(base, target, modelDigest, runtime, cache, options, output);
  }

  /** Builds the image into {@code to}; {@code tarName} names it inside a tarball. */
  BuiltImage build(Plan plan, Prepared p, ImageLocation to, Optional<String> tarName)
      throws MlciException, InterruptedException {
    ImageBuild build =
        new ImageBuild(
            plan.config().name(),
            plan.workspace().modelDir(),
            p.runtime(),
            p.base(),
            to,
            tarName,
            labels(plan, p.modelDigest()),
            p.options().allowInsecureRegistries(),
            p.cache(),
            p.options().env());
    try {
      return ImageBuilder.build(build, context.progress());
    } catch (ImageBuilder.BuildException e) {
      if (e.environment()) {
        throw new EnvironmentException(e.lead(), e.fix(), e);
      }
      throw new BadInputException(
          Problem.in(
              Option.IMAGE_NAME.flag(),
              "",
              e.getMessage() + ".",
              Fix.of("fix {}.", Option.IMAGE_NAME)));
    }
  }

  /**
   * Writes {@code OUT/image} (with its {@code run.json}, whole and atomically) for the delivered
   * {@code image}: {@code image.json} (with {@code verified} and {@code verification}, what is
   * known of its serving contract), the digest, the reference and the deploy manifests.
   */
  ContainerizeResult record(
      Plan plan, Prepared p, BuiltImage image, boolean verified, String verification)
      throws MlciException {
    Workspace ws = plan.workspace();
    p.output()
        .write(
            ws.imageDir(),
            "the image description",
            dir -> {
              Json.write(dir.resolve(IMAGE_JSON), describe(image, p, verified, verification));
              Files.writeString(dir.resolve(IMAGE_DIGEST), image.digest() + "\n");
              Files.writeString(dir.resolve(IMAGE_REFERENCE), deployable(image) + "\n");
              Path deploy = Files.createDirectories(dir.resolve(DEPLOY_DIR));
              Map<String, String> manifests =
                  new TreeMap<>(
                      DeployManifests.render(
                          plan.config().name(),
                          deployable(image),
                          p.target() instanceof ImageLocation.Registry,
                          modelFormat(ws.modelDir())));
              for (var m : manifests.entrySet()) {
                Files.writeString(deploy.resolve(m.getKey()), m.getValue(), StandardCharsets.UTF_8);
              }
            });
    List<String> files =
        List.of(
            IMAGE_JSON,
            IMAGE_DIGEST,
            IMAGE_REFERENCE,
            DEPLOY_DIR + "/" + DeployManifests.INFERENCE_SERVICE,
            DEPLOY_DIR + "/" + DeployManifests.DEPLOYMENT);
    return new ContainerizeResult(image, ws.imageDir(), files, p.output().elapsedMillis());
  }

  /**
   * Removes {@code OUT/image} when mlci wrote it: after an image failed its contract, no
   * description of an earlier image may stay there for a deployment to pick up.
   */
  static void forget(Plan plan, Prepared p) throws MlciException {
    p.output().deleteIfOurs(plan.workspace().imageDir());
  }

  /**
   * The reference deploy manifests use: pinned by digest for a registry image; the tag otherwise,
   * since loading and pushing a tarball or a daemon's image recompresses it and changes its digest.
   */
  public static String deployable(BuiltImage image) {
    return image.target().startsWith("registry://") ? image.pinned() : image.reference();
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
   * The model's format for the deploy manifests: {@code onnx} (mlci's export or the repository's
   * own {@code model.onnx}), {@code tribuo} or {@code pytorch}; empty when {@code serving.json}
   * cannot be read (the server reports that).
   */
  static Optional<String> modelFormat(Path modelDir) {
    try {
      return Optional.of(
          ServingSpec.fromJson(Json.read(modelDir.resolve(ModelFormat.SERVING)))
              .backend()
              .name()
              .toLowerCase(Locale.ROOT));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  private static String verifiedModel(Path modelDir) throws MlciException {
    if (!Files.isRegularFile(modelDir.resolve(ModelFormat.CHECKSUMS))) {
      throw new BadInputException(
          Problem.in(
              Workspace.display(modelDir),
              "",
              "there is no trained model to put into an image.",
              Fix.of("run {} first (or {}).", Step.TRAIN, Step.RUN)));
    }
    try {
      List<String> broken = Checksums.verify(modelDir);
      if (!broken.isEmpty()) {
        throw new BadInputException(
            Problem.in(
                Workspace.display(modelDir),
                "",
                "the model fails its checksums (" + String.join("; ", broken) + ").",
                Fix.of(
                    "train it again with {}; never edit a model directory by hand.", Step.TRAIN)));
      }
      return Checksums.digest(modelDir);
    } catch (IOException e) {
      throw new EnvironmentException(
          "cannot read " + Workspace.display(modelDir) + ": " + e.getMessage(), e);
    }
  }

  private static ImageLocation location(String spec, boolean bareIsRegistry, Option option)
      throws BadInputException {
    try {
      return ImageLocation.parse(spec, bareIsRegistry);
    } catch (IllegalArgumentException e) {
      throw new BadInputException(
          Problem.in(option.flag(), "", e.getMessage() + ".", Fix.of("fix {}.", option)));
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
      BuiltImage image, Prepared p, boolean verified, String verification) {
    ObjectNode n = JsonNodeFactory.instance.objectNode();
    n.put("reference", image.reference());
    n.put("digest", image.digest());
    n.put("pinned", image.target().startsWith("registry://") ? image.pinned() : null);
    n.put("deploy_reference", deployable(image));
    n.put("image_id", image.imageId());
    n.put("target", image.target());
    n.put("base", p.base().toString());
    n.put("insecure_registry", p.options().allowInsecureRegistries());
    n.put("model_digest", "sha256:" + p.modelDigest());
    n.put("port", ImageBuild.PORT);
    n.put("user", ImageBuild.USER);
    n.put("verified", verified);
    n.put("verification", verification);
    ArrayNode layers = n.putArray("layers");
    for (BuiltImage.Layer l : image.layers()) {
      layers.addObject().put("name", l.name()).put("files", l.files()).put("bytes", l.bytes());
    }
    ArrayNode warnings = n.putArray("warnings");
    image.warnings().forEach(warnings::add);
    return n;
  }
}
