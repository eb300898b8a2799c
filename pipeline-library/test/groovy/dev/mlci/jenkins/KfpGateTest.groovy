package dev.mlci.jenkins

import dev.mlci.cli.github.FakeGitHub
import java.nio.file.Path
import org.junit.After
import org.junit.Before
import org.junit.Rule
import org.junit.Test
import org.junit.rules.TemporaryFolder

import static org.junit.Assert.assertNotNull
import static org.junit.Assert.assertTrue

/**
 * mlGate's on: 'kfp' parameter through the CPS interpreter and the real CLI: it becomes mlci run
 * --on kfp with the endpoint, the runner image and the token credential as KFP_TOKEN (never in the
 * log). The client itself is tested against the KFP API stand-in in example-repos (KfpRunIT).
 */
class KfpGateTest {
  @Rule
  public TemporaryFolder tmp = new TemporaryFolder()

  JenkinsfileTest repos = new JenkinsfileTest()

  static final String IMAGE = 'registry.example.com/mlci/runner@sha256:' + ('ab' * 32)

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
  void onKfpWithoutTheEndpointSaysWhatToGive() {
    Path repo = repos.repository('iris', false)
    PipelineHarness h = repos.harness(repo, repos.env([BRANCH_NAME: 'main']))
    Throwable failure = runScript(h, repo, "mlGate on: 'kfp', runnerImage: '${IMAGE}'")
    assertNotNull(failure)
    assertTrue(failure.message, failure.message.contains("mlGate on: 'kfp' needs kfpEndpoint:"))
  }

  @Test
  void onKfpRunsMlciRunOnKfpWithTheTokenCredential() {
    Path repo = repos.repository('iris', false)
    PipelineHarness h = repos.harness(repo, repos.env([BRANCH_NAME: 'main']))
    h.credentials['kfp-token'] = 'kfp-token-value-31337'
    Throwable failure = runScript(h, repo,
        "mlGate on: 'kfp', kfpEndpoint: 'http://127.0.0.1:9', runnerImage: '${IMAGE}', kfpCredentialsId: 'kfp-token', kfpTimeout: '5m'")
    assertNotNull(failure)
    String log = h.log.toString()
    assertTrue(failure.message, failure.message.startsWith('mlci run failed (exit 3):'))
    assertTrue(failure.message, failure.message.contains('cannot reach the Kubeflow Pipelines API at http://127.0.0.1:9'))
    assertTrue(log, !(log + failure.message).contains('kfp-token-value-31337'))
  }
}
