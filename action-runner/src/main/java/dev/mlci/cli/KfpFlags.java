package dev.mlci.cli;

import picocli.CommandLine.Option;

/** {@code mlci run --on kfp}: where and how the steps run on a Kubeflow Pipelines cluster. */
final class KfpFlags {
  /** Where the steps run. */
  enum On {
    runner,
    kfp
  }

  @Option(
      names = "--on",
      paramLabel = "WHERE",
      defaultValue = "runner",
      description =
          "Where train and evaluate run: runner (here, default) or kfp (a Kubeflow Pipelines"
              + " cluster; the gate still runs here).")
  On on = On.runner;

  @Option(
      names = "--kfp-endpoint",
      paramLabel = "URL",
      description =
          "With --on kfp: the KFP API server (v2beta1). Bearer token from KFP_TOKEN, else the"
              + " mounted service-account token.")
  String endpoint;

  @Option(
      names = "--runner-image",
      paramLabel = "REF@sha256:DIGEST",
      description = "With --on kfp: the runner image pinned by digest, as 'mlci image cli' prints.")
  String image;

  @Option(
      names = "--repository",
      paramLabel = "URL",
      description = "With --on kfp: the git URL the cluster clones. Default: the origin remote.")
  String repository;

  @Option(
      names = "--commit",
      paramLabel = "SHA",
      description = "With --on kfp: the commit to train. Default: HEAD, which must be clean.")
  String commit;

  @Option(
      names = "--kfp-experiment",
      paramLabel = "ID",
      description = "With --on kfp: the experiment the run goes into. Default: the server's.")
  String experiment;

  @Option(
      names = "--kfp-timeout",
      paramLabel = "DURATION",
      defaultValue = "6h",
      description =
          "With --on kfp: how long to wait for the run (90s, 30m, 6h); then it is"
              + " terminated (exit 3). Default: ${DEFAULT-VALUE}.")
  String timeout;

  @Option(
      names = "--kfp-poll",
      paramLabel = "DURATION",
      defaultValue = "10s",
      description = "With --on kfp: how often to ask about the run. Default: ${DEFAULT-VALUE}.")
  String poll;
}
