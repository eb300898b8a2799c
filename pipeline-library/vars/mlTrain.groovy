import dev.mlci.jenkins.MlciCli

/**
 * mlTrain: trains the model ml.yaml describes, on the agent, with the mlci CLI.
 * Returns [model_dir, digest, trainer, training_examples, onnx, millis]. See mlTrain.txt.
 */
def call(Map args = [:]) {
  MlciCli mlci = new MlciCli(this)
  List<String> cli = ['train']
  cli.addAll(MlciCli.common(args))
  Map r = mlci.run(cli, args)
  Map train = r.summary.train as Map
  echo "mlci train: ${train.trainer} on ${train.training_examples} examples; model digest ${(train.digest as String).substring(0, 12)}"
  if (args.archive != false) {
    archiveArtifacts(artifacts: "${MlciCli.outDir(args)}/model/**", fingerprint: true)
  }
  return train
}
