import dev.mlci.jenkins.MlciCli

/**
 * mlGate: compares the evaluated model with the baseline of the target branch. FAIL ends the
 * build with the gate's message (error); INCONCLUSIVE marks it UNSTABLE. Publishes the gate's
 * JUnit XML, archives the reports, sets the build description, and posts the pull-request report
 * when a GitHub token credential is configured. Returns [verdict, headline, report, failsBuild].
 * With on: 'kfp', train and evaluate run first on a Kubeflow Pipelines cluster (mlci run --on kfp:
 * kfpEndpoint:, runnerImage:, the token from kfpCredentialsId:), and the gate runs here on what came
 * back, as without it. See mlGate.txt.
 */
def call(Map args = [:]) {
  MlciCli mlci = new MlciCli(this)
  boolean kfp = args.on == 'kfp'
  if (args.on && !kfp && args.on != 'agent') {
    error("mlGate on: '${args.on}' is not where mlci runs the steps; write 'agent' (the default) or 'kfp'")
  }
  if (kfp && (!args.kfpEndpoint || !args.runnerImage)) {
    error("mlGate on: 'kfp' needs kfpEndpoint: (the KFP API server's URL) and runnerImage: (the runner image pinned by digest, REF@sha256:DIGEST)")
  }
  List<String> cli = [kfp ? 'run' : 'gate']
  cli.addAll(MlciCli.common(args))
  if (kfp) {
    cli << '--on' << 'kfp' << '--kfp-endpoint' << (args.kfpEndpoint as String)
    cli << '--runner-image' << (args.runnerImage as String)
    if (args.kfpTimeout) {
      cli << '--kfp-timeout' << (args.kfpTimeout as String)
    }
  }
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
  Map r
  if (kfp && args.kfpCredentialsId) {
    withCredentials([string(credentialsId: args.kfpCredentialsId, variable: 'KFP_TOKEN')]) {
      r = mlci.run(cli, args)
    }
  } else {
    r = mlci.run(cli, args)
  }
  if (kfp) {
    Map run = r.summary.kfp as Map
    echo "mlci run --on kfp: run ${run.run_id} on ${run.endpoint} succeeded; the cluster's gate said ${run.cluster_verdict}, gated again here"
  }
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
