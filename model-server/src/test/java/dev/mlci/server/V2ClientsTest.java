package dev.mlci.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * The server in process, driven by V2 clients nobody here wrote -- {@code tritonclient[http]} and
 * the kserve SDK, with their defaults (binary tensors) and JSON-only options -- and every response
 * shape checked against the Open Inference Protocol's OpenAPI file ({@code
 * example-repos/src/test/python/v2_clients.py}). Skipped with a message when the Python packages
 * are missing, unless {@code MLCI_REQUIRE_PYTHON} is set (CI), then it fails.
 */
class V2ClientsTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;

  static Path examples() {
    return Path.of(System.getProperty("mlci.examples")).toAbsolutePath().normalize();
  }

  /**
   * The interpreter for {@code client}, or an aborted test (a failure under MLCI_REQUIRE_PYTHON).
   */
  static String python(String client) throws Exception {
    String python;
    String probe;
    if (client.equals("kserve")) {
      Path venv = examples().getParent().resolve(".ci/venv-kserve/bin/python");
      python = System.getenv().getOrDefault("MLCI_KSERVE_PYTHON", venv.toString());
      probe = "import kserve, numpy, httpx";
    } else {
      python = System.getenv().getOrDefault("MLCI_PYTHON", "python3");
      probe = "import tritonclient.http, numpy, yaml, openapi_schema_validator";
    }
    requireModules(
        python,
        probe,
        "the " + client + " V2 client check",
        client.equals("kserve")
            ? "python3 -m venv .ci/venv-kserve && .ci/venv-kserve/bin/pip install -r"
                + " .ci/requirements-kserve.txt (or set MLCI_KSERVE_PYTHON)"
            : "python3 -m pip install -r .ci/requirements.txt");
    return python;
  }

  /**
   * Returns when {@code python} runs {@code probe} (an import line); else aborts the test, or fails
   * it under MLCI_REQUIRE_PYTHON, saying what needs it and how to install it.
   */
  static void requireModules(String python, String probe, String what, String install)
      throws InterruptedException {
    String problem;
    try {
      Process p = new ProcessBuilder(python, "-c", probe).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      problem = p.waitFor() == 0 ? null : out.strip();
    } catch (IOException e) {
      problem = e.getMessage();
    }
    if (problem != null) {
      String why =
          what
              + " needs Python with "
              + probe.substring("import ".length())
              + " ("
              + python
              + ": "
              + problem.lines().reduce((a, b) -> b).orElse(problem)
              + "). Install: "
              + install;
      if (System.getenv("MLCI_REQUIRE_PYTHON") != null) {
        throw new AssertionError(why);
      }
      System.out.println("SKIPPED: " + why);
      Assumptions.abort(why);
    }
  }

  /**
   * Runs {@code v2_clients.py client} against {@code url} with {@code cases}; the checks it made.
   */
  static JsonNode run(String client, String url, JsonNode cases, Path tmp) throws Exception {
    String python = python(client);
    Path file = tmp.resolve("cases-" + client + ".json");
    Files.write(file, JSON.writeValueAsBytes(cases));
    List<String> cmd =
        new ArrayList<>(
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
                    .toString()));
    Path out = tmp.resolve("out-" + client + ".json");
    Path err = tmp.resolve("err-" + client + ".txt");
    Process p =
        new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    if (!p.waitFor(5, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new AssertionError(client + " client check timed out");
    }
    String stderr = Files.readString(err);
    assertThat(p.exitValue()).as(stderr).isZero();
    JsonNode report = JSON.readTree(out.toFile());
    return report.path("checks");
  }

  /** Asserts every check passed, listing the failures; returns how many ran. */
  static int assertPassed(String what, JsonNode checks) {
    List<String> failed = new ArrayList<>();
    checks.forEach(
        c -> {
          if (!c.path("passed").asBoolean()) {
            failed.add(c.path("name").asString() + ": " + c.path("detail").asString());
          }
        });
    assertThat(failed).as(what).isEmpty();
    assertThat(checks.size()).as(what + ": checks run").isGreaterThan(5);
    return checks.size();
  }

  @ParameterizedTest
  @ValueSource(strings = {"breast-cancer", "iris", "diabetes", "imputing-diabetes"})
  void thirdPartyClientsGetTheEvaluatedPredictionsAndEveryResponseFollowsTheSpec(String example)
      throws Exception {
    python("triton"); // before training: skip at once when the Python side is missing
    ServedModels.Trained t = ServedModels.shared(example);
    LoadedModel model = ModelLoader.load(t.modelDir(), 2);
    ModelServer server =
        new ModelServer(
            ServerConfig.of("127.0.0.1", 0, 10 << 20, 100_000), model, new ServerMetrics(), "test");
    server.start();
    try {
      String url = "http://127.0.0.1:" + server.port();
      JsonNode cases = t.cases().toJson();
      for (String client : new String[] {"spec", "triton", "kserve"}) {
        JsonNode checks = run(client, url, cases, tmp);
        checks.forEach(
            c ->
                System.out.println(
                    example
                        + " / "
                        + client
                        + (c.path("passed").asBoolean() ? " ok   " : " FAIL ")
                        + c.path("name").asString()
                        + ": "
                        + c.path("detail").asString()));
        assertPassed(example + " / " + client, checks);
      }
    } finally {
      server.shutdown();
    }
  }
}
