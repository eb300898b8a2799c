package dev.mlci.jenkins

import dev.mlci.cli.github.FakeGitHub
import java.nio.file.Files
import java.nio.file.Path
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
 * Each example's Jenkinsfile and the library's steps, end to end with the real mlci CLI on the
 * example repositories, on Groovy 2.4 with the CPS transformation (see PipelineHarness).
 */
class JenkinsfileTest {
  @Rule
  public TemporaryFolder tmp = new TemporaryFolder()

  static final String JAR = new File(System.getProperty('mlci.jar')).absolutePath
  static final Path EXAMPLES = Path.of(System.getProperty('mlci.examples')).toAbsolutePath()

  FakeGitHub github
  PipelineHarness pipeline

  @Before
  void start() {
    github = new FakeGitHub()
  }

  @After
  void stop() {
    github.close()
  }

  static String run(Path dir, List<String> command) {
    ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
    pb.environment().put('GIT_AUTHOR_NAME', 't')
    pb.environment().put('GIT_AUTHOR_EMAIL', 't@example.com')
    pb.environment().put('GIT_COMMITTER_NAME', 't')
    pb.environment().put('GIT_COMMITTER_EMAIL', 't@example.com')
    Process p = pb.start()
    String out = p.inputStream.getText('UTF-8')
    assertEquals("${command}: ${out}".toString(), 0, p.waitFor())
    return out
  }

  static String git(Path dir, String... args) {
    return run(dir, ['git'] + (args as List))
  }

  static String mlci(Path dir, String... args) {
    return run(dir, [System.getProperty('java.home') + '/bin/java', '-jar', JAR] + (args as List))
  }

  /**
   * A workspace as a multibranch job checks it out: the example under git with a bare origin,
   * main pushed and, with {@code baseline}, main's evaluation recorded and pushed as a git note.
   */
  Path repository(String example, boolean baseline) {
    Path root = tmp.newFolder(example).toPath()
    Path origin = root.resolve('origin.git')
    git(root, 'init', '-q', '--bare', '-b', 'main', origin.toString())
    Path repo = root.resolve('workspace')
    Files.createDirectories(repo)
    Path source = EXAMPLES.resolve(example)
    source.toFile().eachFileRecurse { File f ->
      Path rel = source.relativize(f.toPath())
      if (!rel.toString().startsWith('mlci-out') && f.isFile()) {
        Path target = repo.resolve(rel.toString())
        Files.createDirectories(target.parent)
        Files.copy(f.toPath(), target)
      }
    }
    repo.resolve('.gitignore').text = 'mlci-out/\n'
    git(repo, 'init', '-q', '-b', 'main')
    git(repo, 'add', '-A')
    git(repo, 'commit', '-q', '-m', 'model')
    git(repo, 'remote', 'add', 'origin', origin.toString())
    git(repo, 'push', '-q', 'origin', 'main')
    if (baseline) {
      mlci(repo, 'run', '.', '-q')
      mlci(repo, 'baseline', 'record', '.', '--push', '-q')
    }
    return repo
  }

  Map<String, String> env(Map<String, String> extra) {
    Map<String, String> env = [
        MLCI_JAR    : JAR,
        JAVA_HOME   : System.getProperty('java.home'),
        HOME        : tmp.root.absolutePath,
        BUILD_NUMBER: '1',
        JOB_NAME    : 'ml/main',
        GITHUB_API_URL: github.url().toString()]
    env.putAll(extra)
    return env
  }

  static Map<String, String> pullRequest(int number) {
    return [BRANCH_NAME  : "PR-${number}".toString(),
            CHANGE_ID    : "${number}".toString(),
            CHANGE_TARGET: 'main',
            CHANGE_URL   : "https://github.com/acme/breast-cancer/pull/${number}".toString(),
            MLCI_GITHUB_CREDENTIALS_ID: 'github-token']
  }

  PipelineHarness harness(Path workspace, Map<String, String> env) {
    PipelineHarness h = new PipelineHarness()
    h.setUp(workspace, env)
    h.credentials['github-token'] = FakeGitHub.WRITE_TOKEN
    pipeline = h
    return h
  }

  /** A pull request that keeps the model: PASS, one report comment, the main-only stages skipped. */
  @Test
  void aPullRequestThatKeepsTheModelPasses() {
    Path repo = repository('breast-cancer', true)
    git(repo, 'checkout', '-q', '-b', 'feature')
    repo.resolve('ml.yaml').text = repo.resolve('ml.yaml').text.replace('# Binary', '# (reworded) Binary')
    git(repo, 'commit', '-q', '-am', 'reword')
    PipelineHarness h = harness(repo, env(pullRequest(7)))

    Throwable failure = h.runJenkinsfile(repo.resolve('Jenkinsfile'))

    assertNull(h.log.toString(), failure)
    assertEquals([
        'agent any',
        'timeout 30 MINUTES',
        'stage Train',
        'archiveArtifacts mlci-out/model/**',
        'stage Evaluate',
        'archiveArtifacts mlci-out/eval/**',
        'stage Gate',
        'junit mlci-out/gate/gate-junit.xml',
        'archiveArtifacts mlci-out/gate/**',
        'withCredentials github-token',
        'stage Baseline skipped (when)',
        'stage Image skipped (when)',
        'post always'], h.shape())
    assertTrue(h.currentBuild().description as String, (h.currentBuild().description as String).startsWith('mlci gate: PASS'))
    assertNull(h.currentBuild().result)
    List<String> comments = github.bodies('acme/breast-cancer', 7)
    assertEquals(1, comments.size())
    assertTrue(comments[0].startsWith('<!-- mlci-report: breast-cancer -->'))
    // The library ran the real CLI through the launcher (AppCDS): mlci.jar train ... --json.
    assertTrue(h.events.any {
      it.startsWith("sh MLCI_JAR='${JAR}' MLCI_JAVA='${System.getProperty('java.home')}/bin/java' bash '") &&
          it.contains("/.cache/mlci/launcher/") && it.contains("/mlci' 'train' '.'")
    })
  }

