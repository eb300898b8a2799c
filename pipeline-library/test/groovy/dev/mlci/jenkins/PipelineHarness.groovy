package dev.mlci.jenkins

import com.lesfurets.jenkins.unit.cps.BasePipelineTestCPS
import java.nio.file.FileSystems
import java.nio.file.Files
import java.nio.file.Path
import java.nio.file.PathMatcher

import static com.lesfurets.jenkins.unit.global.lib.LibraryConfiguration.library
import static com.lesfurets.jenkins.unit.global.lib.LocalSource.localSource

/**
 * Runs Jenkinsfiles and the mlci shared library on Groovy 2.4 with the CPS transformation
 * (JenkinsPipelineUnit's CPS mode), with the pipeline steps emulated — except sh, which really runs
 * its script with bash in the workspace, with the environment that withEnv and withCredentials
 * set. Declarative pipelines are interpreted here (stages in order, when conditions, post
 * conditions, a failed stage skips the rest), as Pipeline: Declarative does.
 *
 * Every step a pipeline calls is recorded in {@link #events}, e.g. "stage Train", "sh ...",
 * "junit mlci-out/gate/gate-junit.xml", "error mlci gate: ...".
 */
class PipelineHarness extends BasePipelineTestCPS {
  /** What a failed step throws, as Jenkins' AbortException does. */
  static class AbortException extends RuntimeException {
    AbortException(String message) {
      super(message)
    }
  }

  final List<String> events = []
  final StringBuilder log = new StringBuilder()
  final Map<String, Object> credentials = [:]
  Path workspace
  Map<String, String> environment = [:]

  private final List<Map> pipelines = []
  private final List<Map> stageContexts = []
  private final List<List<Boolean>> conditions = []
  private final List<Map> postContexts = []

  void setUp(Path workspace, Map<String, String> env) {
    this.workspace = workspace
    Path libraries = Files.createTempDirectory('mlci-libraries')
    Files.createSymbolicLink(libraries.resolve('mlci@main'), Path.of(System.getProperty('mlci.library')).toAbsolutePath())
    super.setUp()
    helper.registerSharedLibrary(library().name('mlci')
        .defaultVersion('main')
        .allowOverride(true)
        .implicit(false)
        .targetPath(libraries.toString())
        .retriever(localSource(libraries.toString()))
        .build())
    environment.putAll(env)
    binding.setVariable('env', environment)
    binding.setVariable('currentBuild', [result: null, description: null, currentResult: 'SUCCESS'])
    binding.setVariable('any', 'any')
    registerSteps()
    registerDeclarative()
  }

  Map currentBuild() {
    return binding.getVariable('currentBuild') as Map
  }

  private void event(String e) {
    events << e
  }

