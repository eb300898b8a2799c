import dev.mlci.jenkins.MlciCli

/**
 * mlContainerize: builds the serving image of the trained model with Jib (no Docker daemon) and
 * pushes it to target:. Registry credentials come from registryCredentialsId: (a username and
 * password credential). With verify: true also runs mlci verify-image (podman or docker on the
 * agent). Returns the image reference to deploy (pinned by digest for a registry). See
 * mlContainerize.txt.
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
  Map r
  if (args.registryCredentialsId) {
    withCredentials([usernamePassword(credentialsId: args.registryCredentialsId,
        usernameVariable: 'MLCI_REGISTRY_USERNAME', passwordVariable: 'MLCI_REGISTRY_PASSWORD')]) {
      r = mlci.run(cli, args)
    }
  } else {
    r = mlci.run(cli, args)
  }
  Map image = r.summary.containerize as Map
  echo "mlci containerize: ${image.deploy_reference}"
  String out = MlciCli.outDir(args)
  if (args.archive != false) {
    archiveArtifacts(artifacts: "${out}/image/**", allowEmptyArchive: true)
  }
  if (args.verify) {
    List<String> verify = ['verify-image']
    verify.addAll(MlciCli.common(args))
    Map v = mlci.run(verify, args)
    if (v.exit != 0) {
      error("mlci verify-image: the image breaks its serving contract; see ${out}/verify/verify.json")
    }
  }
  return image.deploy_reference
}
