package dev.mlci.core.pipeline;

import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What a pipeline runs, resolved on the runner before it is written: the runner image pinned by
 * digest, where the repository is and which commit and data it trains on, the gate's target branch
 * and the compute the training step gets. Every value the cluster may want to change per run
 * (repository, commit, data digest, target branch) becomes a pipeline parameter with this value as
 * its default.
 *
 * @param name the pipeline's name, valid for Kubeflow ({@link #NAME})
 * @param image the runner image pinned by digest ({@code REPO@sha256:HEX})
 * @param project the folder of ml.yaml inside the repository, {@code .} for its root
 * @param config ml.yaml's file name inside {@code project}
 * @param repository the git URL (or path) the pipeline clones
 * @param commit the commit it trains on (40 hex digits)
 * @param dataDigest the digest of the data files ({@link DataDigest}), checked before training
 * @param targetBranch the branch whose baseline the gate compares with
 * @param compute the resources and retries of the training step
 * @param classification whether the model is a classifier: the evaluate task then also writes a
 *     {@code system.ClassificationMetrics} artifact
 * @param delivery the serving image the pipeline builds when it runs on the target branch
 * @param registration where the tasks track their MLflow run and under which alias the register
 *     task registers the shipped model
 */
public record PipelineDefinition(
    String name,
    String image,
    String project,
    String config,
    String repository,
    String commit,
    String dataDigest,
    String targetBranch,
    ComputeConfig compute,
    boolean classification,
    Delivery delivery,
    Registration registration) {
  /** Kubeflow's rule for pipeline names. */
  public static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,127}");

  /** A runner image pinned by digest. */
  public static final Pattern PINNED = Pattern.compile("[^@\\s]+@sha256:[0-9a-f]{64}");

  private static final Pattern COMMIT = Pattern.compile("[0-9a-f]{40}");

  public PipelineDefinition {
    require(NAME.matcher(Objects.requireNonNull(name, "name")).matches(), "name", name);
    require(PINNED.matcher(Objects.requireNonNull(image, "image")).matches(), "image", image);
    Objects.requireNonNull(project, "project");
    require(!project.isEmpty() && !project.startsWith("/"), "project", project);
    require(!Objects.requireNonNull(config, "config").isEmpty(), "config", config);
    require(!Objects.requireNonNull(repository, "repository").isBlank(), "repository", repository);
    require(COMMIT.matcher(Objects.requireNonNull(commit, "commit")).matches(), "commit", commit);
    require(
        DataDigest.PATTERN.matcher(Objects.requireNonNull(dataDigest, "dataDigest")).matches(),
        "dataDigest",
        dataDigest);
    require(!Objects.requireNonNull(targetBranch, "targetBranch").isBlank(), "targetBranch", "");
    Objects.requireNonNull(compute, "compute");
    Objects.requireNonNull(delivery, "delivery");
    Objects.requireNonNull(registration, "registration");
  }

  /**
   * The MLflow side of the pipeline, each a pipeline parameter with this as its default: the
   * tracking server train, evaluate and gate record their one run on (and register registers from),
   * and the alias register moves. Credentials are never here: the tasks read {@code
   * MLFLOW_TRACKING_TOKEN} or {@code MLFLOW_TRACKING_USERNAME}/{@code PASSWORD} from their
   * container's environment.
   *
   * @param trackingUri the MLflow tracking server ({@code http(s)://HOST...}, no user or password
   *     in it); empty: no server, and the register task is skipped
   * @param alias the alias the register task points at the new version
   */
  public record Registration(String trackingUri, String alias) {
    /** The alias when none is given, as {@code mlci register}'s. */
    public static final String DEFAULT_ALIAS = "champion";

    public Registration {
      Objects.requireNonNull(trackingUri, "trackingUri");
      require(
          trackingUri.isEmpty() || trackingUri.matches("(?i)https?://[^/@\\s]+(/\\S*)?"),
          "trackingUri (http(s)://HOST[:PORT][/PATH] without credentials, or empty)",
          trackingUri);
      require(!Objects.requireNonNull(alias, "alias").isBlank(), "alias", alias);
    }

    /** No tracking server; the default alias. */
    public static Registration defaults() {
      return new Registration("", DEFAULT_ALIAS);
    }
  }

  /**
   * The containerize task's settings, each a pipeline parameter with this as its default: it runs
   * only when {@code branch} equals the target branch and the gate did not FAIL.
   *
   * @param branch the branch the pipeline runs for (the checkout's branch when written; a run on a
   *     pull request passes its head branch)
   * @param base the serving image's base ({@code registry://REF}, bare {@code REF} or {@code
   *     tar://PATH} the container can read)
   * @param target where the serving image goes ({@code registry://REF}); empty: a Docker tarball in
   *     the task's {@code image} artifact ({@value KfpPipeline#IMAGE_TAR})
   * @param allowInsecureRegistries plain-HTTP registries (loopback test registries)
   */
  public record Delivery(
      String branch, String base, String target, boolean allowInsecureRegistries) {
    /** The serving image's base when none is given, as {@code mlci containerize}'s. */
    public static final String DEFAULT_BASE = "eclipse-temurin:17-jre";

    public Delivery {
      Objects.requireNonNull(branch, "branch");
      require(!Objects.requireNonNull(base, "base").isBlank(), "base", base);
      Objects.requireNonNull(target, "target");
      require(
          target.isEmpty() || target.startsWith("registry://"),
          "target (registry://REF or empty for a tarball artifact)",
          target);
    }

    /** No branch known, the default base, a tarball artifact. */
    public static Delivery defaults() {
      return new Delivery("", DEFAULT_BASE, "", false);
    }
  }

  /**
   * A definition of a model that is not a classifier, with the default {@link Delivery} and {@link
   * Registration}: what a pipeline needs when only its training side matters.
   */
  public static PipelineDefinition of(
      String name,
      String image,
      String project,
      String config,
      String repository,
      String commit,
      String dataDigest,
      String targetBranch,
      ComputeConfig compute) {
    return new PipelineDefinition(
        name,
        image,
        project,
        config,
        repository,
        commit,
        dataDigest,
        targetBranch,
        compute,
        false,
        Delivery.defaults(),
        Registration.defaults());
  }

  private static void require(boolean ok, String field, String value) {
    if (!ok) {
      throw new IllegalArgumentException("invalid " + field + " '" + value + "'");
    }
  }

  /**
   * A valid pipeline name for the model {@code model}: lowercase, every run of other characters one
   * {@code -}, at most 128 characters, never empty ({@code mlci} then).
   */
  public static String pipelineName(String model) {
    String n = model.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-");
    n = n.replaceAll("^-+", "");
    if (n.length() > 128) {
      n = n.substring(0, 128);
    }
    n = n.replaceAll("-+$", "");
    return n.isEmpty() ? "mlci" : n;
  }
}
