import dev.mlci.jenkins.MlciCli

/**
 * mlGate: compares the evaluated model with the baseline of the target branch. FAIL ends the
 * build with the gate's message (error); INCONCLUSIVE marks it UNSTABLE. Publishes the gate's
 * JUnit XML, archives the reports, sets the build description, and posts the pull-request report
 * when a GitHub token credential is configured. Returns [verdict, headline, report, failsBuild].
 * See mlGate.txt.
 */
def call(Map args = [:]) {
  MlciCli mlci = new MlciCli(this)
  List<String> cli = ['gate']
  cli.addAll(MlciCli.common(args))
  String target = (args.target ?: env.CHANGE_TARGET) as String
  if (target) {
    cli << '--target' << target
  }
  if (args.baseline) {
    cli << '--baseline' << (args.baseline as String)
  }
  if (args.failOnInconclusive) {
    cli << '--fail-on-inconclusive'
  }
  if (args.fetch == false) {
    cli << '--no-fetch'
  }
  Map r = mlci.run(cli, args)
  Map gate = r.summary.gate as Map
  String out = MlciCli.outDir(args)
  junit(testResults: "${out}/gate/gate-junit.xml", allowEmptyResults: true)
  if (args.archive != false) {
    archiveArtifacts(artifacts: "${out}/gate/**", allowEmptyArchive: true)
  }
  currentBuild.description = gate.headline as String
  mlci.postReport(args, out)
  if (r.exit == 1) {
    error(gate.headline as String)
  }
  if (gate.verdict == 'INCONCLUSIVE') {
    unstable(gate.headline as String)
  }
  return [verdict: gate.verdict, headline: gate.headline, report: gate.report, failsBuild: gate.fails_build]
}
