package dev.mlci.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * mlci against a real MLflow server ({@code mlflow server}, SQLite, artifact proxy), checked with
 * MLflow's own Python client: a run with every field, a registered version with its alias, the
 * gate's baseline taken from it, the local record read by MLflow, models loaded by {@code
 * mlflow.pyfunc}; the outage and credentials tests, each with a server of its own, are {@link
 * MlflowFaultsIT} (a class of their own so that the two integration-test threads share the MLflow
 * work: together they were the run's longest class, 406 s, which ended the run alone).
 */
class MlflowIT {
  @TempDir static Path serverDir;

  /** Why this class's tests are skipped (their tools are missing), or null. */
  static String skip;

  static LocalMlflow server;

  @TempDir Path tmp;

  @BeforeAll
  static void startServer() throws Exception {
    skip = Tools.skipReason(Tools::mlflowPython);
    if (skip != null) {
      return;
    }
    server = LocalMlflow.start(serverDir);
  }

  @BeforeEach
  void skipWithoutTools() {
    Tools.skipIf(skip);
  }

  @AfterAll
  static void stopServer() {
    if (server != null) {
      server.close();
    }
  }

  private static Map<String, String> jenkins(String branch, String pr) {
    Map<String, String> env = new HashMap<>();
    env.put("MLFLOW_TRACKING_URI", server.uri());
    env.put("JENKINS_URL", "https://ci.example.com/");
    env.put("BUILD_URL", "https://ci.example.com/job/bc/job/" + branch + "/5/");
    if (pr == null) {
      env.put("BRANCH_NAME", branch);
    } else {
      env.put("BRANCH_NAME", "PR-" + pr);
      env.put("CHANGE_ID", pr);
      env.put("CHANGE_BRANCH", branch);
      env.put("CHANGE_TARGET", "main");
    }
    return env;
  }

  static List<String> strings(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asString()));
    return out;
  }

  @Test
  void aTrackedRunHasEveryField_isRegistered_andIsTheGatesBaseline() throws Exception {
    Path repo = Tools.copyExample("breast-cancer", tmp);
    String mainCommit;
    try (Git git = Tools.commitAll(repo, "breast cancer model")) {
      mainCommit = git.getRepository().resolve("HEAD").name();
    }

    // main: train, evaluate, gate, then register with the alias.
    Tools.Result main =
        Tools.mlci(jenkins("main", null), "run", repo.toString(), "--json", "--progress", "none");
    assertThat(main.exit()).as(main.err()).isZero();
    assertThat(main.err()).doesNotContain("warning");
    JsonNode summary = main.json();
    String runId = summary.at("/train/tracking/run_id").asString();
    assertThat(summary.at("/evaluate/tracking/run_id").asString()).isEqualTo(runId);
    assertThat(summary.at("/gate/tracking/run_id").asString()).isEqualTo(runId);
    assertThat(summary.at("/train/tracking/server_run").asString())
        .isEqualTo(server.uri() + "/#/experiments/1/runs/" + runId);

    Tools.Result register =
        Tools.mlci(jenkins("main", null), "register", repo.toString(), "--json");
    assertThat(register.exit()).as(register.err()).isZero();
    assertThat(register.json().at("/register/version").asString()).isEqualTo("1");

    // What MLflow itself says about the run.
    JsonNode run = Tools.mlflowCheck("run", server.uri(), runId);
    assertThat(run.path("status").asString()).isEqualTo("FINISHED");
    assertThat(run.path("run_name").asString())
        .isEqualTo("breast-cancer@main-" + mainCommit.substring(0, 7));
    JsonNode params = run.path("params");
    assertThat(params.path("model.trainer").asString()).isEqualTo("logistic");
    assertThat(params.path("model.params.C").asString()).isEqualTo("1.0");
    assertThat(params.path("model.params.max_iter").asString()).isEqualTo("1000");
    assertThat(params.path("model.seed").asString()).isEqualTo("42");
    assertThat(params.path("data.split.test_fraction").asString()).isEqualTo("0.2");
    assertThat(params.path("data.split.seed").asString()).isEqualTo("42");
    assertThat(params.path("data.split.strategy").asString()).isEqualTo("hash");

    JsonNode evaluated = Tools.JSON.readTree(repo.resolve("mlci-out/eval/metrics.json").toFile());
    JsonNode metrics = run.path("metrics");
    for (String m : List.of("roc_auc", "accuracy", "log_loss", "f1_macro")) {
      assertThat(metrics.path(m).asDouble())
          .as(m)
          .isCloseTo(evaluated.at("/metrics/" + m).asDouble(), within(1e-12));
    }
    assertThat(metrics.path("training_examples").asDouble()).isEqualTo(450.0);
    JsonNode loss = run.path("training_loss");
    // One point per L-BFGS iteration: 32 on this data (deterministic; the model's provenance says
    // the same).
    assertThat(loss.size()).as("the loss at each logged iteration").isEqualTo(32);
    for (int i = 1; i < loss.size(); i++) {
      assertThat(loss.get(i).get(0).asLong()).isGreaterThan(loss.get(i - 1).get(0).asLong());
    }
    assertThat(loss.get(0).get(1).asDouble()).isPositive();
    assertThat(loss.get(loss.size() - 1).get(1).asDouble())
        .isLessThan(loss.get(0).get(1).asDouble());

    JsonNode tags = run.path("tags");
    assertThat(tags.path("mlflow.source.git.commit").asString()).isEqualTo(mainCommit);
    assertThat(tags.path("mlflow.source.git.branch").asString()).isEqualTo("main");
    assertThat(tags.path("mlflow.source.name").asString()).isNotEmpty();
    assertThat(tags.path("mlflow.source.type").asString()).isEqualTo("JOB");
    assertThat(tags.path("mlflow.runName").asString()).startsWith("breast-cancer@main-");
    assertThat(tags.path("mlci.build_url").asString())
        .isEqualTo("https://ci.example.com/job/bc/job/main/5/");
    assertThat(tags.path("mlci.gate.verdict").asString()).isEqualTo("PASS");

    assertThat(run.path("inputs").toString())
        .containsPattern(
            "\\{\"name\":\"breast-cancer-train\",\"digest\":\"[0-9a-f]{16}\",\"source_type\":\"local\",\"context\":\"training\"}")
        .containsPattern(
            "\\{\"name\":\"breast-cancer-test\",\"digest\":\"[0-9a-f]{16}\",\"source_type\":\"local\",\"context\":\"evaluation\"}");
    assertThat(strings(run.path("artifacts")))
        .contains(
            "model/MLmodel",
            "model/model.onnx",
            "model/model.tribuo",
            "model/features.json",
            "eval/metrics.json",
            "eval/predictions.csv",
            "eval/evaluation.mlci.gz",
            "gate/gate.md",
            "gate/gate-junit.xml");

    JsonNode alias = Tools.mlflowCheck("alias", server.uri(), "breast-cancer", "champion");
    assertThat(alias.path("version").asString()).isEqualTo("1");
    assertThat(alias.path("run_id").asString()).isEqualTo(runId);
    assertThat(alias.path("source").asString()).endsWith(runId + "/artifacts/model");

    // A pull request that drops features, gated against the registered champion.
    try (Git git = Git.open(repo.toFile())) {
      git.checkout().setCreateBranch(true).setName("drop-features").call();
    }
    Files.copy(
        repo.resolve("degraded.ml.yaml"),
        repo.resolve("ml.yaml"),
        StandardCopyOption.REPLACE_EXISTING);
    Tools.commitAll(repo, "Use only shape features").close();
    Tools.Result pr =
        Tools.mlci(
            jenkins("drop-features", "7"),
            "run",
            repo.toString(),
            "--baseline",
            "models:/breast-cancer@champion",
            "--json",
            "--progress",
            "none");
    assertThat(pr.exit()).as(pr.err()).isEqualTo(1);
    JsonNode gate = pr.json().path("gate");
    assertThat(gate.path("verdict").asString()).isEqualTo("FAIL");
    assertThat(gate.path("baseline_source").asString()).isEqualTo("registry");
    assertThat(gate.path("baseline_commit").asString()).isEqualTo(mainCommit);
    assertThat(pr.err()).contains("baseline: version 1 of breast-cancer (run " + runId + ")");

    String prRun = pr.json().at("/gate/tracking/run_id").asString();
    JsonNode prTracked = Tools.mlflowCheck("run", server.uri(), prRun);
    assertThat(prTracked.at("/tags/mlci.pull_request").asString()).isEqualTo("7");
    assertThat(prTracked.at("/tags/mlflow.source.git.branch").asString())
        .isEqualTo("drop-features");
    assertThat(prTracked.at("/tags/mlci.gate.verdict").asString()).isEqualTo("FAIL");
    assertThat(prTracked.at("/tags/mlci.gate.baseline").asString())
        .startsWith("models:/breast-cancer@champion");
    assertThat(prTracked.at("/metrics/gate~1roc_auc~1delta").asDouble()).isLessThan(-0.1);

    // The local record of both runs, read by MLflow's file store, says what the server says.
    JsonNode local =
        Tools.mlflowCheck("local", repo.resolve("mlci-out/mlruns").toString(), "breast-cancer");
    assertThat(local.size()).isEqualTo(2);
    assertThat(local.get(0).path("metrics")).isEqualTo(prTracked.path("metrics"));
    assertThat(local.get(1).path("params")).isEqualTo(params);
    assertThat(local.get(1).path("metrics")).isEqualTo(metrics);
    assertThat(local.get(1).path("training_loss")).isEqualTo(loss);
    assertThat(local.get(1).path("inputs")).isEqualTo(run.path("inputs"));
    assertThat(local.get(1).path("tags").path("mlflow.source.git.commit").asString())
        .isEqualTo(mainCommit);
    assertThat(strings(local.get(1).path("artifacts"))).containsAll(strings(run.path("artifacts")));

    // ...and mlci lists and compares them in the terminal.
    Tools.Result runs = Tools.mlci("runs", repo.toString());
    assertThat(runs.exit()).as(runs.err()).isZero();
    assertThat(runs.out())
        .contains("breast-cancer@drop-features-")
        .contains("breast-cancer@main-")
        .contains("FAIL")
        .contains("PASS");
    Tools.Result compare =
        Tools.mlci(
            "runs",
            repo.toString(),
            "--compare",
            local.get(1).path("run_id").asString().substring(0, 8),
            local.get(0).path("run_id").asString().substring(0, 8));
    assertThat(compare.exit()).as(compare.err()).isZero();
    assertThat(compare.out())
        .containsPattern("roc_auc +0\\.9976 +0\\.8352 +-0\\.1624")
        .containsPattern("data\\.features +\\(none\\) -> mean smoothness, mean symmetry");
  }

  /**
   * A model with no ONNX export says what loads it and MLflow's pyfunc refuses it. (That an ONNX
   * model loads in pyfunc and predicts what mlci evaluated is checked on breast-cancer in {@link
   * #mlflowModelsServeAndMlciAnswerTheSameRequestsAlike}.)
   */
  @Test
  void tribuoOnlyModelsSayWhatTheyNeed() throws Exception {
    Path iris = Tools.copyExample("iris", tmp);
    assertThat(Tools.mlci("run", iris.toString(), "-q", "--progress", "none").exit()).isZero();
    String mlmodel = Files.readString(iris.resolve("mlci-out/model/MLmodel"));
    assertThat(mlmodel)
        .doesNotContain("python_function")
        .contains("  tribuo:")
        .contains("loader: mlci model-server (Java, Tribuo 4.3.2); MLflow has no Python loader");
    assertThat(
            Tools.mlflowCheck("pyfunc-error", iris.resolve("mlci-out/model").toString())
                .path("error")
                .asString())
        .contains("python_function");
  }

  /**
   * MLflow's REST API is HTTP/1.1. Java's HTTP client asks plain-HTTP servers to upgrade to h2c by
   * default; uvicorn's httptools parser (what {@code uvicorn[standard]} installs) answers 400, h11
   * ignores the upgrade. mlci speaks HTTP/1.1, so runs are recorded on both: httptools here, on the
   * class's server (its run goes to the breast-cancer experiment the first test uses, and is not
   * registered), h11 on the outage test's server before its outage. Two servers fewer to start than
   * one per parser (each start is 10-30 s of a mlflow server importing and migrating).
   */
  @Test
  void runsAreRecordedOnUvicornsHttptoolsParser() throws Exception {
    runsAreRecordedOn(server, LocalMlflow.Parser.HTTPTOOLS, tmp);
  }

  /**
   * A tracked train on server {@code s}, whose uvicorn parses HTTP with {@code parser}: the
   * server's answer to an h2c upgrade shows the parser is the one asked for, and the run is
   * FINISHED with its metrics and model artifacts, read back by MLflow's own client.
   */
  static void runsAreRecordedOn(LocalMlflow s, LocalMlflow.Parser parser, Path tmp)
      throws Exception {
    // The server really is the one that refuses upgrades (or not): Java's default client.
    java.net.http.HttpResponse<String> h2c =
        java.net.http.HttpClient.newHttpClient()
            .send(
                java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create(s.uri() + "/api/2.0/mlflow/experiments/create"))
                    .header("Content-Type", "application/json")
                    .POST(
                        java.net.http.HttpRequest.BodyPublishers.ofString(
                            "{\"name\": \"h2c-probe\"}"))
                    .build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
    assertThat(h2c.statusCode())
        .as(parser + ": " + h2c.body())
        .isEqualTo(parser == LocalMlflow.Parser.HTTPTOOLS ? 400 : 200);

    Path repo = Tools.copyExample("breast-cancer", tmp.resolve("repo-" + parser));
    Files.writeString(
        repo.resolve("ml.yaml"),
        Files.readString(repo.resolve("ml.yaml")) + "tracking:\n  required: true\n");
    Tools.Result train =
        Tools.mlci(
            Map.of("MLFLOW_TRACKING_URI", s.uri()),
            "train",
            repo.toString(),
            "--json",
            "--progress",
            "none");
    assertThat(train.exit()).as(parser + ": " + train.err()).isZero();
    assertThat(train.err()).as(parser.toString()).doesNotContain("warning");
    String runId = train.json().at("/train/tracking/run_id").asString();
    JsonNode run = Tools.mlflowCheck("run", s.uri(), runId);
    assertThat(run.path("status").asString()).as(parser.toString()).isEqualTo("FINISHED");
    assertThat(run.at("/metrics/training_examples").asDouble()).isEqualTo(450.0);
    assertThat(strings(run.path("artifacts"))).contains("model/MLmodel", "model/model.onnx");
  }

  /**
   * Where mlci's /invocations and {@code mlflow models serve} deliberately differ, and how: the
   * case of serve_compare.py, then what mlci answers and what MLflow answers (status codes and
   * error codes, as measured with MLflow 3.17.2). Every other case must agree exactly.
   */
  static final Map<String, String> DELIBERATE =
      Map.of(
          // mlci takes positional rows in the signature's column order; MLflow reads a list of
          // lists as a tensor, which a column-based signature refuses.
          "instances_rows", "200 null | 400 INVALID_PARAMETER_VALUE",
          // MLflow scores NaN and answers NaN probabilities (not even valid JSON); mlci refuses,
          // naming the column, because this model does not impute (missing: error).
          "bad_null_in_required_column", "400 INVALID_PARAMETER_VALUE | 200 null",
          // MLflow drops columns the signature lacks; mlci refuses them, naming the column, since
          // a misspelt name would silently become a missing one.
          "extra_column", "400 INVALID_PARAMETER_VALUE | 200 null",
          // pandas fills the missing fields of a short CSV row with NaN, which MLflow scores.
          "bad_csv_ragged_row", "400 BAD_REQUEST | 200 null",
          // Both 415; MLflow's body is text/plain, mlci's every error body is MLflow's JSON shape.
          "bad_content_type", "415 BAD_REQUEST | 415 null");

  /**
   * The same model through mlflow.pyfunc, {@code mlflow models predict}, {@code mlflow models
   * serve} and mlci's server: one convention, an N x K frame / records with the columns of
   * predictions.csv; MLflow's environment files are read by MLflow's own functions; and the same
   * requests (every input form, and bad ones) get the same status codes, error codes, columns and
   * values from both servers, except the listed deliberate differences.
   */
  @Test
  void mlflowModelsServeAndMlciAnswerTheSameRequestsAlike() throws Exception {
    Path repo = Tools.copyExample("breast-cancer", tmp);
    Tools.Result run = Tools.mlci("run", repo.toString(), "-q", "--progress", "none");
    assertThat(run.exit()).as(run.err()).isZero();
    Path model = repo.resolve("mlci-out/model");

    JsonNode pyfunc =
        Tools.mlflowCheck(
            "pyfunc",
            model.toString(),
            repo.resolve("data/breast_cancer.csv").toString(),
            "sample_id",
            repo.resolve("mlci-out/eval/predictions.csv").toString());
    assertThat(pyfunc.path("rows").asInt()).isEqualTo(119);
    assertThat(pyfunc.path("shape").toString()).isEqualTo("[119,2]");
    assertThat(strings(pyfunc.path("columns"))).containsExactly("proba_benign", "proba_malignant");
    assertThat(pyfunc.path("max_abs_diff").asDouble()).isLessThanOrEqualTo(1e-9);

    JsonNode deps = Tools.mlflowCheck("deps", model.toString());
    assertThat(deps.path("path").asString()).endsWith("requirements.txt");
    assertThat(strings(deps.path("requirements")))
        .containsExactly("mlflow==3.17.2", "onnx==1.23.2", "onnxruntime==1.20.1");
    List<String> pins =
        Files.readAllLines(Tools.examples().resolve("../.ci/requirements.txt")).stream()
            .map(line -> line.replaceAll("\\[[a-z,]+\\]", ""))
            .toList();
    assertThat(pins)
        .as("the model's pins are CI's")
        .containsAll(strings(deps.path("requirements")));

    // MLflow builds the model's own environment from its requirements.txt (uv, from PyPI, with
    // the installed Python 3.11); the default, virtualenv, would ask pyenv to download Python.
    Tools.pythonWith("uv", "uv is needed for mlflow models predict --env-manager uv");
    Tools.Result predict =
        Tools.exec(
            List.of(
                "mlflow",
                "models",
                "predict",
                "-m",
                model.toString(),
                "-i",
                model.resolve("serving_input_example.json").toString(),
                "-t",
                "json",
                "--env-manager",
                "uv"),
            tmp,
            Map.of("MLFLOW_ENV_ROOT", tmp.resolve("mlflow-envs").toString()));
    assertThat(predict.exit()).as(predict.err()).isZero();
    assertThat(predict.out()).contains("{\"predictions\": [{\"proba_benign\": ");

    try (ScoringProcess mlci = ScoringProcess.mlci(model, tmp.resolve("mlci-server"));
        ScoringProcess mlflow = ScoringProcess.mlflow(model, tmp.resolve("mlflow-server"))) {
      Tools.Result compared =
          Tools.exec(
              List.of(
                  Tools.mlflowPython(),
                  Tools.examples().resolve("src/test/python/serve_compare.py").toString(),
                  model.toString(),
                  mlci.uri(),
                  mlflow.uri()),
              tmp);
      assertThat(compared.exit()).as(compared.err()).isZero();
      JsonNode cases = compared.json();
      assertThat(cases.size()).isEqualTo(16);
      int agreed = 0;
      for (JsonNode c : cases) {
        String name = c.path("case").asString();
        JsonNode a = c.path("a");
        JsonNode b = c.path("b");
        String seen =
            a.path("status").asInt()
                + " "
                + a.path("error_code").asString("null")
                + " | "
                + b.path("status").asInt()
                + " "
                + b.path("error_code").asString("null");
        if (DELIBERATE.containsKey(name)) {
          assertThat(seen).as(name + ": " + c).isEqualTo(DELIBERATE.get(name));
          continue;
        }
        assertThat(a.path("status").asInt())
            .as(name + ": " + c)
            .isEqualTo(b.path("status").asInt());
        assertThat(a.path("error_code").asString("null"))
            .as(name + ": " + c)
            .isEqualTo(b.path("error_code").asString("null"));
        assertThat(a.path("shape")).as(name).isEqualTo(b.path("shape"));
        assertThat(a.path("columns")).as(name).isEqualTo(b.path("columns"));
        if (a.path("status").asInt() == 200) {
          assertThat(strings(a.path("columns"))).containsExactly("proba_benign", "proba_malignant");
          for (int r = 0; r < a.path("values").size(); r++) {
            for (int k = 0; k < 2; k++) {
              assertThat(a.path("values").get(r).get(k).asDouble())
                  .as(name + " row " + r)
                  .isCloseTo(b.path("values").get(r).get(k).asDouble(), within(1e-9));
            }
          }
        }
        agreed++;
      }
      assertThat(agreed).isEqualTo(11);
    }
  }
}
