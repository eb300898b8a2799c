package dev.mlci.core.api;

import dev.mlci.core.config.DataConfig;
import dev.mlci.core.errors.BadInputException;
import dev.mlci.core.errors.EnvironmentException;
import dev.mlci.core.errors.MlciException;
import dev.mlci.core.errors.Problem;
import dev.mlci.core.git.GitInfo;
import dev.mlci.core.pipeline.ComputeConfig;
import dev.mlci.core.pipeline.DataDigest;
import dev.mlci.core.pipeline.KfpPipeline;
import dev.mlci.core.pipeline.KubernetesJob;
import dev.mlci.core.pipeline.PipelineDefinition;
import dev.mlci.format.Digests;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;

/**
 * Writes the repository's steps for a cluster into {@code OUT/pipeline}: a Kubeflow Pipelines v2
 * pipeline ({@value #KFP_FILE}) or a Kubernetes Job ({@value #JOB_FILE}), running the runner image
 * pinned by digest on the committed repository, with ml.yaml's {@code compute}. Nothing runs yet.
 */
public final class PipelineStep extends Step<PipelineResult> {
  /** The output folder under {@code --out}. */
  public static final String DIR = "pipeline";

  /** The Kubeflow pipeline's file. */
  public static final String KFP_FILE = "kfp-pipeline.yaml";

  /** The Kubernetes Job's file. */
  public static final String JOB_FILE = "k8s-job.yaml";

  /** The Kubeflow Trainer TrainJob's file. */
  public static final String TRAINJOB_FILE = "k8s-trainjob.yaml";

  private final PipelineOptions options;

  public PipelineStep(StepContext context, Plan plan, PipelineOptions options) {
    super(context, plan);
    this.options = java.util.Objects.requireNonNull(options, "options");
  }

  @Override
  protected PipelineResult run() throws MlciException {
    Workspace ws = plan.workspace();
    StepOutput output = StepOutput.claimUntracked(context, "pipeline", ws, DIR);
    PipelineDefinition d = definition(plan, options);
    if (options.kind() == PipelineOptions.Kind.TRAINJOB && options.claim().isPresent()) {
      throw new BadInputException(
          Problem.in(
              "--claim",
              "",
              "a TrainJob's volumes come from its training runtime, not from mlci.",
              "leave it out, or write a batch/v1 Job, which mounts the claim."));
    }
    String file =
        switch (options.kind()) {
          case KFP -> KFP_FILE;
          case K8S -> JOB_FILE;
          case TRAINJOB -> TRAINJOB_FILE;
        };
    String text =
        switch (options.kind()) {
          case KFP -> KfpPipeline.render(d);
          case K8S -> KubernetesJob.render(d, options.claim());
          case TRAINJOB ->
              dev.mlci.core.pipeline.TrainJob.render(
                  d, options.runtime().orElse(dev.mlci.core.pipeline.TrainJob.DEFAULT_RUNTIME));
        };
    Path dir = ws.out().resolve(DIR);
    output.write(
        dir,
        "the pipeline",
        staging -> Files.writeString(staging.resolve(file), text, StandardCharsets.UTF_8));
    Map<String, String> params = new LinkedHashMap<>();
    params.put("repository", d.repository());
    params.put("git_commit", d.commit());
    params.put("data_digest", d.dataDigest());
    params.put("target_branch", d.targetBranch());
    if (options.kind() == PipelineOptions.Kind.KFP) {
      params.put("branch", d.delivery().branch());
      params.put("serving_base", d.delivery().base());
      params.put("image_target", d.delivery().target());
      params.put(KfpPipeline.TRACKING_URI, d.registration().trackingUri());
      params.put(KfpPipeline.ALIAS, d.registration().alias());
    }
    return new PipelineResult(
        dir.resolve(file),
        switch (options.kind()) {
          case KFP -> d.name();
          case K8S -> KubernetesJob.name(d);
          case TRAINJOB -> dev.mlci.core.pipeline.TrainJob.name(d);
        },
        params,
        Digests.sha256Hex(text.getBytes(StandardCharsets.UTF_8)));
  }