  private void registerSteps() {
    helper.registerAllowedMethod('sh', [String]) { String s -> shell([script: s]) }
    helper.registerAllowedMethod('sh', [Map]) { Map m -> shell(m) }
    helper.registerAllowedMethod('echo', [String]) { String s ->
      log.append(s).append('\n')
      event("echo ${s}")
    }
    helper.registerAllowedMethod('error', [String]) { String s ->
      event("error ${s}")
      throw new AbortException(s)
    }
    helper.registerAllowedMethod('unstable', [String]) { String s ->
      event("unstable ${s}")
      setResult('UNSTABLE')
    }
    helper.registerAllowedMethod('fileExists', [String]) { String f -> Files.exists(workspace.resolve(f)) }
    helper.registerAllowedMethod('readFile', [String]) { String f -> workspace.resolve(f).text }
    helper.registerAllowedMethod('readFile', [Map]) { Map m -> workspace.resolve(m.file as String).text }
    helper.registerAllowedMethod('writeFile', [Map]) { Map m ->
      Path file = workspace.resolve(m.file as String)
      Files.createDirectories(file.parent)
      file.text = m.text
    }
    // As Jenkins does: a file under the library's resources/.
    helper.registerAllowedMethod('libraryResource', [String]) { String r -> new File("resources/${r}").getText('UTF-8') }
    helper.registerAllowedMethod('junit', [Map]) { Map m -> junit(m) }
    helper.registerAllowedMethod('archiveArtifacts', [Map]) { Map m -> archive(m) }
    helper.registerAllowedMethod('archiveArtifacts', [String]) { String s -> archive([artifacts: s]) }
    helper.registerAllowedMethod('string', [Map]) { Map m -> [type: 'string'] + m }
    helper.registerAllowedMethod('usernamePassword', [Map]) { Map m -> [type: 'usernamePassword'] + m }
    helper.registerAllowedMethod('withCredentials', [List, Closure]) { List bindings, Closure body ->
      Map<String, String> vars = [:]
      for (Map b : bindings) {
        def secret = credentials[b.credentialsId]
        if (secret == null) {
          throw new AbortException("Could not find credentials entry with ID '${b.credentialsId}'")
        }
        event("withCredentials ${b.credentialsId}")
        if (b.type == 'string') {
          vars[b.variable as String] = secret as String
        } else {
          vars[b.usernameVariable as String] = (secret as Map).username as String
          vars[b.passwordVariable as String] = (secret as Map).password as String
        }
      }
      withVariables(vars, body)
    }
    helper.registerAllowedMethod('withEnv', [List, Closure]) { List<String> pairs, Closure body ->
      Map<String, String> vars = [:]
      for (String p : pairs) {
        int eq = p.indexOf('=')
        vars[p.substring(0, eq)] = p.substring(eq + 1)
      }
      withVariables(vars, body)
    }
    helper.registerAllowedMethod('timeout', [Map]) { Map m -> event("timeout ${m.time} ${m.unit}") }
    helper.registerAllowedMethod('timeout', [Map, Closure]) { Map m, Closure body -> helper.callClosure(body) }
  }

  private Object withVariables(Map<String, String> vars, Closure body) {
    Map<String, String> saved = new HashMap<>(environment)
    environment.putAll(vars)
    try {
      return helper.callClosure(body)
    } finally {
      environment.clear()
      environment.putAll(saved)
    }
  }

  private void setResult(String result) {
    Map build = currentBuild()
    List<String> order = ['SUCCESS', 'UNSTABLE', 'FAILURE']
    String now = (build.result ?: 'SUCCESS') as String
    if (order.indexOf(result) > order.indexOf(now)) {
      build.result = result
      build.currentResult = result
    }
  }

  /** sh: really runs the script with bash in the workspace. */
  private Object shell(Map m) {
    String script = m.script as String
    event("sh ${script}")
    ProcessBuilder pb = new ProcessBuilder('bash', '-c', script).directory(workspace.toFile())
    pb.environment().putAll(environment.findAll { k, v -> v != null }.collectEntries { k, v -> [(k): v as String] })
    pb.redirectErrorStream(!m.returnStdout)
    Process p = pb.start()
    String out = p.inputStream.getText('UTF-8')
    int code = p.waitFor()
    log.append(out)
    if (m.returnStatus) {
      return code
    }
    if (code != 0) {
      throw new AbortException("script returned exit code ${code}")
    }
    return m.returnStdout ? out : null
  }

  private void junit(Map m) {
    String pattern = m.testResults as String
    event("junit ${pattern}")
    List<Path> files = matching(pattern)
    if (files.isEmpty() && !m.allowEmptyResults) {
      throw new AbortException("No test report files were found for ${pattern}")
    }
    for (Path f : files) {
      def suites = new XmlSlurper().parse(f.toFile())
      int failures = 0
      suites.'**'.findAll { it.name() == 'testcase' }.each { tc ->
        if (tc.failure.size() > 0 || tc.error.size() > 0) {
          failures++
        }
      }
      if (failures > 0) {
        setResult('UNSTABLE')
      }
    }
  }

  private void archive(Map m) {
    String pattern = m.artifacts as String
    event("archiveArtifacts ${pattern}")
    if (matching(pattern).isEmpty() && !m.allowEmptyArchive) {
      throw new AbortException("No artifacts found that match the file pattern \"${pattern}\"")
    }
  }

  List<Path> matching(String pattern) {
    PathMatcher matcher = FileSystems.getDefault().getPathMatcher('glob:' + pattern)
    List<Path> found = []
    def walk = Files.walk(workspace)
    try {
      for (Path p : walk.iterator()) {
        if (Files.isRegularFile(p) && matcher.matches(workspace.relativize(p))) {
          found << p
        }
      }
    } finally {
      walk.close()
    }
    return found
  }

