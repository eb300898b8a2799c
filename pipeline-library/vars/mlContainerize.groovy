import dev.mlci.jenkins.MlciCli

/**
 * mlContainerize: ships the serving image of the trained model through mlci's shipping rule: built
 * with Jib (no Docker daemon), its serving contract checked with podman or docker on the agent, and
 * pushed to target: only when it passes (the pushed image is the checked one). A broken image is
 * never pushed and ends the build. verify: false pushes without the check and says so in the log.
 * Registry credentials come from registryCredentialsId: (a username and password credential).
 * Returns the image reference to deploy (pinned by digest for a registry). See mlContainerize.txt.
 */
def call(Map args = [:]) {
  if (!args.target) {
    error('mlContainerize needs target:, e.g. target: "registry://registry.example.com/ml/churn:${env.BUILD_NUMBER}"')
  }
  MlciCli mlci = new MlciCli(this)
  List<String> cli = ['containerize']
  cli.addAll(MlciCli.common(args))
  cli << '--target' << (args.target as String)
  if (args.base) {
    cli << '--base' << (args.base as String)
  }
  if (args.allowInsecureRegistries) {
    cli << '--allow-insecure-registries'
  }
  boolean verify = args.verify != false
  if (!verify) {
    cli << '--no-verify'
    echo("mlContainerize: verify: false: the image is NOT checked against its serving contract before it is pushed to ${args.target}")
  }
  Map r
  if (args.registryCredentialsId) {
    withCredentials([usernamePassword(credentialsId: args.registryCredentialsId,
        usernameVariable: 'MLCI_REGISTRY_USERNAME', passwordVariable: 'MLCI_REGISTRY_PASSWORD')]) {
      r = mlci.run(cli, args)
    }
  } else {
    r = mlci.run(cli, args)
  }
  String out = MlciCli.outDir(args)
  Map ship = (r.summary.ship ?: [:]) as Map
  if (args.archive != false) {
    archiveArtifacts(artifacts: "${out}/image/**,${out}/verify/**", allowEmptyArchive: true)
  }
  if (r.exit != 0) {
    error("mlci containerize: the image breaks its serving contract and was NOT pushed to ${args.target};"
        + " see ${out}/verify/verify.json")
  }
  Map image = r.summary.containerize as Map
  if (ship.verification == 'PASSED') {
    echo "mlci containerize: ${image.deploy_reference} (verified before it was pushed)"
  } else {
    echo "mlci containerize: ${image.deploy_reference} (NOT verified: ${ship.skipped})"
  }
  return image.deploy_reference
}
