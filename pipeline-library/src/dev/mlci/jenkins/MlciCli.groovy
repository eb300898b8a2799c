package dev.mlci.jenkins

import com.cloudbees.groovy.cps.NonCPS

/**
 * Runs the mlci CLI on the agent for the library's steps: finds Java and mlci.jar (fetching and
 * caching the jar once per agent when it is given as a URL), runs a command with --json, and
 * returns its exit code and parsed summary. Failures the user can fix end the build with a
 * message saying what to configure.
 *
 * Every method that calls a pipeline step is CPS code: no closures passed to Groovy collection
 * methods here; pure helpers are @NonCPS.
 */
class MlciCli implements Serializable {
  private static final long serialVersionUID = 1L

  /**
   * Tells the CLI who runs it, so that its fixes name this library's steps and parameters
   * (mlEvaluate(), mlContainerize(base: ...)) instead of the CLI's commands and flags.
   */
  static final String FACE = 'MLCI_FACE=jenkins'

  /** Where a jar given as a URL is cached on the agent, under a digest of the URL. */
  static final String CACHE = '.cache/mlci/jars'

  /**
   * The mlci launcher, a library resource (a copy of the repository's ./mlci): it runs the jar with
   * an AppCDS archive beside it, made by the first run of each command on the agent (MLCI_CDS=0 on
   * the agent turns it off).
   */
  static final String LAUNCHER = 'dev/mlci/jenkins/mlci'

  private final def steps
  private String java
  private String jar
  private String launcher

  MlciCli(def steps) {
    this.steps = steps
  }

  /** The arguments every command takes: DIR, --config, --out, plain progress lines for the log. */
  @NonCPS
  static List<String> common(Map args) {
    List<String> a = [(args.dir ?: '.') as String]
    if (args.config) {
      a << '--config' << (args.config as String)
    }
    if (args.out) {
      a << '--out' << (args.out as String)
    }
    a << '--progress' << 'plain'
    return a
  }

  /** The output directory, relative to the workspace, for archiving. */
  @NonCPS
  static String outDir(Map args) {
    if (args.out) {
      return args.out as String
    }
    String dir = (args.dir ?: '.') as String
    return dir == '.' ? 'mlci-out' : "${dir}/mlci-out"
  }

  /**
   * Runs {@code mlci <args> --json}; returns [exit: code, summary: the JSON summary as a Map].
   * Exit codes 2 and 3 end the build with mlci's message.
   */
  Map run(List<String> args, Map options) {
    resolve(options)
    String json = ".mlci-${UUID.randomUUID()}.json"
    String command = "${cli()} ${quoteAll(args)} --json > ${quote(json)}"
    int status = 0
    steps.withEnv([FACE]) {
      status = steps.sh(script: command, returnStatus: true) as int
    }
    String text = steps.fileExists(json) ? steps.readFile(json) : ''
    steps.sh(script: "rm -f ${quote(json)}")
    Map summary = parse(text)
    if (status >= 2 || summary == null) {
      steps.error("mlci ${args[0]} failed (exit ${status}): ${errorMessage(summary)}")
    }
    return [exit: status, summary: summary]
  }

  /** Runs {@code mlci <args>} without --json (for commands that report through the log). */
  int runPlain(List<String> args, Map options) {
    resolve(options)
    int status = 0
    steps.withEnv([FACE]) {
      status = steps.sh(script: "${cli()} ${quoteAll(args)}", returnStatus: true) as int
    }
    return status
  }

  private void resolve(Map options) {
    if (java == null) {
      java = findJava(options)
    }
    if (jar == null) {
      jar = findJar(options)
    }
    if (launcher == null) {
      launcher = installLauncher()
    }
  }

  /** How a command starts: the launcher, given this jar and this java. */
  private String cli() {
    return "MLCI_JAR=${quote(jar)} MLCI_JAVA=${quote(java)} bash ${quote(launcher)}"
  }

  /** The launcher, written once per agent under HOME (never into the workspace: git would see it). */
  private String installLauncher() {
    String text = steps.libraryResource(LAUNCHER) as String
    String home = (steps.env.HOME ?: '/tmp') as String
    String path = "${home}/.cache/mlci/launcher/${digest(text)}/mlci"
    if (!steps.fileExists(path)) {
      steps.writeFile(file: path, text: text)
    }
    return path
  }

  private String findJava(Map options) {
    String home = (options.javaHome ?: steps.env.MLCI_JAVA_HOME ?: steps.env.JAVA_HOME) as String
    String candidate = home ? "${home}/bin/java" : 'java'
    int status = steps.sh(script: "${quote(candidate)} -version > /dev/null 2>&1", returnStatus: true) as int
    if (status != 0) {
      steps.error("mlci needs Java 17 or newer on the agent, and '${candidate}' does not run."
          + " Install a JDK on the agent, add tools { jdk 'jdk17' } to the pipeline,"
          + " or pass javaHome: to the step.")
    }
    return candidate
  }

