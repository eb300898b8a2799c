package dev.mlci.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/** Runs the packaged mlci CLI and the Python reference tools for the end-to-end tests. */
final class Tools {
  static final ObjectMapper JSON = new ObjectMapper();

  private Tools() {}

  /**
   * The lock of the test classes that run act: with {@code -P ubuntu-latest=-self-hosted} act works
   * in directories of this machine's user that two runs would share, so these classes never run at
   * the same time ({@code @ResourceLock(Tools.ACT)}) while other classes do
   * (example-repos/pom.xml).
   */
  static final String ACT = "act";

  /** The example repositories' folder. */
  static Path examples() {
    return Path.of(System.getProperty("mlci.examples", ".")).toAbsolutePath();
  }

  /**
   * A fresh copy of example {@code name} (its ml.yaml and data) under {@code tmp}, so tests never
   * write into the source tree.
   */
  static Path copyExample(String name, Path tmp) throws IOException {
    Path source = examples().resolve(name);
    Path target = tmp.resolve(name);
    try (Stream<Path> walk = Files.walk(source)) {
      for (Path p : (Iterable<Path>) walk.sorted(Comparator.naturalOrder())::iterator) {
        Path rel = source.relativize(p);
        if (rel.startsWith("mlci-out")) {
          continue;
        }
        Path dest = target.resolve(rel.toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(dest);
        } else {
          Files.copy(p, dest);
        }
      }
    }
    return target;
  }

  /**
   * Commits every file of {@code repo} (a git repository on branch main is created first when there
   * is none); the caller closes the returned handle.
   */
  static org.eclipse.jgit.api.Git commitAll(Path repo, String message) throws Exception {
    org.eclipse.jgit.api.Git git =
        Files.exists(repo.resolve(".git"))
            ? org.eclipse.jgit.api.Git.open(repo.toFile())
            : org.eclipse.jgit.api.Git.init()
                .setDirectory(repo.toFile())
                .setInitialBranch("main")
                .call();
    git.add().addFilepattern(".").call();
    git.commit()
        .setAll(true)
        .setMessage(message)
        .setAuthor("t", "t@example.com")
        .setCommitter("t", "t@example.com")
        .call();
    return git;
  }

  /** Result of a process. */
  record Result(int exit, String out, String err) {
    JsonNode json() {
      return JSON.readTree(out);
    }
  }

  /** Runs {@code java -jar mlci.jar args}. */
  static Result mlci(String... args) throws IOException, InterruptedException {
    return mlci(java.util.Map.of(), args);
  }

  /** Runs {@code java -jar mlci.jar args} with {@code env} added to the environment. */
  static Result mlci(java.util.Map<String, String> env, String... args)
      throws IOException, InterruptedException {
    Path jar = Path.of(System.getProperty("mlci.jar", "../action-runner/target/mlci.jar"));
    assertThat(jar).as("the packaged CLI (built by the action-runner module)").exists();
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-jar");
    cmd.add(jar.toString());
    cmd.addAll(List.of(args));
    return exec(cmd, Path.of("."), env);
  }

  static Result exec(List<String> cmd, Path dir) throws IOException, InterruptedException {
    return exec(cmd, dir, java.util.Map.of());
  }

