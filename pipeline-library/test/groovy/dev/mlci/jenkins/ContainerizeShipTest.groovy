package dev.mlci.jenkins

import dev.mlci.cli.github.FakeGitHub
import java.nio.file.Files
import java.nio.file.Path
import org.junit.After
import org.junit.Assume
import org.junit.Before
import org.junit.Rule
import org.junit.Test
import org.junit.rules.TemporaryFolder

import static org.junit.Assert.assertEquals
import static org.junit.Assert.assertFalse
import static org.junit.Assert.assertNotNull
import static org.junit.Assert.assertNull
import static org.junit.Assert.assertTrue

/**
 * mlContainerize ships through mlci's one shipping rule: an image that breaks its serving contract
 * is never pushed to the target registry (Debian's docker-registry on loopback; podman runs the
 * image, as on an agent). The broken image is a real one: the docker-save base holds no Java, so
 * the server in it cannot start.
 */
class ContainerizeShipTest {
  /** The podman flags that work on the CI machine (crun fails on its cgroups). */
  static final String RUN_ARGS = '--runtime runc --ulimit nofile=20000:20000 --ulimit nproc=4096:4096'

  @Rule
  public TemporaryFolder tmp = new TemporaryFolder()

  JenkinsfileTest repos = new JenkinsfileTest()
  LocalRegistry registry

  @Before
  void start() {
    List<String> missing = ['podman', 'docker-registry'].findAll { tool ->
      new ProcessBuilder('sh', '-c', "command -v ${tool}").start().waitFor() != 0
    }
    if (!missing.isEmpty()) {
      String why = "the image tests need ${missing.join(' and ')} (apt-get install podman runc docker-registry)"
      if (System.getenv('MLCI_REQUIRE_CONTAINERS') == '1') {
        throw new AssertionError("MLCI_REQUIRE_CONTAINERS=1: ${why}".toString())
      }
      System.out.println("SKIPPED ${getClass().simpleName}: ${why}")
      Assume.assumeTrue(why, false)
    }
    repos.tmp = tmp
    repos.github = new FakeGitHub()
    registry = LocalRegistry.start(tmp.newFolder('registry').toPath())
  }

  @After
  void stop() {
    registry?.close()
    repos.github?.close()
  }

  private PipelineHarness trained(Path repo) {
    PipelineHarness h = repos.harness(repo, repos.env([
        BRANCH_NAME            : 'main',
        MLCI_CACHE_DIR         : tmp.newFolder('cache').absolutePath,
        MLCI_CONTAINER_RUNTIME : 'podman',
        MLCI_CONTAINER_RUN_ARGS: RUN_ARGS]))
    h.credentials['registry'] = [username: 'ci', password: 's3cret']
    return h
  }

  private static Throwable runScript(PipelineHarness h, Path workspace, String body) {
    Path script = workspace.resolve('test.jenkins')
    script.text = "@Library('mlci') _\n" + body
    return h.runJenkinsfile(script)
  }

  @Test
  void anImageThatBreaksItsContractIsNeverPushed() {
    Path repo = repos.repository('iris', false)
    Path base = BaseTarball.write(tmp.newFolder('base').toPath())
    PipelineHarness h = trained(repo)
    Throwable failure = runScript(h, repo, """
        mlTrain()
        mlEvaluate()
        mlContainerize(target: 'registry://${registry.host()}/mlci/iris:broken', base: 'tar://${base}',
                       allowInsecureRegistries: true, registryCredentialsId: 'registry')
        echo 'after mlContainerize'
        """)
    String log = h.log.toString()
    assertNotNull(log, failure)
    assertTrue(failure.message, failure.message.startsWith(
        "mlci containerize: the image breaks its serving contract and was NOT pushed to registry://${registry.host()}/mlci/iris:broken"))
    assertFalse(log, log.contains('after mlContainerize'))
    assertEquals(404, registry.manifestStatus('mlci/iris', 'broken'))
    assertFalse(registry.repositories().toString(), registry.repositories().contains('mlci/iris'))
    // The report says why; no description of an image is left for a deployment to pick up.
    def report = new groovy.json.JsonSlurper().parse(repo.resolve('mlci-out/verify/verify.json').toFile())
    assertFalse(report.passed as boolean)
    assertTrue(report.problems.toString(), report.problems.toString().contains('the image does not start'))
    assertFalse(Files.exists(repo.resolve('mlci-out/image/image-reference')))
    assertTrue(h.events.contains('archiveArtifacts mlci-out/image/**,mlci-out/verify/**'))
  }

  @Test
  void verifyFalsePushesWithoutTheCheckAndSaysSo() {
    Path repo = repos.repository('iris', false)
    Path base = BaseTarball.write(tmp.newFolder('base').toPath())
    PipelineHarness h = trained(repo)
    Throwable failure = runScript(h, repo, """
        mlTrain()
        def image = mlContainerize(target: 'registry://${registry.host()}/mlci/iris:unverified', base: 'tar://${base}',
                                   allowInsecureRegistries: true, verify: false)
        echo "image: \${image}"
        """)
    String log = h.log.toString()
    assertNull(log, failure)
    assertTrue(log, log.contains("mlContainerize: verify: false: the image is NOT checked against its serving contract"))
    assertTrue(log, log.contains('(NOT verified: --no-verify)'))
    assertEquals(200, registry.manifestStatus('mlci/iris', 'unverified'))
    def image = new groovy.json.JsonSlurper().parse(repo.resolve('mlci-out/image/image.json').toFile())
    assertFalse(image.verified as boolean)
    assertEquals('skipped: --no-verify', image.verification)
  }
}