  /**
   * mlci.jar: the step's jar: parameter, else MLCI_JAR, each a path on the agent, a URL (https,
   * http, file) to fetch once per agent, or a Maven coordinate (dev.mlci:mlci-cli:X.Y.Z:all)
   * resolved from the Maven repository mavenRepo: / MLCI_MAVEN_REPO names (default Maven Central)
   * and checked against the repository's published checksum (.sha256, else .sha1) or the SHA-256
   * pinned by jarSha256: / MLCI_JAR_SHA256.
   */
  private String findJar(Map options) {
    String configured = (options.jar ?: steps.env.MLCI_JAR) as String
    if (!configured) {
      steps.error('mlci.jar is not configured. Set the global environment variable MLCI_JAR'
          + ' (Manage Jenkins > System > Global properties) to the Maven coordinate of the runnable jar,'
          + ' e.g. dev.mlci:mlci-cli:0.1.0:all (resolved from MLCI_MAVEN_REPO, default Maven Central),'
          + ' to a URL, or to its path on the agents; or pass jar: to the step. See mlci\'s docs/jenkins.md.')
    }
    String sha256 = (options.jarSha256 ?: steps.env.MLCI_JAR_SHA256 ?: '') as String
    if (sha256 && !(sha256 ==~ /^[0-9a-fA-F]{64}$/)) {
      steps.error("MLCI_JAR_SHA256 is '${sha256}', not a SHA-256 (64 hex digits):"
          + ' set it to the sha256sum of the jar, or unset it.')
    }
    String url = configured
    boolean coordinate = false
    if (isCoordinate(configured)) {
      String repo = (options.mavenRepo ?: steps.env.MLCI_MAVEN_REPO ?: CENTRAL) as String
      url = mavenUrl(repo, configured)
      coordinate = true
    } else if (!isUrl(configured)) {
      if (!steps.fileExists(configured)) {
        steps.error("MLCI_JAR is '${configured}', and there is no such file on this agent."
            + ' Install mlci.jar there, or set MLCI_JAR to its Maven coordinate (dev.mlci:mlci-cli:X.Y.Z:all)'
            + ' or a URL to fetch it from.')
      }
      return configured
    }
    String home = (steps.env.HOME ?: '/tmp') as String
    String dir = "${home}/${CACHE}/${digest(sha256 ? url + '#' + sha256.toLowerCase() : url)}"
    String cached = "${dir}/mlci.jar"
    if (steps.fileExists(cached)) {
      return cached
    }
    String part = "${cached}.part-${UUID.randomUUID()}"
    int status = steps.sh(script: fetchScript(url, dir, part, cached, sha256, coordinate), returnStatus: true) as int
    if (status != 0) {
      steps.sh(script: "rm -f ${quote(part)}", returnStatus: true)
      steps.error(fetchError(status, configured, url, sha256))
    }
    return cached
  }

  /** Maven Central, where a coordinate is resolved when MLCI_MAVEN_REPO is not set. */
  static final String CENTRAL = 'https://repo.maven.apache.org/maven2'

  /** group:artifact:version[:classifier], the jar in a Maven repository. */
  @NonCPS
  static boolean isCoordinate(String s) {
    return s ==~ /^[A-Za-z0-9_.-]+:[A-Za-z0-9_.-]+:[A-Za-z0-9_.-]+(:[A-Za-z0-9_.-]+)?$/
  }

  /** The jar's URL in the repository's standard layout. */
  @NonCPS
  static String mavenUrl(String repo, String coordinate) {
    String[] p = coordinate.split(':')
    String file = "${p[1]}-${p[2]}${p.length > 3 ? '-' + p[3] : ''}.jar"
    String base = repo.endsWith('/') ? repo.substring(0, repo.length() - 1) : repo
    return "${base}/${p[0].replace('.', '/')}/${p[1]}/${p[2]}/${file}"
  }

  /**
   * Fetches the jar to PART, checks it (a coordinate always: the pinned SHA-256, else the
   * repository's .sha256, else its .sha1; a URL when a SHA-256 is pinned) with the agent's
   * sha256sum/sha1sum, then moves it into the cache. Exit 10: fetch failed; 11: the repository
   * publishes no checksum; 12: the checksum differs.
   */
  @NonCPS
  static String fetchScript(String url, String dir, String part, String cached, String sha256, boolean coordinate) {
    String check = ''
    if (sha256) {
      check = "algo=sha256; want=${quote(sha256.toLowerCase())}\n"
    } else if (coordinate) {
      check = "if want=\$(curl -fsSL ${quote(url + '.sha256')} 2>/dev/null); then algo=sha256\n" +
          "elif want=\$(curl -fsSL ${quote(url + '.sha1')} 2>/dev/null); then algo=sha1\n" +
          "else exit 11; fi\n"
    }
    String verify = check ? (check +
        'want=$(printf "%s" "$want" | awk \'{print tolower($1)}\')\n' +
        "got=\$(\${algo}sum ${quote(part)} | awk '{print \$1}')\n" +
        'if [ "$want" != "$got" ]; then echo "mlci: the $algo of the fetched jar is $got, not $want" >&2; exit 12; fi\n') : ''
    return "mkdir -p ${quote(dir)} || exit 10\n" +
        "curl -fsSL --retry 3 -o ${quote(part)} ${quote(url)} || exit 10\n" +
        verify +
        "mv ${quote(part)} ${quote(cached)}"
  }

