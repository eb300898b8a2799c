package dev.mlci.jenkins

import dev.mlci.cli.github.FakeGitHub
import java.nio.file.Files
import java.nio.file.Path
import java.security.MessageDigest
import org.junit.After
import org.junit.Before
import org.junit.Rule
import org.junit.Test
import org.junit.rules.TemporaryFolder

import static org.junit.Assert.assertEquals
import static org.junit.Assert.assertNotNull
import static org.junit.Assert.assertNull
import static org.junit.Assert.assertTrue

/**
 * The library's steps one by one, in scripted pipelines: configuration errors, the jar fetched
 * from a URL and cached per agent, mlContainerize with registry credentials.
 */
class StepsTest {
  @Rule
  public TemporaryFolder tmp = new TemporaryFolder()

  JenkinsfileTest repos = new JenkinsfileTest()

  static final String KFP_RUNNER_IMAGE = 'registry.example.com/mlci/runner@sha256:' + ('ab' * 32)

  @Before
  void start() {
    repos.tmp = tmp
    repos.github = new FakeGitHub()
  }

  @After
  void stop() {
    repos.github.close()
  }

  Throwable runScript(PipelineHarness h, Path workspace, String body) {
    Path script = workspace.resolve('test.jenkins')
    script.text = "@Library('mlci') _\n" + body
    return h.runJenkinsfile(script)
  }

  @Test
  void aMissingJarSaysWhatToConfigure() {
    Path repo = repos.repository('iris', false)
    Map<String, String> env = repos.env([BRANCH_NAME: 'main'])
    env.remove('MLCI_JAR')
    PipelineHarness h = repos.harness(repo, env)
    Throwable failure = runScript(h, repo, 'mlTrain()')
    assertNotNull(failure)
    assertTrue(failure.message, failure.message.startsWith('mlci.jar is not configured. Set the global environment variable MLCI_JAR'))
  }

  @Test
  void aMissingJavaSaysWhatToConfigure() {
    Path repo = repos.repository('iris', false)
    PipelineHarness h = repos.harness(repo, repos.env([BRANCH_NAME: 'main', JAVA_HOME: '/nonexistent/jdk']))
    Throwable failure = runScript(h, repo, 'mlTrain()')
    assertNotNull(failure)
    assertTrue(failure.message, failure.message.contains("mlci needs Java 17 or newer on the agent, and '/nonexistent/jdk/bin/java' does not run"))
    assertTrue(failure.message, failure.message.contains("tools { jdk 'jdk17' }"))
  }

  @Test
  void aJarGivenAsAUrlIsFetchedOncePerAgent() {
    Path repo = repos.repository('iris', false)
    String url = 'file://' + new File(JenkinsfileTest.JAR).canonicalPath
    PipelineHarness h = repos.harness(repo, repos.env([BRANCH_NAME: 'main', MLCI_JAR: url]))
    Throwable failure = runScript(h, repo, '''
        def model = mlTrain()
        def metrics = mlEvaluate()
        echo "trained ${model.trainer}, accuracy ${metrics.accuracy}"
        ''')
    assertNull(h.log.toString(), failure)
    String digest = MessageDigest.getInstance('SHA-256').digest(url.getBytes('UTF-8')).encodeHex().toString().substring(0, 16)
    Path cached = tmp.root.toPath().resolve(".cache/mlci/jars/${digest}/mlci.jar")
    assertTrue(Files.isRegularFile(cached))
    assertEquals(Files.size(Path.of(JenkinsfileTest.JAR)), Files.size(cached))
    // Fetched by the first step; the second found it in the cache.
    assertEquals(1, h.events.count { it.contains('curl -fsSL') && it.contains(url) } as int)
    assertTrue(h.log.toString(), h.log.toString().contains('trained random-forest, accuracy 0.9'))
  }

  @Test
  void containerizeBuildsTheImageWithRegistryCredentials() {
    Path repo = repos.repository('iris', false)
    Path base = BaseTarball.write(tmp.newFolder('base').toPath())
    PipelineHarness h = repos.harness(repo, repos.env([BRANCH_NAME: 'main', MLCI_CACHE_DIR: tmp.newFolder('cache').absolutePath]))
    h.credentials['registry'] = [username: 'ci', password: 's3cret']
    Throwable failure = runScript(h, repo, """
        mlTrain()
        def image = mlContainerize(target: 'tar://${tmp.root}/iris-image.tar', base: 'tar://${base}',
                                   registryCredentialsId: 'registry', verify: false)
        echo "image: \${image}"
        """)
    assertNull(h.log.toString(), failure)
    assertTrue(Files.isRegularFile(tmp.root.toPath().resolve('iris-image.tar')))
    assertTrue(h.log.toString(), h.log.toString().contains('image: mlci/iris'))
    assertTrue(h.events.contains('withCredentials registry'))
    assertTrue(h.events.contains('archiveArtifacts mlci-out/image/**,mlci-out/verify/**'))
    assertTrue(h.log.toString(), h.log.toString().contains('mlContainerize: verify: false'))
    assertTrue(Files.isRegularFile(repo.resolve('mlci-out/image/deploy/inferenceservice.yaml')))
  }

  @Test
  void containerizeWithoutATargetSaysSo() {
    Path repo = repos.repository('iris', false)
    PipelineHarness h = repos.harness(repo, repos.env([BRANCH_NAME: 'main']))
    Throwable failure = runScript(h, repo, 'mlContainerize()')
    assertNotNull(failure)
    assertTrue(failure.message, failure.message.startsWith('mlContainerize needs target:'))
  }

