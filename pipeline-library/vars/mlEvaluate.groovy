import dev.mlci.jenkins.MlciCli

/**
 * mlEvaluate: scores the trained model on the held-out split. Returns the metrics as a Map
 * (e.g. metrics.roc_auc). See mlEvaluate.txt.
 */
def call(Map args = [:]) {
  MlciCli mlci = new MlciCli(this)
  List<String> cli = ['evaluate']
  cli.addAll(MlciCli.common(args))
  Map r = mlci.run(cli, args)
  Map evaluation = r.summary.evaluate as Map
  Map metrics = evaluation.metrics as Map
  echo "mlci evaluate: ${evaluation.test_examples} test examples; ${MlciCli.describe(metrics)}"
  if (args.archive != false) {
    archiveArtifacts(artifacts: "${MlciCli.outDir(args)}/eval/**", allowEmptyArchive: true)
  }
  return metrics
}