  /** A pull request that degrades the model: the build fails with the gate's message. */
  @Test
  void aPullRequestThatDegradesTheModelFailsWithTheGatesMessage() {
    Path repo = repository('breast-cancer', true)
    git(repo, 'checkout', '-q', '-b', 'degrade')
    repo.resolve('ml.yaml').text = repo.resolve('degraded.ml.yaml').text
    git(repo, 'commit', '-q', '-am', 'degrade')
    PipelineHarness h = harness(repo, env(pullRequest(8)))

    Throwable failure = h.runJenkinsfile(repo.resolve('Jenkinsfile'))

    assertNotNull(failure)
    assertTrue(failure.message, failure.message.startsWith('mlci gate: FAIL'))
    assertEquals('FAILURE', h.currentBuild().result)
    assertEquals([
        'agent any',
        'timeout 30 MINUTES',
        'stage Train',
        'archiveArtifacts mlci-out/model/**',
        'stage Evaluate',
        'archiveArtifacts mlci-out/eval/**',
        'stage Gate',
        'junit mlci-out/gate/gate-junit.xml',
        'archiveArtifacts mlci-out/gate/**',
        'withCredentials github-token',
        "error ${failure.message}".toString(),
        'post always'], h.shape())
    assertTrue(github.bodies('acme/breast-cancer', 8)[0].contains('FAIL'))
  }

  /** main: every example trains, evaluates, gates against main and pushes its baseline note. */
  @Test
  void everyExampleJenkinsfileRunsOnMain() {
    for (String example : ['breast-cancer', 'iris', 'wine', 'diabetes', 'breast-cancer-mlp']) {
      Path repo = repository(example, false)
      PipelineHarness h = harness(repo, env([BRANCH_NAME: 'main']))

      Throwable failure = h.runJenkinsfile(repo.resolve('Jenkinsfile'))

      assertNull("${example}: ${h.log}".toString(), failure)
      assertEquals(example, [
          'agent any',
          'timeout 30 MINUTES',
          'stage Train',
          'archiveArtifacts mlci-out/model/**',
          'stage Evaluate',
          'archiveArtifacts mlci-out/eval/**',
          'stage Gate skipped (when)',
          'stage Baseline',
          'junit mlci-out/gate/gate-junit.xml',
          'archiveArtifacts mlci-out/gate/**',
          'stage Image skipped (when)',
          'post always'], h.shape())
      String notes = git(repo, 'ls-remote', 'origin', 'refs/notes/mlci')
      assertTrue("${example}: the baseline note was pushed".toString(), notes.contains('refs/notes/mlci'))
      assertTrue(h.log.toString(), h.log.toString().contains('mlci baseline record: '))
    }
  }

  /** An INCONCLUSIVE gate marks the build UNSTABLE instead of failing it. */
  @Test
  void anInconclusiveGateMarksTheBuildUnstable() {
    Path repo = repository('breast-cancer', false)
    // A weak model, retrained with another seed, gated with no tolerance: the change of its ROC AUC
    // is within test-set noise ([-0.0050, +0.0407] here), so the gate cannot tell.
    String weak = """name: breast-cancer
task: classification
data:
  path: data/breast_cancer.csv
  target: diagnosis
  id: sample_id
  positive_class: malignant
  features: [mean texture, mean smoothness, mean symmetry, worst texture, worst smoothness]
model:
  trainer: logistic-sgd
  seed: 42
  params:
    epochs: 20
gate:
  rules:
    - metric: roc_auc
      max_drop: 0
"""
    repo.resolve('ml.yaml').text = weak
    git(repo, 'commit', '-q', '-am', 'weak model')
    git(repo, 'push', '-q', 'origin', 'main')
    mlci(repo, 'run', '.', '-q')
    mlci(repo, 'baseline', 'record', '.', '--push', '-q')
    git(repo, 'checkout', '-q', '-b', 'reseed')
    repo.resolve('ml.yaml').text = weak.replace('  seed: 42', '  seed: 7')
    git(repo, 'commit', '-q', '-am', 'reseed')
    PipelineHarness h = harness(repo, env(pullRequest(9)))

    Throwable failure = h.runJenkinsfile(repo.resolve('Jenkinsfile'))

    assertNull(h.log.toString(), failure)
    assertEquals(h.log.toString(), 'UNSTABLE', h.currentBuild().result)
    assertTrue(h.events.any { it.startsWith('unstable mlci gate: INCONCLUSIVE') })
  }
}
