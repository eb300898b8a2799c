package dev.mlci.jenkins

import com.sun.net.httpserver.HttpServer
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
import static org.junit.Assert.assertFalse
import static org.junit.Assert.assertNotNull
import static org.junit.Assert.assertNull
import static org.junit.Assert.assertTrue

/**
 * MLCI_JAR as a Maven coordinate (issue 20): the runnable jar is the mlci-cli artifact with the
 * classifier {@code all}, resolved from a Maven repository (here the JDK's HTTP server serving a
 * folder in the standard layout, with only the .sha1 Maven Central always publishes), checked with
 * the agent's sha1sum/sha256sum, cached once per agent; a jar that does not match is refused.
 */
class JarResolutionTest {
  static final String COORDINATE = 'dev.mlci:mlci-cli:0.1.0:all'
  static final String PATH = 'dev/mlci/mlci-cli/0.1.0/mlci-cli-0.1.0-all.jar'

  @Rule
  public TemporaryFolder tmp = new TemporaryFolder()

  JenkinsfileTest repos = new JenkinsfileTest()
  HttpServer server
  Path served
  List<String> requests = Collections.synchronizedList([])

  @Before
  void start() {
    repos.tmp = tmp
    repos.github = new FakeGitHub()
    served = tmp.newFolder('maven-repo').toPath()
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0)
    server.createContext('/maven2/') { exchange ->
      String path = exchange.requestURI.path.substring('/maven2/'.length())
      requests << path
      Path file = served.resolve(path)
      if (!path.contains('..') && Files.isRegularFile(file)) {
        exchange.sendResponseHeaders(200, Files.size(file))
        exchange.responseBody.withStream { it << Files.readAllBytes(file) }
      } else {
        exchange.sendResponseHeaders(404, -1)
      }
      exchange.close()
    }
    server.start()
  }

  @After
  void stop() {
    server.stop(0)
    repos.github.close()
  }

  String repoUrl() {
    return "http://127.0.0.1:${server.address.port}/maven2"
  }

  static String hex(String algorithm, Path file) {
    return MessageDigest.getInstance(algorithm).digest(Files.readAllBytes(file)).encodeHex().toString()
  }

  /** The runnable jar published as the -all classifier artifact, with its .sha1 (as Central has). */
  Path publish(String sha1) {
    Path jar = served.resolve(PATH)
    Files.createDirectories(jar.parent)
    Files.copy(Path.of(JenkinsfileTest.JAR), jar)
    Path sum = served.resolve(PATH + '.sha1')
    sum.text = sha1 ?: hex('SHA-1', jar)
    return jar
  }

  Throwable runScript(PipelineHarness h, Path workspace, String body) {
    Path script = workspace.resolve('test.jenkins')
    script.text = "@Library('mlci') _\n" + body
    return h.runJenkinsfile(script)
  }

  @Test
  void aMavenCoordinateIsResolvedCheckedAndCachedOncePerAgent() {
    Path published = publish(null)
    Path repo = repos.repository('iris', false)
    PipelineHarness h = repos.harness(repo, repos.env(
        [BRANCH_NAME: 'main', MLCI_JAR: COORDINATE, MLCI_MAVEN_REPO: repoUrl()]))
    Throwable failure = runScript(h, repo, '''
        def model = mlTrain()
        def metrics = mlEvaluate()
        echo "trained ${model.trainer}, accuracy ${metrics.accuracy}"
        ''')
    assertNull(h.log.toString(), failure)
    assertTrue(h.log.toString(), h.log.toString().contains('trained random-forest, accuracy 0.9'))
    // The jar once (the second step found it cached); .sha256 asked first (404), then .sha1.
    assertEquals([PATH, PATH + '.sha256', PATH + '.sha1'], requests)
    String url = "${repoUrl()}/${PATH}"
    String digest = MessageDigest.getInstance('SHA-256').digest(url.getBytes('UTF-8')).encodeHex().toString().substring(0, 16)
    Path cached = tmp.root.toPath().resolve(".cache/mlci/jars/${digest}/mlci.jar")
    assertEquals(-1L, Files.mismatch(published, cached))
  }

  @Test
  void aJarThatDoesNotMatchTheRepositorysChecksumIsRefused() {
    publish('0' * 40)
    Path repo = repos.repository('iris', false)
    PipelineHarness h = repos.harness(repo, repos.env(
        [BRANCH_NAME: 'main', MLCI_JAR: COORDINATE, MLCI_MAVEN_REPO: repoUrl()]))
    Throwable failure = runScript(h, repo, 'mlTrain()')
    assertNotNull(failure)
    assertTrue(failure.message, failure.message.startsWith(
        "mlci.jar fetched from ${repoUrl()}/${PATH} does not match its repository's checksum".toString()))
    assertTrue(h.log.toString(), h.log.toString().contains('mlci: the sha1 of the fetched jar is '))
    assertFalse(Files.exists(tmp.root.toPath().resolve('.cache/mlci/jars')) &&
        Files.walk(tmp.root.toPath().resolve('.cache/mlci/jars')).anyMatch { it.fileName.toString() == 'mlci.jar' })
  }

  @Test
  void aPinnedSha256IsCheckedInsteadOfTheRepositorys() {
    Path published = publish(null)
    Path repo = repos.repository('iris', false)
    PipelineHarness h = repos.harness(repo, repos.env(
        [BRANCH_NAME: 'main', MLCI_JAR: COORDINATE, MLCI_MAVEN_REPO: repoUrl(), MLCI_JAR_SHA256: 'ab' * 32]))
    Throwable failure = runScript(h, repo, 'mlTrain()')
    assertNotNull(failure)
    assertTrue(failure.message, failure.message.contains('does not match its pinned MLCI_JAR_SHA256'))
    assertEquals([PATH], requests)

    h = repos.harness(repo, repos.env([BRANCH_NAME: 'main', MLCI_JAR: COORDINATE, MLCI_MAVEN_REPO: repoUrl(),
                                       MLCI_JAR_SHA256: hex('SHA-256', published).toUpperCase()]))
    failure = runScript(h, repo, 'mlTrain()')
    assertNull(h.log.toString(), failure)
  }

  @Test
  void aRepositoryWithoutTheJarSaysWhatToCheck() {
    Path repo = repos.repository('iris', false)
    PipelineHarness h = repos.harness(repo, repos.env(
        [BRANCH_NAME: 'main', MLCI_JAR: 'dev.mlci:mlci-cli:9.9.9:all', MLCI_MAVEN_REPO: repoUrl()]))
    Throwable failure = runScript(h, repo, 'mlTrain()')
    assertNotNull(failure)
    assertEquals("could not fetch mlci.jar from ${repoUrl()}/dev/mlci/mlci-cli/9.9.9/mlci-cli-9.9.9-all.jar".toString() +
        " (MLCI_JAR 'dev.mlci:mlci-cli:9.9.9:all'): check the URL (for a coordinate, MLCI_MAVEN_REPO, default Maven" +
        ' Central) and that the agent can reach it.', failure.message)
  }
}