  static Result exec(List<String> cmd, Path dir, java.util.Map<String, String> env)
      throws IOException, InterruptedException {
    Path out = Files.createTempFile("mlci-out", ".txt");
    Path err = Files.createTempFile("mlci-err", ".txt");
    try {
      ProcessBuilder builder =
          new ProcessBuilder(cmd)
              .directory(dir.toFile())
              .redirectOutput(out.toFile())
              .redirectError(err.toFile());
      builder.environment().putAll(env);
      Process p = builder.start();
      if (!p.waitFor(10, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        throw new AssertionError("timed out: " + cmd);
      }
      return new Result(
          p.exitValue(),
          Files.readString(out, StandardCharsets.UTF_8),
          Files.readString(err, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }

  /**
   * The Python interpreter with scikit-learn, or an aborted test when it is missing and {@code
   * MLCI_REQUIRE_PYTHON} is unset. CI sets it (in .ci/run), so there a missing Python fails
   * instead.
   */
  static String python() throws IOException, InterruptedException {
    return pythonWith(
        "sklearn, onnxruntime, pandas, statsmodels",
        "scikit-learn, statsmodels, pandas and onnxruntime are needed for this cross-check");
  }

  /**
   * The Python interpreter ({@code MLCI_PYTHON}, default {@code python3}) if {@code import modules}
   * works in it, or an aborted test saying {@code why} and how to install; with {@code
   * MLCI_REQUIRE_PYTHON} set (CI), a failed test instead. The skip is printed too, since Maven's
   * summary counts skips without saying why.
   */
  static String pythonWith(String modules, String why) throws IOException, InterruptedException {
    String python = System.getenv().getOrDefault("MLCI_PYTHON", "python3");
    Result probe;
    try {
      probe = exec(List.of(python, "-c", "import " + modules), Path.of("."));
    } catch (IOException e) {
      probe = new Result(127, "", e.getMessage());
    }
    if (probe.exit() != 0) {
      String[] lines = probe.err().strip().split("\n");
      skipOrFail(
          "MLCI_REQUIRE_PYTHON",
          why
              + " ("
              + python
              + ": "
              + lines[lines.length - 1]
              + "). Install: python3 -m pip install -r .ci/requirements.txt");
    }
    return python;
  }

  /** A class's check for the tools its tests need: returns, or aborts via {@link #skipOrFail}. */
  interface ToolCheck {
    void run() throws Exception;
  }

  /**
   * For {@code @BeforeAll}: the reason the class's tests are to be skipped, or null when its tools
   * are there. A class aborted in {@code @BeforeAll} is reported by Maven as "Tests run: 0"; with
   * the reason kept and each test skipped in {@code @BeforeEach} ({@link #skipIf}), every test is
   * counted as skipped.
   */
  static String skipReason(ToolCheck check) throws Exception {
    try {
      check.run();
      return null;
    } catch (org.opentest4j.TestAbortedException e) {
      return e.getMessage();
    }
  }

  /**
   * For {@code @BeforeEach}: skips the test when {@code reason} (from {@link #skipReason}) is set.
   */
  static void skipIf(String reason) {
    Assumptions.assumeTrue(reason == null, reason);
  }

  /**
   * Skips the calling test (or class, from {@code @BeforeAll}) with {@code why}, printed as a line
   * of its own so the build log says what did not run; when the environment variable {@code
   * require} is set, as .ci/run sets them, fails instead.
   */
  static void skipOrFail(String require, String why) {
    if (System.getenv(require) != null) {
      throw new AssertionError(why + " [" + require + " is set, so this is a failure]");
    }
    String caller =
        StackWalker.getInstance()
            .walk(
                frames ->
                    frames
                        .map(StackWalker.StackFrame::getClassName)
                        .filter(c -> !c.equals(Tools.class.getName()))
                        .findFirst()
                        .orElse("?"));
    System.out.println(
        "[SKIPPED] "
            + caller.substring(caller.lastIndexOf('.') + 1)
            + ": "
            + why
            + " (set "
            + require
            + "=1 to make this a failure)");
    Assumptions.abort(why);
  }

  /**
   * The Python interpreter with MLflow and its {@code [auth]} extra (the basic-auth test server
   * needs Flask-WTF), and the {@code mlflow} command on the PATH; or an aborted test when missing
   * and {@code MLCI_REQUIRE_PYTHON} is unset; CI sets it, so there it fails.
   */
  static String mlflowPython() throws IOException, InterruptedException {
    String python =
        pythonWith(
            "sklearn, onnxruntime, pandas, mlflow, flask_wtf",
            "MLflow with its [auth] extra (mlflow[auth]) is needed for the MLflow tests");
    Result probe;
    try {
      probe = exec(List.of("sh", "-c", "command -v mlflow"), Path.of("."));
    } catch (IOException e) {
      probe = new Result(127, "", e.getMessage());
    }
    if (probe.exit() != 0) {
      skipOrFail(
          "MLCI_REQUIRE_PYTHON",
          "the mlflow command is not on the PATH although "
              + python
              + " imports mlflow; install: python3 -m pip install -r .ci/requirements.txt");
    }
    return python;
  }

  /** Runs {@code src/test/python/mlflow_check.py args} and parses its JSON. */
  static JsonNode mlflowCheck(String... args) throws IOException, InterruptedException {
    return mlflowCheck(java.util.Map.of(), args);
  }

  /** {@link #mlflowCheck(String...)} with {@code env} added, e.g. MLflow's credentials. */
  static JsonNode mlflowCheck(java.util.Map<String, String> env, String... args)
      throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(mlflowPython());
    cmd.add(examples().resolve("src/test/python/mlflow_check.py").toString());
    cmd.addAll(List.of(args));
    Result r = exec(cmd, Path.of("."), env);
    assertThat(r.exit()).as(r.err()).isZero();
    return JSON.readTree(r.out());
  }

  /**
   * Skips the test unless docker-registry, podman and runc are installed; with {@code
   * MLCI_REQUIRE_CONTAINERS} set (as CI sets it), fails instead.
   */
  static void requireContainers() throws IOException, InterruptedException {
    for (String tool : List.of("docker-registry", "podman", "runc")) {
      Result r = exec(List.of("sh", "-c", "command -v " + tool), Path.of("."));
      if (r.exit() != 0) {
        skipOrFail(
            "MLCI_REQUIRE_CONTAINERS",
            tool
                + " is needed for the image tests; install: apt-get install docker-registry podman"
                + " runc");
      }
    }
  }

  /** Runs the reference script and parses its JSON. */
  static JsonNode crosscheck(String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(python());
    cmd.add(examples().resolve("src/test/python/crosscheck.py").toString());
    cmd.addAll(List.of(args));
    Result r = exec(cmd, Path.of("."));
    assertThat(r.exit()).as(r.err()).isZero();
    return JSON.readTree(r.out());
  }

  /**
   * The interpreter for a V2 client check ({@code triton} and {@code spec}: tritonclient[http] and
   * openapi-schema-validator from .ci/requirements.txt; {@code kserve}: the kserve SDK in its own
   * venv, .ci/requirements-kserve.txt, since its pandas pin clashes with MLflow's), or an aborted
   * test when missing and {@code MLCI_REQUIRE_PYTHON} is unset.
   */
  static String v2ClientPython(String client) throws IOException, InterruptedException {
    String python;
    String modules;
    if (client.equals("kserve")) {
      Path venv = examples().getParent().resolve(".ci/venv-kserve/bin/python").normalize();
      python = System.getenv().getOrDefault("MLCI_KSERVE_PYTHON", venv.toString());
      modules = "kserve, numpy, httpx";
    } else {
      python = System.getenv().getOrDefault("MLCI_PYTHON", "python3");
      modules = "tritonclient.http, numpy, yaml, openapi_schema_validator";
    }
    Result probe;
    try {
      probe = exec(List.of(python, "-c", "import " + modules), Path.of("."));
    } catch (IOException e) {
      probe = new Result(127, "", e.getMessage());
    }
    if (probe.exit() != 0) {
      String why =
          "the "
              + client
              + " V2 client check needs Python with "
              + modules
              + " ("
              + python
              + ": "
              + probe.err().strip().lines().reduce((a, b) -> b).orElse("")
              + "). Install: "
              + (client.equals("kserve")
                  ? "python3 -m venv .ci/venv-kserve && .ci/venv-kserve/bin/pip install -r"
                      + " .ci/requirements-kserve.txt (or set MLCI_KSERVE_PYTHON)"
                  : "python3 -m pip install -r .ci/requirements.txt");
      if (System.getenv("MLCI_REQUIRE_PYTHON") != null) {
        throw new AssertionError(why);
      }
      System.out.println("SKIPPED: " + why);
      Assumptions.abort(why);
    }
    return python;
  }

  /**
   * Runs {@code src/test/python/v2_clients.py client} against {@code url} with the evaluated {@code
   * cases}; the names of the checks that failed, with their details, and prints each check.
   */
  static List<String> v2Clients(String client, String url, JsonNode cases, Path tmp)
      throws IOException, InterruptedException {
    String python = v2ClientPython(client);
    Path file = Files.createTempFile(tmp, "cases-", ".json");
    Files.write(file, JSON.writeValueAsBytes(cases));
    Result r =
        exec(
            List.of(
                python,
                examples().resolve("src/test/python/v2_clients.py").toString(),
                client,
                "--url",
                url,
                "--cases",
                file.toString(),
                "--spec",
                examples()
                    .resolve(
                        "src/test/resources/conformance/open-inference-protocol/open_inference_rest.yaml")
                    .toString()),
            Path.of("."));
    assertThat(r.exit()).as(r.err()).isZero();
    JsonNode checks = r.json().path("checks");
    assertThat(checks.size()).as(client + " checks run").isGreaterThan(5);
    List<String> failed = new ArrayList<>();
    for (JsonNode c : checks) {
      boolean ok = c.path("passed").asBoolean();
      String line = c.path("name").asString() + ": " + c.path("detail").asString();
      System.out.println(client + (ok ? " ok   " : " FAIL ") + line);
      if (!ok) {
        failed.add(line);
      }
    }
    return failed;
  }
}