  @Test
  void aConfigErrorEndsTheBuildWithMlcisMessage() {
    Path repo = repos.repository('iris', false)
    repo.resolve('ml.yaml').text = repo.resolve('ml.yaml').text.replace('random-forest', 'random-forrest')
    PipelineHarness h = repos.harness(repo, repos.env([BRANCH_NAME: 'main']))
    Throwable failure = runScript(h, repo, 'mlTrain()')
    assertNotNull(failure)
    assertTrue(failure.message, failure.message.startsWith('mlci train failed (exit 2):'))
    assertTrue(failure.message, failure.message.contains("Did you mean 'random-forest'?"))
  }

  /**
   * The library runs the CLI with MLCI_FACE=jenkins, so an engine error names the library's step
   * (the CLI would say "run 'mlci train' first (or 'mlci run')").
   */
  @Test
  void anEngineFixNamesTheLibrarysStepNotTheCliCommand() {
    Path repo = repos.repository('iris', false)
    PipelineHarness h = repos.harness(repo, repos.env([BRANCH_NAME: 'main']))
    Throwable failure = runScript(h, repo, 'mlEvaluate()')
    assertNotNull(failure)
    assertTrue(failure.message, failure.message.startsWith('mlci evaluate failed (exit 2):'))
    assertTrue(failure.message, failure.message.contains(
        'there is no trained model here. Fix: run mlTrain() first (or the mlTrain(), mlEvaluate(), mlGate() stages).'))
    assertTrue(failure.message, !failure.message.contains("'mlci"))
  }

  @Test
  void anEngineFixNamesTheStepsParameterNotTheCliFlag() {
    Path repo = repos.repository('iris', false)
    PipelineHarness h = repos.harness(repo, repos.env([BRANCH_NAME: 'main']))
    Throwable failure = runScript(h, repo, "mlTrain config: 'missing.yaml'")
    assertNotNull(failure)
    assertTrue(failure.message, failure.message.startsWith('mlci train failed (exit 2):'))
    assertTrue(failure.message, failure.message.contains("the config file does not exist."))
    assertTrue(failure.message, failure.message.contains("or pass config: 'FILE'."))
    assertTrue(failure.message, !failure.message.contains('--config'))
  }

  @Test
  void registerWithoutATrackingServerSaysWhatToConfigure() {
    Path repo = repos.repository('iris', false)
    PipelineHarness h = repos.harness(repo, repos.env([BRANCH_NAME: 'main']))
    Throwable failure = runScript(h, repo, "mlRegister alias: 'champion'")
    assertNotNull(failure)
    assertTrue(failure.message, failure.message.startsWith('mlci register failed (exit 2):'))
    assertTrue(failure.message, failure.message.contains('mlci register needs an MLflow tracking server'))
    assertTrue(failure.message, failure.message.contains('set MLFLOW_TRACKING_URI'))
  }

  /**
   * The harness runs scripts through the CPS interpreter, as Jenkins does: a CPS-transformed
   * closure handed to a plain Java method (here the comparator of toSorted) does not return its
   * value there, so the result is wrong, exactly as on Jenkins; plain Groovy would print [a, b, c].
   * The library keeps such code in @NonCPS methods, which is what this harness holds it to.
   */
  @Test
  void codeThatIsNotCpsSafeMisbehavesAsOnJenkins() {
    Path repo = repos.repository('iris', false)
    PipelineHarness h = repos.harness(repo, repos.env([BRANCH_NAME: 'main']))
    Throwable failure = runScript(h, repo, '''
        def sorted = ['b', 'c', 'a'].toSorted { x, y -> x <=> y }
        echo "sorted ${sorted}"
        ''')
    String log = h.log.toString()
    assertTrue(log, failure != null || (log.contains('sorted ') && !log.contains('sorted [a, b, c]')))
    // The same code in plain Groovy:
    assertEquals(['a', 'b', 'c'], ['b', 'c', 'a'].toSorted { x, y -> x <=> y })
  }

  // mlGate on: 'kfp': it becomes mlci run --on kfp with the endpoint, the runner image and the
  // token credential as KFP_TOKEN (never in the log). The client itself is tested against the KFP
  // API stand-in in example-repos (KfpRunIT).
  @Test
  void onKfpWithoutTheEndpointSaysWhatToGive() {
    Path repo = repos.repository('iris', false)
    PipelineHarness h = repos.harness(repo, repos.env([BRANCH_NAME: 'main']))
    Throwable failure = runScript(h, repo, "mlGate on: 'kfp', runnerImage: '${KFP_RUNNER_IMAGE}'")
    assertNotNull(failure)
    assertTrue(failure.message, failure.message.contains("mlGate on: 'kfp' needs kfpEndpoint:"))
  }

  @Test
  void onKfpRunsMlciRunOnKfpWithTheTokenCredential() {
    Path repo = repos.repository('iris', false)
    PipelineHarness h = repos.harness(repo, repos.env([BRANCH_NAME: 'main']))
    h.credentials['kfp-token'] = 'kfp-token-value-31337'
    Throwable failure = runScript(h, repo,
        "mlGate on: 'kfp', kfpEndpoint: 'http://127.0.0.1:9', runnerImage: '${KFP_RUNNER_IMAGE}', kfpCredentialsId: 'kfp-token', kfpTimeout: '5m'")
    assertNotNull(failure)
    String log = h.log.toString()
    assertTrue(failure.message, failure.message.startsWith('mlci run failed (exit 3):'))
    assertTrue(failure.message, failure.message.contains('cannot reach the Kubeflow Pipelines API at http://127.0.0.1:9'))
    assertTrue(log, !(log + failure.message).contains('kfp-token-value-31337'))
  }
}