  @NonCPS
  static String fetchError(int status, String configured, String url, String sha256) {
    switch (status) {
      case 11:
        return "the Maven repository publishes no checksum for ${url} (neither .sha256 nor .sha1):" +
            ' set MLCI_JAR_SHA256 to the jar\'s SHA-256 (the release page lists it).'
      case 12:
        return "mlci.jar fetched from ${url} does not match its " +
            (sha256 ? 'pinned MLCI_JAR_SHA256' : "repository's checksum") +
            ' (see the log above); nothing was cached. Check MLCI_JAR and MLCI_MAVEN_REPO point at the' +
            ' published artifact.'
      default:
        return "could not fetch mlci.jar from ${url} (MLCI_JAR '${configured}'):" +
            ' check the URL (for a coordinate, MLCI_MAVEN_REPO, default Maven Central) and that the agent can reach it.'
    }
  }

  /**
   * Posts the gate report as the sticky pull-request comment, through mlci, when a GitHub token
   * credential is configured (githubCredentialsId:, or MLCI_GITHUB_CREDENTIALS_ID) and the build
   * is a multibranch pull request (CHANGE_ID). A failure to post is logged, never fatal.
   */
  void postReport(Map args, String out) {
    String credentialsId = (args.githubCredentialsId ?: steps.env.MLCI_GITHUB_CREDENTIALS_ID) as String
    String pr = steps.env.CHANGE_ID as String
    if (!credentialsId || !pr) {
      return
    }
    String repository = (args.githubRepository ?: repositoryOf(steps.env.CHANGE_URL as String)) as String
    if (!repository) {
      steps.echo("mlci: no pull-request comment: cannot tell the GitHub repository from CHANGE_URL"
          + " '${steps.env.CHANGE_URL}'; pass githubRepository: 'owner/name'")
      return
    }
    String api = (args.githubApiUrl ?: steps.env.GITHUB_API_URL ?: 'https://api.github.com') as String
    List<String> env = [
        'INPUT_COMMAND=comment',
        "INPUT_PR_NUMBER=${pr}".toString(),
        "INPUT_WORKING_DIRECTORY=${(args.dir ?: '.')}".toString(),
        "INPUT_REPORT=${out}/gate/gate.md".toString(),
        "GITHUB_REPOSITORY=${repository}".toString(),
        "GITHUB_API_URL=${api}".toString()]
    if (args.out) {
      env << "INPUT_OUT=${args.out}".toString()
    }
    steps.withCredentials([steps.string(credentialsId: credentialsId, variable: 'INPUT_GITHUB_TOKEN')]) {
      steps.withEnv(env) {
        int status = runPlain(['github-action'], args)
        if (status != 0) {
          steps.echo("mlci: posting the pull-request report failed (exit ${status});"
              + ' the report is archived with the build')
        }
      }
    }
  }

  /** owner/name from a pull request's URL (https://github.com/owner/name/pull/7), or null. */
  @NonCPS
  static String repositoryOf(String changeUrl) {
    def m = (changeUrl ?: '') =~ /^https?:\/\/[^\/]+\/([^\/]+\/[^\/]+)\/pull\/\d+/
    return m.find() ? m.group(1) : null
  }

  /** metric=value pairs, four decimals, for log lines. */
  @NonCPS
  static String describe(Map metrics) {
    return metrics.collect { k, v -> "${k}=${String.format(Locale.ROOT, '%.4f', v as double)}" }.join(', ')
  }

  @NonCPS
  static boolean isUrl(String s) {
    return s ==~ /^(https?|file):\/\/.+/
  }

  @NonCPS
  static String digest(String s) {
    def sha = java.security.MessageDigest.getInstance('SHA-256')
    return sha.digest(s.getBytes('UTF-8')).encodeHex().toString().substring(0, 16)
  }

  /** Single-quotes a shell word. */
  @NonCPS
  static String quote(String s) {
    return "'" + s.replace("'", "'\"'\"'") + "'"
  }

  @NonCPS
  static String quoteAll(List<String> words) {
    return words.collect { quote(it as String) }.join(' ')
  }

  @NonCPS
  static Map parse(String text) {
    if (!text?.trim()) {
      return null
    }
    def value = new groovy.json.JsonSlurperClassic().parseText(text)
    return value instanceof Map ? (Map) value : null
  }

  @NonCPS
  static String errorMessage(Map summary) {
    if (summary == null) {
      return 'no output; see the log above'
    }
    def error = summary.error
    return error instanceof Map ? (error.message as String) : 'see the log above'
  }
}