  // ---- declarative pipeline ----

  private void registerDeclarative() {
    helper.registerAllowedMethod('pipeline', [Closure]) { Closure body -> runPipeline(body) }
    helper.registerAllowedMethod('agent', [Object]) { Object a -> event("agent ${a}") }
    helper.registerAllowedMethod('options', [Closure]) { Closure c -> helper.callClosure(c) }
    helper.registerAllowedMethod('stages', [Closure]) { Closure c -> pipelines.last().stages = c }
    helper.registerAllowedMethod('post', [Closure]) { Closure c -> pipelines.last().post = c }
    helper.registerAllowedMethod('stage', [String, Closure]) { String name, Closure body -> runStage(name, body) }
    helper.registerAllowedMethod('steps', [Closure]) { Closure c -> stageContexts.last().steps = c }
    helper.registerAllowedMethod('when', [Closure]) { Closure c -> stageContexts.last().when = c }
    helper.registerAllowedMethod('script', [Closure]) { Closure c -> helper.callClosure(c) }
    helper.registerAllowedMethod('branch', [String]) { String pattern ->
      String name = environment.BRANCH_NAME ?: ''
      conditions.last() << FileSystems.getDefault().getPathMatcher('glob:' + pattern).matches(Path.of(name))
    }
    helper.registerAllowedMethod('changeRequest', []) { -> conditions.last() << (environment.CHANGE_ID != null) }
    helper.registerAllowedMethod('expression', [Closure]) { Closure c -> conditions.last() << (helper.callClosure(c) as boolean) }
    helper.registerAllowedMethod('allOf', [Closure]) { Closure c ->
      conditions << []
      helper.callClosure(c)
      List<Boolean> all = conditions.pop()
      conditions.last() << all.every { it }
    }
    helper.registerAllowedMethod('anyOf', [Closure]) { Closure c ->
      conditions << []
      helper.callClosure(c)
      List<Boolean> any = conditions.pop()
      conditions.last() << any.any { it }
    }
    for (String condition : ['always', 'success', 'failure', 'unstable']) {
      String name = condition
      helper.registerAllowedMethod(name, [Closure]) { Closure c -> postContexts.last()[name] = c }
    }
  }

  private void runPipeline(Closure body) {
    pipelines << [stages: null, post: null, failed: false]
    helper.callClosure(body)
    Map p = pipelines.last()
    Throwable failure = null
    try {
      helper.callClosure(p.stages as Closure)
    } catch (Throwable t) {
      failure = t
      setResult('FAILURE')
    }
    if (p.post) {
      postContexts << [:]
      helper.callClosure(p.post as Closure)
      Map post = postContexts.pop()
      String result = (currentBuild().result ?: 'SUCCESS') as String
      for (String condition : ['always', result.toLowerCase()]) {
        if (post[condition]) {
          event("post ${condition}")
          helper.callClosure(post[condition] as Closure)
        }
      }
    }
    pipelines.pop()
    if (failure != null) {
      throw failure
    }
  }

  private void runStage(String name, Closure body) {
    Map p = pipelines.last()
    if (p.failed) {
      event("stage ${name} skipped (an earlier stage failed)")
      return
    }
    stageContexts << [when: null, steps: null]
    helper.callClosure(body)
    Map stage = stageContexts.pop()
    if (stage.when) {
      conditions << []
      helper.callClosure(stage.when as Closure)
      List<Boolean> results = conditions.pop()
      if (!results.every { it }) {
        event("stage ${name} skipped (when)")
        return
      }
    }
    event("stage ${name}")
    try {
      helper.callClosure(stage.steps as Closure)
    } catch (Throwable t) {
      p.failed = true
      throw t
    }
  }

  /** Runs a Jenkinsfile; returns the exception that ended the build, or null. */
  Throwable runJenkinsfile(Path jenkinsfile) {
    try {
      runScript(jenkinsfile.toAbsolutePath().toString())
      return null
    } catch (Throwable t) {
      setResult('FAILURE')
      return t
    }
  }

  /** The stage and step events, without sh lines: the pipeline's shape. */
  List<String> shape() {
    return events.findAll { !it.startsWith('sh ') && !it.startsWith('echo ') }
  }
}
