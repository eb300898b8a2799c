import dev.mlci.jenkins.MlciCli

/**
 * mlRegister: (main builds, after mlEvaluate) registers the evaluated model as a new version in
 * MLflow's model registry and moves an alias to it (default champion), so pull requests can gate
 * against it with mlGate baseline: 'models:/NAME@champion'. The server comes from
 * MLFLOW_TRACKING_URI (or tracking.uri in ml.yaml); credentials from MLFLOW_TRACKING_TOKEN or
 * MLFLOW_TRACKING_USERNAME/PASSWORD, e.g. bound with credentials() in the pipeline's
 * environment. Returns [name, version, alias]. See mlRegister.txt.
 */
def call(Map args = [:]) {
  MlciCli mlci = new MlciCli(this)
  List<String> cli = ['register']
  cli.addAll(MlciCli.common(args))
  if (args.name) {
    cli << '--name' << (args.name as String)
  }
  if (args.alias) {
    cli << '--alias' << (args.alias as String)
  }
  Map r = mlci.run(cli, args)
  Map reg = r.summary.register as Map
  echo "mlci register: ${reg.name} version ${reg.version}, alias ${reg.alias} (run ${reg.run_url})"
  return [name: reg.name, version: reg.version, alias: reg.alias]
}
