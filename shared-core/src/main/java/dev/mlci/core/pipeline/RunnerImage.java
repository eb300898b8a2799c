package dev.mlci.core.pipeline;

import com.google.cloud.tools.jib.api.Containerizer;
import com.google.cloud.tools.jib.api.ImageReference;
import com.google.cloud.tools.jib.api.Jib;
import com.google.cloud.tools.jib.api.JibContainer;
import com.google.cloud.tools.jib.api.JibContainerBuilder;
import com.google.cloud.tools.jib.api.RegistryImage;
import com.google.cloud.tools.jib.api.TarImage;
import com.google.cloud.tools.jib.api.buildplan.AbsoluteUnixPath;
import com.google.cloud.tools.jib.api.buildplan.FileEntriesLayer;
import com.google.cloud.tools.jib.api.buildplan.FilePermissions;
import com.google.cloud.tools.jib.api.buildplan.ImageFormat;
import com.google.cloud.tools.jib.frontend.CredentialRetrieverFactory;
import dev.mlci.core.image.build.ImageLocation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The runner image: mlci's CLI on a Java base, built with Jib, so that any step ({@code mlci
 * train|evaluate|gate|containerize}, and the pipeline tasks) runs in a container on a cluster. One
 * layer holds the CLI's jar at {@value #JAR}; the image sets no entrypoint (Kubeflow's local runner
 * passes a component's command as the container's arguments), so a container runs {@link #COMMAND}
 * followed by mlci's arguments. Created at the epoch with fixed file times and permissions: the
 * same jar and base give the same digest.
 */
public final class RunnerImage {
  /** Where the CLI's jar lies in the image. */
  public static final String JAR = "/app/mlci.jar";

  /** How a container runs mlci: the JVM with the CLI's jar, then mlci's arguments. */
  public static final List<String> COMMAND =
      List.of(
          "java",
          "-XX:MaxRAMPercentage=75",
          "-XX:+ExitOnOutOfMemoryError",
          "-Djava.io.tmpdir=/tmp",
          "-jar",
          JAR);

  /** The user the image runs as by default: a non-root user with no home but {@code /tmp}. */
  public static final String DEFAULT_USER = "65532:65532";

  private RunnerImage() {}

  /**
   * What to build.
   *
   * @param jar the CLI's runnable jar
   * @param base the base image (Java 17 or newer, {@code java} on the PATH)
   * @param target where the image goes
   * @param tarName the image's name inside a tarball
   * @param user the user the image runs as
   * @param allowInsecureRegistries plain-HTTP registries (loopback test registries)
   * @param cache Jib's layer caches
   * @param env registry credentials ({@code MLCI_REGISTRY_*}, {@code MLCI_BASE_REGISTRY_*})
   */
  public record Build(
      Path jar,
      ImageLocation base,
      ImageLocation target,
      Optional<String> tarName,
      String user,
      boolean allowInsecureRegistries,
      Path cache,
      Map<String, String> env) {
    public Build {
      Objects.requireNonNull(jar, "jar");
      Objects.requireNonNull(base, "base");
      Objects.requireNonNull(target, "target");
      Objects.requireNonNull(tarName, "tarName");
      Objects.requireNonNull(user, "user");
      Objects.requireNonNull(cache, "cache");
      env = Map.copyOf(env);
    }
  }

  /**
   * The built image.
   *
   * @param reference what it was delivered as
   * @param digest its manifest digest, {@code sha256:...}
   * @param pinned the reference pinned by digest ({@code REPO@sha256:...}), what pipelines run
   */
  public record Built(String reference, String digest, String pinned) {}

  /** Builds and delivers the image. */
  public static Built build(Build build, String version) throws Exception {
    if (!Files.isRegularFile(build.jar())) {
      throw new java.io.IOException("the CLI's jar " + build.jar() + " does not exist");
    }
    JibContainerBuilder container = from(build);
    FileEntriesLayer jar =
        FileEntriesLayer.builder()
            .setName("mlci")
            .addEntry(
                build.jar(),
                AbsoluteUnixPath.get(JAR),
                FilePermissions.fromOctalString("644"),
                FileEntriesLayer.DEFAULT_MODIFICATION_TIME)
            .build();
    Map<String, String> env = new TreeMap<>();
    env.put("HOME", "/tmp");
    env.put("MLCI_CACHE_DIR", "/tmp/mlci-cache");
    Map<String, String> labels = new TreeMap<>();
    labels.put("org.opencontainers.image.title", "mlci runner");
    labels.put("org.opencontainers.image.version", version);
    labels.put("org.opencontainers.image.created", Instant.EPOCH.toString());
    labels.put(
        "org.opencontainers.image.description",
        "mlci's CLI: run " + String.join(" ", COMMAND) + " train|evaluate|gate|task ...");
    List<String> help = new ArrayList<>(COMMAND);
    help.add("--help");
    container
        .addFileEntriesLayer(jar)
        .setEntrypoint(List.of())
        .setProgramArguments(help)
        .setEnvironment(env)
        .setLabels(labels)
        .setUser(build.user())
        .setWorkingDirectory(AbsoluteUnixPath.get("/tmp"))
        .setCreationTime(Instant.EPOCH)
        .setFormat(ImageFormat.Docker);
    Containerizer containerizer;
    String reference;
    Path tarTemp = null;
    if (build.target() instanceof ImageLocation.Registry r) {
      containerizer = Containerizer.to(credentials(r.reference(), "MLCI_REGISTRY", build));
      reference = r.reference().toString();
    } else if (build.target() instanceof ImageLocation.Tar t) {
      ImageReference name = ImageReference.parse(build.tarName().orElse("mlci/runner:" + version));
      Path parent = t.path().toAbsolutePath().getParent();
      Files.createDirectories(parent);
      tarTemp = Files.createTempFile(parent, ".mlci-runner-", ".tar.part");
      containerizer = Containerizer.to(TarImage.at(tarTemp).named(name));
      reference = name.toString();
    } else {
      throw new IllegalArgumentException(
          "the runner image goes to registry://REF or tar://PATH, not " + build.target());
    }
    containerizer
        .setAllowInsecureRegistries(build.allowInsecureRegistries())
        .setToolName("mlci")
        .setToolVersion(version)
        .setBaseImageLayersCache(build.cache().resolve("jib-base"))
        .setApplicationLayersCache(build.cache().resolve("jib-app"));
    try {
      JibContainer result = container.containerize(containerizer);
      if (tarTemp != null) {
        Files.move(
            tarTemp,
            ((ImageLocation.Tar) build.target()).path(),
            StandardCopyOption.REPLACE_EXISTING,
            StandardCopyOption.ATOMIC_MOVE);
        tarTemp = null;
      }
      String digest = result.getDigest().toString();
      String repo = reference.replaceFirst("[:@][^/:@]*$", "");
      if (reference.contains("@")) {
        repo = reference.substring(0, reference.indexOf('@'));
      }
      return new Built(reference, digest, repo + "@" + digest);
    } finally {
      if (tarTemp != null) {
        Files.deleteIfExists(tarTemp);
      }
    }
  }

  private static JibContainerBuilder from(Build build) throws Exception {
    if (build.base() instanceof ImageLocation.Registry r) {
      return Jib.from(credentials(r.reference(), "MLCI_BASE_REGISTRY", build));
    }
    if (build.base() instanceof ImageLocation.Tar t) {
      if (!Files.isRegularFile(t.path())) {
        throw new java.io.IOException("the base image tarball " + t.path() + " does not exist");
      }
      return Jib.from(TarImage.at(t.path()));
    }
    throw new IllegalArgumentException(
        "the runner image's base is registry://REF or tar://PATH, not " + build.base());
  }

  private static RegistryImage credentials(ImageReference ref, String prefix, Build build) {
    RegistryImage image = RegistryImage.named(ref);
    String user = build.env().get(prefix + "_USERNAME");
    String password = build.env().get(prefix + "_PASSWORD");
    if (user != null && password != null) {
      image.addCredential(user, password);
    }
    CredentialRetrieverFactory factory =
        CredentialRetrieverFactory.forImage(ref, e -> {}, build.env());
    image.addCredentialRetriever(factory.dockerConfig());
    return image;
  }
}
