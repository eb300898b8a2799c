package dev.mlci.core.image.build;

import com.google.cloud.tools.jib.api.CacheDirectoryCreationException;
import com.google.cloud.tools.jib.api.Containerizer;
import com.google.cloud.tools.jib.api.DockerDaemonImage;
import com.google.cloud.tools.jib.api.ImageReference;
import com.google.cloud.tools.jib.api.InsecureRegistryException;
import com.google.cloud.tools.jib.api.InvalidImageReferenceException;
import com.google.cloud.tools.jib.api.Jib;
import com.google.cloud.tools.jib.api.JibContainer;
import com.google.cloud.tools.jib.api.JibContainerBuilder;
import com.google.cloud.tools.jib.api.LogEvent;
import com.google.cloud.tools.jib.api.RegistryException;
import com.google.cloud.tools.jib.api.RegistryImage;
import com.google.cloud.tools.jib.api.RegistryUnauthorizedException;
import com.google.cloud.tools.jib.api.TarImage;
import com.google.cloud.tools.jib.api.buildplan.AbsoluteUnixPath;
import com.google.cloud.tools.jib.api.buildplan.FileEntriesLayer;
import com.google.cloud.tools.jib.api.buildplan.FilePermissions;
import com.google.cloud.tools.jib.api.buildplan.ImageFormat;
import com.google.cloud.tools.jib.api.buildplan.Port;
import com.google.cloud.tools.jib.event.events.ProgressEvent;
import com.google.cloud.tools.jib.frontend.CredentialRetrieverFactory;
import dev.mlci.core.errors.Fix;
import dev.mlci.core.errors.Suggestions;
import dev.mlci.core.errors.Suggestions.Option;
import dev.mlci.core.progress.ProgressListener;
import java.io.File;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;

/**
 * Builds a serving image with Jib, without a container daemon. Layers go from the least to the most
 * often changed (dependencies, server, model), so a retrained model changes one small layer. Every
 * file has fixed permissions and the epoch as its time, and the image is created at the epoch: the
 * same inputs give the same digest.
 */
public final class ImageBuilder {
  private static final FilePermissions FILE = FilePermissions.fromOctalString("644");

  private ImageBuilder() {}

  /**
   * Why a build failed: the message says what to do, {@link #lead()} followed by {@link #fix()}
   * (which names options per face); {@code environment} says whose fault.
   */
  public static final class BuildException extends Exception {
    private static final long serialVersionUID = 1L;
    private final boolean environment;
    private final String lead;
    private final transient Fix fix;

    BuildException(String message, boolean environment, Throwable cause) {
      this(message, Fix.NONE, environment, cause);
    }

    BuildException(String lead, Fix fix, boolean environment, Throwable cause) {
      super(lead + fix.render(Suggestions.CLI), cause);
      this.lead = lead;
      this.fix = fix;
      this.environment = environment;
    }

    /** The message before its fix. */
    public String lead() {
      return lead;
    }

    /** What to do, phrased per face; {@link Fix#NONE} when the lead says it all. */
    public Fix fix() {
      return fix == null ? Fix.NONE : fix;
    }

    /** True when the machine or network failed (exit 3), false when the input was wrong (2). */
    public boolean environment() {
      return environment;
    }
  }

  /** The entrypoint: the server on the JVM of the base image. */
  static List<String> entrypoint(ServerRuntime runtime) {
    return List.of(
        "java",
        "-XX:MaxRAMPercentage=75",
        "-XX:+ExitOnOutOfMemoryError",
        "-Djava.io.tmpdir=/tmp",
        "-cp",
        "/app/server/*:/app/lib/*",
        runtime.mainClass());
  }

  /** mlci's layers, in order; {@code pytorch} when the model runs on PyTorch. */
  static List<FileEntriesLayer> layers(ImageBuild build, Optional<PytorchNatives> pytorch)
      throws IOException {
    List<Path> model = new ArrayList<>();
    // Exactly the files the checksums cover (and the checksum file): never run.json, whose times
    // would give a retrained but identical model another image digest.
    for (String rel : dev.mlci.format.Checksums.files(build.modelDir())) {
      model.add(build.modelDir().resolve(rel));
    }
    ServerRuntime runtime = build.runtime();
    List<FileEntriesLayer> layers = new ArrayList<>();
    layers.add(
        layer("dependencies", runtime.libraries(), "/app/lib", runtime.root().resolve("lib")));
    if (pytorch.isPresent()) {
      // PyTorch's native library (about 450 MB unpacked) only where a model needs it, in a layer of
      // its own: it changes with mlci's PyTorch version, far less often than the server or model.
      List<Path> files = pytorch.get().files();
      layers.add(layer("pytorch", files, PytorchNatives.IMAGE_PATH, files.get(0).getParent()));
    }
    layers.add(
        layer("server", runtime.application(), "/app/server", runtime.root().resolve("app")));
    layers.add(layer("model", model, ImageBuild.MODEL_PATH, build.modelDir()));
    return List.copyOf(layers);
  }

