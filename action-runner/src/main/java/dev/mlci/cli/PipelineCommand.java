package dev.mlci.cli;

import dev.mlci.core.api.ContainerizeOptions;
import dev.mlci.core.api.Mlci;
import dev.mlci.core.api.PipelineOptions;
import dev.mlci.core.api.PipelineResult;
import dev.mlci.core.api.PipelineStep;
import dev.mlci.core.api.Plan;
import dev.mlci.core.api.Workspace;
import dev.mlci.core.errors.MlciException;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import tools.jackson.databind.node.ObjectNode;

/** {@code mlci pipeline kfp|k8s}: the steps written for a cluster. */
@Command(
    name = "pipeline",
    mixinStandardHelpOptions = true,
    description = {
      "Write the steps for a cluster, for when the CI runner is too small.",
      "  kfp  a Kubeflow Pipelines v2 pipeline (checkout, train, evaluate, gate, containerize,"
          + " register)",
      "  k8s  a Kubernetes batch/v1 Job that trains and evaluates"
    },
    subcommands = {PipelineCommand.Kfp.class, PipelineCommand.K8s.class})
final class PipelineCommand implements Runnable {
  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new picocli.CommandLine.ParameterException(spec.commandLine(), "name kfp or k8s");
  }

  /** The flags both kinds share. */
  static final class Flags {
    @Option(
        names = "--image",
        required = true,
        paramLabel = "REF@sha256:DIGEST",
        description = "The runner image pinned by digest, as 'mlci image cli' prints it.")
    String image;

    @Option(
        names = "--repository",
        paramLabel = "URL",
        description = "The git URL the cluster clones. Default: the origin remote.")
    String repository;

    @Option(
        names = "--commit",
        paramLabel = "SHA",
        description = "The commit to train (40 hex digits). Default: HEAD, which must be clean.")
    String commit;

    @Option(
        names = "--target",
        paramLabel = "BRANCH",
        description = "The gate's target branch. Default: gate.target in ml.yaml, else main.")
    String target;
  }

  abstract static class Kind extends StepCommand {
    @picocli.CommandLine.Mixin Flags flags;

    abstract PipelineOptions.Kind kind();

    Optional<String> claim() {
      return Optional.empty();
    }

    /**
     * The containerize task's options, Kubeflow only: its branch, serving base, image target and
     * whether plain-HTTP registries are allowed.
     */
    Optional<String> branch() {
      return Optional.empty();
    }

    Optional<String> servingBase() {
      return Optional.empty();
    }

    Optional<String> imageTarget() {
      return Optional.empty();
    }

    boolean allowInsecureRegistries() {
      return false;
    }

    /** The TrainJob's runtime: TrainJob only. */
    Optional<String> runtime() {
      return Optional.empty();
    }

    @Override
    int execute(Mlci mlci, Plan plan, ObjectNode summary) throws MlciException {
      PipelineResult r =
          new PipelineStep(
                  stepContext(),
                  plan,
                  new PipelineOptions(
                      kind(),
                      flags.image,
                      Optional.ofNullable(flags.repository),
                      Optional.ofNullable(flags.commit),
                      Optional.ofNullable(flags.target),
                      claim(),
                      branch(),
                      servingBase(),
                      imageTarget(),
                      allowInsecureRegistries(),
                      runtime()))
              .call();
      summary.set("pipeline", CliJson.tree(r));
      if (!options.json) {
        out().printf("pipeline: %s (%s)%n", Workspace.display(r.file()), r.name());
        r.parameters().forEach((k, v) -> out().printf("  %s = %s%n", k, v));
        out().flush();
      }
      return 0;
    }
  }

  @Command(
      name = "kfp",
      mixinStandardHelpOptions = true,
      description = {
        "Write OUT/pipeline/kfp-pipeline.yaml, a Kubeflow Pipelines v2 pipeline (IR YAML).",
        "Its tasks checkout, train (with ml.yaml's compute), evaluate and gate run the runner",
        "image; the verdict is its output parameter. On the target branch, unless the gate",
        "FAILs, containerize builds the serving image. Upload it in the KFP UI or the kfp SDK.",
        "Train, evaluate and gate record into one MLflow run on the parameter",
        "mlflow_tracking_uri (default: tracking.uri in ml.yaml); after containerize, register",
        "registers that model and moves model_alias (default champion); without a server it is",
        "skipped. Credentials: MLFLOW_TRACKING_TOKEN or _USERNAME/_PASSWORD in the containers'",
        "environment (a Kubernetes secret), never in the file."
      },
      footerHeading = "%nExamples:%n",
      footer = {"  mlci pipeline kfp . --image ghcr.io/acme/mlci-runner@sha256:..."})
  static final class Kfp extends Kind {
    @Option(
        names = "--branch",
        paramLabel = "BRANCH",
        description =
            "The branch the pipeline runs for (its 'branch' parameter); containerize runs when it"
                + " is the target branch. Default: the checkout's branch.")
    String branch;

    @Option(
        names = "--serving-base",
        paramLabel = "IMAGE",
        description = "The serving image's base. Default: " + ContainerizeOptions.DEFAULT_BASE)
    String servingBase;

    @Option(
        names = "--image-target",
        paramLabel = "registry://REF",
        description =
            "Where containerize pushes the serving image. Default: a Docker tarball in its"
                + " 'image' artifact.")
    String imageTarget;

    @Option(
        names = "--allow-insecure-registries",
        description = "Let containerize use plain-HTTP registries.")
    boolean allowInsecureRegistries;

    @Override
    Optional<String> branch() {
      return Optional.ofNullable(branch);
    }

    @Override
    Optional<String> servingBase() {
      return Optional.ofNullable(servingBase);
    }

    @Override
    Optional<String> imageTarget() {
      return Optional.ofNullable(imageTarget);
    }

    @Override
    boolean allowInsecureRegistries() {
      return allowInsecureRegistries;
    }

    @Override
    PipelineOptions.Kind kind() {
      return PipelineOptions.Kind.KFP;
    }
  }

  @Command(
      name = "k8s",
      mixinStandardHelpOptions = true,
      description = {
        "Write OUT/pipeline/k8s-job.yaml, a Kubernetes batch/v1 Job that trains on a cluster.",
        "With --kind trainjob: OUT/pipeline/k8s-trainjob.yaml, a Kubeflow Trainer TrainJob.",
        "It clones the commit, trains and evaluates with ml.yaml's compute (kubectl apply -f)."
      },
      footerHeading = "%nExamples:%n",
      footer = {
        "  mlci pipeline k8s . --image REF@sha256:... --claim mlci-out",
        "  mlci pipeline k8s . --image REF@sha256:... --kind trainjob --runtime torch-distributed"
      })
  static final class K8s extends Kind {
    @Option(
        names = "--claim",
        paramLabel = "PVC",
        description = "A PersistentVolumeClaim for the Job's output. Default: an emptyDir.")
    String claim;

    String manifest = "job";

    @Option(
        names = "--kind",
        paramLabel = "KIND",
        defaultValue = "job",
        description = "job (batch/v1 Job, the default) or trainjob (Kubeflow Trainer TrainJob).")
    void manifest(String value) {
      if (!value.equals("job") && !value.equals("trainjob")) {
        throw new picocli.CommandLine.ParameterException(
            spec.commandLine(), "--kind '" + value + "' is not a kind; use job or trainjob");
      }
      manifest = value;
    }

    @Option(
        names = "--runtime",
        paramLabel = "NAME",
        description =
            "The TrainJob's ClusterTrainingRuntime (--kind trainjob). Default: torch-distributed.")
    String runtime;

    @Override
    PipelineOptions.Kind kind() {
      return switch (manifest) {
        case "job" -> PipelineOptions.Kind.K8S;
        case "trainjob" -> PipelineOptions.Kind.TRAINJOB;
        default ->
            throw new picocli.CommandLine.ParameterException(
                spec.commandLine(), "--kind '" + manifest + "' is not a kind; use job or trainjob");
      };
    }

    @Override
    Optional<String> runtime() {
      return Optional.ofNullable(runtime);
    }

    @Override
    Optional<String> claim() {
      return Optional.ofNullable(claim);
    }
  }
}