  /** The definition of {@code plan}'s pipeline: everything checked, with the flag to fix. */
  static PipelineDefinition definition(Plan plan, PipelineOptions options) throws MlciException {
    Workspace ws = plan.workspace();
    if (!PipelineDefinition.PINNED.matcher(options.image()).matches()) {
      throw new BadInputException(
          Problem.in(
              "--image",
              "",
              "'"
                  + options.image()
                  + "' is not pinned by digest; a cluster must run exactly"
                  + " the image that was built.",
              "pass the runner image pinned by digest (REPO@sha256:DIGEST), as its build prints"
                  + " it."));
    }
    ComputeConfig compute = ComputeConfig.of(plan.loaded());
    Path root = gitRoot(ws.repository());
    Optional<GitInfo> git = GitInfo.of(ws.repository());
    String commit;
    if (options.commit().isPresent()) {
      commit = options.commit().get();
      if (!commit.matches("[0-9a-f]{40}")) {
        throw new BadInputException(
            Problem.in(
                "--commit",
                "",
                "'" + commit + "' is not a full commit id.",
                "pass the 40 hex digits (git rev-parse HEAD)."));
      }
    } else {
      GitInfo g = git.orElseThrow();
      if (g.dirty()) {
        throw new BadInputException(
            Problem.in(
                Workspace.display(ws.repository()),
                "",
                "the checkout has uncommitted changes, which a cluster cloning the repository"
                    + " would not see.",
                "commit them first, or name a pushed commit to train."));
      }
      commit = g.commit();
    }
    String repository =
        options
            .repository()
            .or(() -> GitInfo.originUrl(ws.repository()))
            .orElseThrow(
                () ->
                    new BadInputException(
                        Problem.in(
                            "--repository",
                            "",
                            "the checkout has no 'origin' remote to tell the cluster where to clone"
                                + " from.",
                            "name the git URL the cluster can reach.")));
    Path configDir = plan.loaded().folder();
    String project = root.relativize(configDir).toString().replace('\\', '/');
    if (project.isEmpty()) {
      project = ".";
    }
    if (project.startsWith("..")) {
      throw new BadInputException(
          Problem.in(
              plan.loaded().displayName(),
              "",
              "ml.yaml lies outside the git repository " + root + ".",
              "keep ml.yaml inside the repository the cluster clones."));
    }
    String target = options.targetBranch().or(() -> plan.config().gate().target()).orElse("main");
    String digest;
    try {
      digest = DataDigest.of(configDir, dataFiles(plan));
    } catch (IOException e) {
      throw new EnvironmentException("cannot read the data to digest it: " + e.getMessage(), e);
    }
    String imageTarget = options.imageTarget().orElse("");
    if (!imageTarget.isEmpty() && !imageTarget.startsWith("registry://")) {
      throw new BadInputException(
          Problem.in(
              "--image-target",
              "",
              "'"
                  + imageTarget
                  + "' is not a registry target; the cluster's containerize task pushes.",
              "pass registry://REGISTRY/NAME:TAG, or leave it out for a tarball artifact."));
    }
    String branch = options.branch().or(() -> git.map(GitInfo::branch)).orElse("");
    PipelineDefinition.Delivery delivery =
        new PipelineDefinition.Delivery(
            branch,
            options.servingBase().orElse(ContainerizeOptions.DEFAULT_BASE),
            imageTarget,
            options.allowInsecureRegistries());
    return new PipelineDefinition(
        PipelineDefinition.pipelineName(plan.name()),
        options.image(),
        project,
        plan.loaded().file().getFileName().toString(),
        repository,
        commit,
        digest,
        target,
        compute,
        plan.config().task() == dev.mlci.core.config.Task.CLASSIFICATION,
        delivery,
        new PipelineDefinition.Registration(
            trackingUri(plan), PipelineDefinition.Registration.DEFAULT_ALIAS));
  }

  /**
   * The default of the pipeline's tracking server: ml.yaml's {@code tracking.uri} (not the
   * environment's MLFLOW_TRACKING_URI, so that the file depends on ml.yaml alone); empty when it
   * names none or no MLflow server (what the steps ignore too). Credentials in it are refused: the
   * file would carry them to everyone who can read the pipeline.
   */
  static String trackingUri(Plan plan) throws BadInputException {
    String uri = plan.config().tracking().uri().map(String::strip).orElse("");
    if (!uri.matches("(?i)^https?://\\S+$")) {
      return "";
    }
    if (uri.matches("(?i)^https?://[^/]*@.*")) {
      String field = "tracking.uri";
      throw new BadInputException(
          Problem.atLine(
              plan.loaded().displayName(),
              plan.loaded().lineOf(field),
              field,
              "tracking.uri carries a user or password, which the pipeline would hand to everyone"
                  + " who can read it.",
              "write the server without them (http://HOST:PORT) and give the tasks"
                  + " MLFLOW_TRACKING_USERNAME/PASSWORD or MLFLOW_TRACKING_TOKEN from a Kubernetes"
                  + " secret."));
    }
    return uri.replaceAll("/+$", "");
  }

  /** ml.yaml's data files: {@code path}, or {@code train} and {@code test}. */
  static List<Path> dataFiles(Plan plan) {
    DataConfig d = plan.config().data();
    Path dir = plan.loaded().folder();
    List<Path> files = new ArrayList<>();
    d.path().ifPresent(p -> files.add(dir.resolve(p)));
    d.train().ifPresent(p -> files.add(dir.resolve(p)));
    d.test().ifPresent(p -> files.add(dir.resolve(p)));
    return files;
  }

  private static Path gitRoot(Path dir) throws BadInputException {
    FileRepositoryBuilder b = new FileRepositoryBuilder().findGitDir(dir.toAbsolutePath().toFile());
    if (b.getGitDir() == null) {
      throw new BadInputException(
          Problem.in(
              Workspace.display(dir),
              "",
              "this is not in a git repository; a cluster clones the repository to run it.",
              dev.mlci.core.errors.Fix.of(
                  "run 'git init' and commit, or run the steps on the runner with {}.",
                  dev.mlci.core.errors.Suggestions.Step.RUN)));
    }
    return b.getGitDir().toPath().toAbsolutePath().getParent().normalize();
  }
}