  /** PyTorch's native library, unpacked, when the model is an mlp (which the server runs on it). */
  private static Optional<PytorchNatives> pytorch(ImageBuild build) throws IOException {
    return Files.exists(build.modelDir().resolve(dev.mlci.format.ModelFormat.MLP_SPEC))
        ? Optional.of(PytorchNatives.unpack(build.cacheDir(), build.env()))
        : Optional.empty();
  }

  private static FileEntriesLayer layer(String name, List<Path> files, String dir, Path from) {
    FileEntriesLayer.Builder layer = FileEntriesLayer.builder().setName(name);
    for (Path f : files) {
      // Files one by one with explicit permissions and time: never a directory at "/", never a
      // permission bit or time taken from the build machine.
      layer.addEntry(
          f,
          AbsoluteUnixPath.get(dir + "/" + from.relativize(f).toString().replace('\\', '/')),
          FILE,
          FileEntriesLayer.DEFAULT_MODIFICATION_TIME);
    }
    return layer.build();
  }

  /**
   * Builds and delivers the image.
   *
   * @throws BuildException naming the flag or environment variable to fix
   */
  public static BuiltImage build(ImageBuild build, ProgressListener progress)
      throws BuildException, InterruptedException {
    List<String> warnings = Collections.synchronizedList(new ArrayList<>());
    Consumer<LogEvent> log =
        e -> {
          switch (e.getLevel()) {
            case ERROR, WARN -> warnings.add(e.getMessage());
            case LIFECYCLE -> progress.info(e.getMessage());
            default -> {}
          }
        };
    JibContainerBuilder container;
    List<FileEntriesLayer> layers;
    Optional<PytorchNatives> pytorch;
    try {
      container = from(build, log);
      pytorch = pytorch(build);
      layers = layers(build, pytorch);
    } catch (MissingBase e) {
      throw new BuildException(
          "cannot read the image's files: " + e.getMessage(),
          Fix.of("{})", Option.BASE_IMAGE.is("tar://PATH")),
          true,
          e);
    } catch (IOException e) {
      throw new BuildException("cannot read the image's files: " + e.getMessage(), true, e);
    }
    Map<String, String> env = new TreeMap<>();
    env.put("MLCI_MODEL_DIR", ImageBuild.MODEL_PATH);
    pytorch.ifPresent(
        natives -> {
          // DJL loads PyTorch from the layer in place, offline; its small JNI helper goes to the
          // server's DJL_CACHE_DIR under /tmp.
          env.put("PYTORCH_LIBRARY_PATH", PytorchNatives.IMAGE_PATH);
          env.put("PYTORCH_VERSION", natives.version());
          env.put("PYTORCH_FLAVOR", natives.flavor());
        });
    container
        .setFileEntriesLayers(layers)
        .setEntrypoint(entrypoint(build.runtime()))
        .setEnvironment(env)
        .setExposedPorts(Port.tcp(ImageBuild.PORT))
        .setUser(ImageBuild.USER)
        .setWorkingDirectory(AbsoluteUnixPath.get("/app"))
        .setLabels(new TreeMap<>(build.labels()))
        .setCreationTime(Instant.EPOCH)
        .setFormat(ImageFormat.Docker);

    JibTarget target;
    try {
      target =
          JibTarget.of(
              build.target(),
              build.tarReference().orElse("mlci/" + build.name()),
              ".mlci-image-",
              build.env(),
              log);
    } catch (InvalidImageReferenceException e) {
      throw new BuildException(
          "'" + build.tarReference().orElse("") + "' is not a valid image name for ",
          Fix.of("{}", Option.IMAGE_NAME),
          false,
          e);
    } catch (IOException e) {
      throw new BuildException("cannot write the image tarball: " + e.getMessage(), true, e);
    }
    Containerizer containerizer = target.containerizer();
    String reference = target.reference();
    containerizer
        .setAllowInsecureRegistries(build.allowInsecureRegistries())
        .setToolName("mlci")
        .setToolVersion(build.runtime().version())
        .setBaseImageLayersCache(build.cacheDir().resolve("jib-base"))
        .setApplicationLayersCache(build.cacheDir().resolve("jib-app"))
        .addEventHandler(LogEvent.class, log);
    ProgressTracker tracker = new ProgressTracker(progress);
    containerizer.addEventHandler(ProgressEvent.class, tracker::accept);

    JibContainer result;
    progress.start("building the image (" + build.target() + ")", 100, "%");
    try (target) {
      result = container.containerize(containerizer);
      target.commit();
    } catch (RegistryException e) {
      throw registryFailure(build, e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      if (cause instanceof RegistryException r) {
        throw registryFailure(build, r);
      }
      throw new BuildException(
          "the image build failed: " + describe(cause), hint(build, cause), true, cause);
    } catch (IOException | CacheDirectoryCreationException e) {
      throw new BuildException("the image build failed: " + describe(e), hint(build, e), true, e);
    } finally {
      progress.finish();
    }
    List<BuiltImage.Layer> summary = JibTarget.summary(layers);
    return new BuiltImage(
        reference,
        result.getDigest().toString(),
        result.getImageId().toString(),
        build.target().toString(),
        summary,
        warnings);
  }

  private static JibContainerBuilder from(ImageBuild build, Consumer<LogEvent> log)
      throws IOException {
    if (build.base() instanceof ImageLocation.Registry r) {
      return Jib.from(withCredentials(r.reference(), "MLCI_BASE_REGISTRY", build.env(), log));
    }
    if (build.base() instanceof ImageLocation.Docker d) {
      requireDocker();
      return Jib.from(DockerDaemonImage.named(d.reference()));
    }
    ImageLocation.Tar t = (ImageLocation.Tar) build.base();
    if (!Files.isRegularFile(t.path())) {
      throw new MissingBase("the base image tarball " + t.path() + " does not exist (");
    }
    return Jib.from(TarImage.at(t.path()));
  }

  /**
   * A registry image with credentials from, in order: {@code PREFIX_USERNAME} and {@code
   * PREFIX_PASSWORD}, the Docker config ({@code ~/.docker/config.json}, its credential helpers) and
   * well-known credential helpers (gcloud, ECR, ACR).
   */
  static RegistryImage withCredentials(
      ImageReference reference, String prefix, Map<String, String> env, Consumer<LogEvent> log) {
    RegistryImage image = RegistryImage.named(reference);
    String user = env.get(prefix + "_USERNAME");
    String password = env.get(prefix + "_PASSWORD");
    if (user != null && password != null) {
      image.addCredential(user, password);
    }
    CredentialRetrieverFactory credentials =
        CredentialRetrieverFactory.forImage(reference, log, env);
    image.addCredentialRetriever(credentials.dockerConfig());
    image.addCredentialRetriever(credentials.wellKnownCredentialHelpers());
    return image;
  }

  static void requireDocker() throws IOException {
    String path = System.getenv().getOrDefault("PATH", "");
    for (String dir : path.split(File.pathSeparator)) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, "docker"))) {
        return;
      }
    }
    throw new IOException(
        "docker:// needs a Docker daemon and the docker command, and there is none on the PATH;"
            + " use registry://REF or tar://PATH instead");
  }

  private static BuildException registryFailure(ImageBuild build, RegistryException e) {
    String message = describe(e);
    Fix fix;
    if (e instanceof RegistryUnauthorizedException
        || message.contains("Unauthorized")
        || message.contains("401")
        || message.contains("403")) {
      fix =
          Fix.text(
              " Log in (docker login writes ~/.docker/config.json) or set MLCI_REGISTRY_USERNAME"
                  + " and MLCI_REGISTRY_PASSWORD (MLCI_BASE_REGISTRY_* for the base image).");
    } else if (e instanceof InsecureRegistryException) {
      fix = INSECURE;
    } else {
      fix = hint(build, e);
    }
    return new BuildException("the registry refused: " + message, fix, true, e);
  }

  static final Fix INSECURE =
      Fix.of(
          " The registry does not speak HTTPS; for a loopback test registry pass {}.",
          Option.ALLOW_INSECURE_REGISTRIES);

  /** The base image tarball is missing; the message ends where the fix (the option) begins. */
  private static final class MissingBase extends IOException {
    private static final long serialVersionUID = 1L;

    MissingBase(String message) {
      super(message);
    }
  }

  private static Fix hint(ImageBuild build, Throwable e) {
    String message = String.valueOf(e.getMessage());
    if (e instanceof InsecureRegistryException || message.contains("insecure")) {
      return INSECURE;
    }
    if (e instanceof UnknownHostException
        || e instanceof ConnectException
        || e instanceof SocketTimeoutException) {
      return build.base() instanceof ImageLocation.Registry
          ? Fix.of(
              " Check the network and the registry address; without network access, build from a"
                  + " local base image with {} (a docker-save tarball).",
              Option.BASE_IMAGE.is("tar://PATH"))
          : Fix.text(" Check that the registry is running and reachable.");
    }
    return Fix.NONE;
  }

  static String describe(Throwable e) {
    String m = e.getMessage();
    return e.getClass().getSimpleName() + (m == null || m.isBlank() ? "" : ": " + m);
  }

  /** Turns Jib's tree of progress allocations into one percentage. */
  private static final class ProgressTracker {
    private final ProgressListener progress;
    private double done;
    private long reported = -1;

    ProgressTracker(ProgressListener progress) {
      this.progress = progress;
    }

    synchronized void accept(ProgressEvent event) {
      var allocation = event.getAllocation();
      long units = allocation.getAllocationUnits();
      if (units > 0) {
        done += allocation.getFractionOfRoot() * event.getUnits() / units;
      }
      long percent = Math.min(100, Math.round(done * 100));
      if (percent != reported) {
        reported = percent;
        progress.advance(percent);
      }
    }
  }
}
