import dev.mlci.jenkins.MlciCli

/**
 * mlBaselineRecord: (main builds) stores the evaluation as the baseline of the current commit in
 * git notes (refs/notes/mlci) and pushes it to origin. The push uses gitCredentialsId: (a username
 * and password/token credential) when given, else the agent's git credentials. Returns the
 * recorded commit. See mlBaselineRecord.txt.
 */
def call(Map args = [:]) {
  MlciCli mlci = new MlciCli(this)
  List<String> cli = ['baseline', 'record']
  cli.addAll(MlciCli.common(args))
  if (args.push != false) {
    cli << '--push'
  }
  if (args.remote) {
    cli << '--remote' << (args.remote as String)
  }
  Map r
  if (args.gitCredentialsId) {
    withCredentials([usernamePassword(credentialsId: args.gitCredentialsId,
        usernameVariable: 'MLCI_GIT_USERNAME', passwordVariable: 'MLCI_GIT_TOKEN')]) {
      r = mlci.run(cli, args)
    }
  } else {
    r = mlci.run(cli, args)
  }
  Map record = r.summary.baseline as Map
  echo "mlci baseline record: ${record.commit} in ${record.notes_ref}" + (record.pushed_to ? ", pushed to ${record.pushed_to}" : ' (not pushed)')
  return record.commit
}
