package dev.mlci.core.tracking;

import dev.mlci.core.io.Json;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.mlflow.api.proto.Service;
import org.mlflow.tracking.MlflowClient;
import org.mlflow.tracking.MlflowClientException;
import org.mlflow.tracking.MlflowHttpException;
import org.mlflow.tracking.creds.BasicMlflowHostCreds;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * An MLflow tracking server. Experiments, params, metrics, tags, ending and reading runs go through
 * MLflow's Java client ({@code org.mlflow:mlflow-client}); what that client lacks goes through
 * MLflow's REST API as documented: dataset inputs ({@code runs/log-inputs}), the model registry's
 * writes and aliases, and artifacts through the server's proxy ({@code
 * /api/2.0/mlflow-artifacts/artifacts}; the Java client would shell out to the Python CLI for
 * those). Creates (runs, registered models, versions) go through the REST API too: the client
 * re-sends failed requests itself, which could create twice.
 *
 * <p>Every call is retried on connection failures, 5xx and 429 with exponential backoff (creates
 * only when the connection was refused), and abandoned after {@link Retry#timeout()} (the Java
 * client sets no timeouts of its own). Credentials come from MLflow's environment variables: {@code
 * MLFLOW_TRACKING_TOKEN} (a bearer token) or {@code MLFLOW_TRACKING_USERNAME} and {@code
 * MLFLOW_TRACKING_PASSWORD}.
 */
public final class MlflowServer implements AutoCloseable {
  private final String base;
  private final String display;
  private final MlflowClient client;
  private final HttpClient http;
  private final Optional<String> authorization;
  private final Retry retry;
  private final ExecutorService worker;

  /** A run on the server. */
  public record ServerRun(String experimentId, String runId, String artifactUri) {}

  /** A registered model version. */
  public record ModelVersion(String name, String version, String runId, String source) {}

  private MlflowServer(
      String base, BasicMlflowHostCreds creds, Optional<String> authorization, Retry retry) {
    this.base = base;
    this.display = redact(base);
    this.client = new MlflowClient(creds);
    this.http = httpClient();
    this.authorization = authorization;
    this.retry = retry;
    this.worker =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "mlci-mlflow");
              t.setDaemon(true);
              return t;
            });
  }

  /**
   * The HTTP client for the calls the Java client lacks: HTTP/1.1, MLflow's REST API. Java's
   * default (HTTP/2) sends {@code Upgrade: h2c} on plain-HTTP requests, which an {@code mlflow
   * server} on uvicorn's httptools parser (what {@code uvicorn[standard]} installs) answers with
   * 400 "Unsupported upgrade request".
   */
  static HttpClient httpClient() {
    return HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(10))
        .build();
  }

  /**
   * A client of the server at {@code uri} ({@code http} or {@code https}), with credentials from
   * {@code env}.
   */
  public static MlflowServer connect(String uri, Map<String, String> env, Retry retry) {
    String base = uri.strip().replaceAll("/+$", "");
    // Credentials written into the URI (http://user:password@host) become basic auth, and never
    // appear in a URL mlci builds, logs or shows.
    String uriUser = null;
    String uriPassword = "";
    Matcher m = USER_INFO.matcher(base);
    if (m.matches()) {
      String info = m.group(2);
      int colon = info.indexOf(':');
      uriUser = decode(colon < 0 ? info : info.substring(0, colon));
      uriPassword = colon < 0 ? "" : decode(info.substring(colon + 1));
      base = m.group(1) + m.group(3);
    }
    try {
      URI parsed = URI.create(base);
      if (parsed.getHost() == null) {
        throw new IllegalArgumentException("it names no host");
      }
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "the MLflow tracking URI " + base + " is not a valid http(s) URL: " + e.getMessage(), e);
    }
    String token = env.get("MLFLOW_TRACKING_TOKEN");
    String user = env.get("MLFLOW_TRACKING_USERNAME");
    String password = env.get("MLFLOW_TRACKING_PASSWORD");
    if ((user == null || user.isBlank()) && uriUser != null) {
      user = uriUser;
      password = uriPassword;
    }
    BasicMlflowHostCreds creds;
    Optional<String> authorization;
    if (token != null && !token.isBlank()) {
      creds = new BasicMlflowHostCreds(base, token);
      authorization = Optional.of("Bearer " + token);
    } else if (user != null && !user.isBlank()) {
      String pw = password == null ? "" : password;
      creds = new BasicMlflowHostCreds(base, user, pw);
      authorization =
          Optional.of(
              "Basic "
                  + Base64.getEncoder()
                      .encodeToString((user + ":" + pw).getBytes(StandardCharsets.UTF_8)));
    } else {
      creds = new BasicMlflowHostCreds(base);
      authorization = Optional.empty();
    }
    return new MlflowServer(base, creds, authorization, retry);
  }

  private static final Pattern USER_INFO =
      Pattern.compile("^([a-zA-Z][a-zA-Z0-9+.-]*://)([^/]*)@(.*)$");

  private static String decode(String s) {
    try {
      return java.net.URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return s;
    }
  }

  /** The server's address as it may be shown: without any user:password it embeds. */
  public String display() {
    return display;
  }

  static String redact(String uri) {
    return uri.replaceFirst("^([a-zA-Z][a-zA-Z0-9+.-]*://)[^/]*@", "$1");
  }

  /** The page of a run in the MLflow UI. */
  public String runUrl(ServerRun run) {
    return display + "/#/experiments/" + run.experimentId() + "/runs/" + run.runId();
  }

  /** The id of experiment {@code name}, created when missing. */
  public String experimentId(String name) throws TrackingException {
    Optional<Service.Experiment> found = findExperiment(name);
    if (found.isPresent()) {
      if (!"active".equals(found.get().getLifecycleStage())) {
        throw new TrackingException(
            "experiment '"
                + name
                + "' is deleted on "
                + display
                + ": restore it ('mlflow experiments restore') or set tracking.experiment to another"
                + " name",
            null);
      }
      return found.get().getExperimentId();
    }
    try {
      return callOnce("creating experiment '" + name + "'", () -> client.createExperiment(name));
    } catch (TrackingException e) {
      if (alreadyExists(e)) {
        // Another build created it first.
        return findExperiment(name).orElseThrow(() -> e).getExperimentId();
      }
      throw e;
    }
  }

  /**
   * The experiment called {@code name}, deleted or not. Searched rather than fetched by name: the
   * Java client retries every non-429 error (404 included) before reporting it.
   */
  private Optional<Service.Experiment> findExperiment(String name) throws TrackingException {
    String quoted =
        name.contains("'") ? "\"" + name.replace("\"", "\\\"") + "\"" : "'" + name + "'";
    List<Service.Experiment> found =
        call(
            "looking up experiment '" + name + "'",
            () ->
                client
                    .searchExperiments("name = " + quoted, Service.ViewType.ALL, 10, List.of())
                    .getItems());
    return found.stream().filter(e -> e.getName().equals(name)).findFirst();
  }

  /**
   * Starts a run. Through the REST API rather than the Java client, whose own re-sends could start
   * a second run when the server failed after creating the first.
   */
  public ServerRun createRun(
      String experimentId, String runName, long start, Map<String, String> tags)
      throws TrackingException {
    ObjectNode body = JsonNodeFactory.instance.objectNode();
    body.put("experiment_id", experimentId);
    body.put("run_name", runName);
    body.put("start_time", start);
    ArrayNode t = body.putArray("tags");
    tags.forEach((k, v) -> t.addObject().put("key", k).put("value", v));
    JsonNode info = postOnce("creating a run", "runs/create", body).path("run").path("info");
    String runId = info.path("run_id").asString("");
    if (runId.isEmpty()) {
      throw new TrackingException(
          "creating a run at " + display + " gave no run id: is this an MLflow tracking server?",
          null);
    }
    return new ServerRun(
        info.path("experiment_id").asString(experimentId),
        runId,
        info.path("artifact_uri").asString(""));
  }

  /** The run {@code runId}, e.g. to find its artifacts. */
  public ServerRun getRun(String runId) throws TrackingException {
    Service.RunInfo info = call("reading run " + runId, () -> client.getRun(runId).getInfo());
    return new ServerRun(info.getExperimentId(), info.getRunId(), info.getArtifactUri());
  }

  /** Logs {@code data} to {@code run}: batches of params, tags and metrics, inputs, artifacts. */
  public void log(ServerRun run, RunData data) throws TrackingException {
    List<Service.Param> params = new ArrayList<>();
    data.params()
        .forEach((k, v) -> params.add(Service.Param.newBuilder().setKey(k).setValue(v).build()));
    List<Service.RunTag> tags = new ArrayList<>();
    data.tags()
        .forEach((k, v) -> tags.add(Service.RunTag.newBuilder().setKey(k).setValue(v).build()));
    List<Service.Metric> metrics = new ArrayList<>();
    for (RunData.MetricPoint m : data.metrics()) {
      metrics.add(
          Service.Metric.newBuilder()
              .setKey(m.key())
              .setValue(m.value())
              .setStep(m.step())
              .setTimestamp(m.timestamp())
              .build());
    }
    // MLflow's limits per log-batch request: 100 params, 100 tags, 1000 items in all.
    for (List<Service.Param> chunk : chunks(params, 100)) {
      call("logging params", () -> batch(run, List.of(), chunk, List.of()));
    }
    for (List<Service.RunTag> chunk : chunks(tags, 100)) {
      call("logging tags", () -> batch(run, List.of(), List.of(), chunk));
    }
    for (List<Service.Metric> chunk : chunks(metrics, 1000)) {
      call("logging metrics", () -> batch(run, chunk, List.of(), List.of()));
    }
    if (!data.inputs().isEmpty()) {
      ObjectNode body = JsonNodeFactory.instance.objectNode();
      body.put("run_id", run.runId());
      ArrayNode datasets = body.putArray("datasets");
      for (RunData.DatasetInput in : data.inputs()) {
        ObjectNode d = datasets.addObject();
        d.putArray("tags").addObject().put("key", "mlflow.data.context").put("value", in.context());
        d.putObject("dataset")
            .put("name", in.name())
            .put("digest", in.digest())
            .put("source_type", RunData.DatasetInput.SOURCE_TYPE)
            .put("source", in.source())
            .put("schema", in.schema())
            .put("profile", in.profile());
      }
      String json = Json.mapper().writeValueAsString(body);
      call("logging dataset inputs", () -> client.sendPost("runs/log-inputs", json));
    }
    for (RunData.Artifact a : data.artifacts()) {
      upload(run, a);
    }
  }

  private Void batch(
      ServerRun run,
      List<Service.Metric> metrics,
      List<Service.Param> params,
      List<Service.RunTag> tags) {
    client.logBatch(run.runId(), metrics, params, tags);
    return null;
  }

  private static <T> List<List<T>> chunks(List<T> all, int size) {
    List<List<T>> out = new ArrayList<>();
    for (int i = 0; i < all.size(); i += size) {
      out.add(all.subList(i, Math.min(all.size(), i + size)));
    }
    return out;
  }

  /** Ends {@code run}. */
  public void terminate(ServerRun run, RunStatus status, long end) throws TrackingException {
    Service.RunStatus s =
        switch (status) {
          case RUNNING -> Service.RunStatus.RUNNING;
          case FINISHED -> Service.RunStatus.FINISHED;
          case FAILED -> Service.RunStatus.FAILED;
        };
    call(
        "ending the run",
        () -> {
          client.setTerminated(run.runId(), s, end);
          return null;
        });
  }

  private void upload(ServerRun run, RunData.Artifact artifact) throws TrackingException {
    String root = proxyRoot(run);
    List<Path> files;
    try (Stream<Path> walk = Files.walk(artifact.local())) {
      files = walk.filter(Files::isRegularFile).sorted().toList();
    } catch (IOException e) {
      throw new TrackingException(
          "cannot read " + artifact.local() + " to upload it: " + e.getMessage(), e);
    }
    for (Path file : files) {
      String rel =
          Files.isDirectory(artifact.local())
              ? artifact.path()
                  + "/"
                  + artifact.local().relativize(file).toString().replace('\\', '/')
              : artifact.path();
      URI target = URI.create(root + "/" + encodePath(rel));
      long bytes;
      try {
        bytes = Files.size(file);
      } catch (IOException e) {
        throw new TrackingException("cannot read " + file + " to upload it: " + e.getMessage(), e);
      }
      Duration timeout = retry.transferTimeout(bytes);
      call(
          "uploading artifact " + rel,
          () -> {
            HttpRequest.Builder put =
                HttpRequest.newBuilder(target)
                    .timeout(timeout)
                    .header("Content-Type", "application/octet-stream")
                    .PUT(HttpRequest.BodyPublishers.ofFile(file));
            authorization.ifPresent(a -> put.header("Authorization", a));
            HttpResponse<String> r = http.send(put.build(), HttpResponse.BodyHandlers.ofString());
            check(r.statusCode(), r.body(), "PUT " + rel);
            return null;
          },
          timeout,
          true);
    }
  }

  /** The bytes of artifact {@code path} of {@code run}. */
  public byte[] download(ServerRun run, String path) throws TrackingException {
    URI source = URI.create(proxyRoot(run) + "/" + encodePath(path));
    Duration timeout = retry.transferTimeout(100_000_000L);
    return call(
        "downloading artifact " + path + " of run " + run.runId(),
        () -> {
          HttpRequest.Builder get = HttpRequest.newBuilder(source).timeout(timeout).GET();
          authorization.ifPresent(a -> get.header("Authorization", a));
          HttpResponse<byte[]> r = http.send(get.build(), HttpResponse.BodyHandlers.ofByteArray());
          check(
              r.statusCode(),
              new String(r.body(), StandardCharsets.UTF_8),
              "GET " + path + " of run " + run.runId());
          return r.body();
        },
        timeout,
        true);
  }

  /** The proxy URL of a run's artifact root, or why the server does not proxy its artifacts. */
  private String proxyRoot(ServerRun run) throws TrackingException {
    String uri = run.artifactUri();
    if (!uri.startsWith("mlflow-artifacts:")) {
      throw new TrackingException(
          "the server stores this run's artifacts at "
              + uri
              + ", which mlci cannot write; start 'mlflow server' with artifact serving"
              + " (--serve-artifacts, the default since MLflow 2.0) so artifacts go through it",
          null);
    }
    String path = URI.create(uri).getPath();
    return base + "/api/2.0/mlflow-artifacts/artifacts" + (path.startsWith("/") ? "" : "/") + path;
  }

  private static String encodePath(String path) {
    List<String> parts = new ArrayList<>();
    for (String segment : path.split("/")) {
      parts.add(URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20"));
    }
    return String.join("/", parts);
  }

  /**
   * Registers the model stored under {@code artifactPath} of {@code run} as a new version of {@code
   * name} (created when missing) and waits until the registry says it is ready.
   */
  public ModelVersion register(
      String name, ServerRun run, String artifactPath, Map<String, String> tags)
      throws TrackingException {
    ObjectNode model = JsonNodeFactory.instance.objectNode().put("name", name);
    JsonNode existing =
        get(
            "looking up registered model '" + name + "'",
            "registered-models/search?max_results=10&filter=" + query("name = '" + name + "'"));
    boolean exists = false;
    for (JsonNode m : existing.path("registered_models")) {
      exists |= m.path("name").asString("").equals(name);
    }
    if (!exists) {
      try {
        postOnce("creating registered model '" + name + "'", "registered-models/create", model);
      } catch (TrackingException e) {
        if (!alreadyExists(e)) {
          throw e;
        }
      }
    }
    ObjectNode version = JsonNodeFactory.instance.objectNode();
    version.put("name", name);
    version.put("source", run.artifactUri() + "/" + artifactPath);
    version.put("run_id", run.runId());
    ArrayNode t = version.putArray("tags");
    tags.forEach((k, v) -> t.addObject().put("key", k).put("value", v));
    JsonNode created =
        postOnce("creating a version of '" + name + "'", "model-versions/create", version)
            .path("model_version");
    String number = created.path("version").asString();
    long deadline = System.nanoTime() + retry.timeout().toNanos();
    JsonNode current = created;
    while (current.path("status").asString("READY").equals("PENDING_REGISTRATION")) {
      if (System.nanoTime() > deadline) {
        throw new TrackingException(
            "version " + number + " of '" + name + "' is still pending registration", null);
      }
      sleep(Duration.ofMillis(200));
      current = versionJson(name, number);
    }
    if (current.path("status").asString("READY").equals("FAILED_REGISTRATION")) {
      throw new TrackingException(
          "the registry could not register version "
              + number
              + " of '"
              + name
              + "': "
              + current.path("status_message").asString(""),
          null);
    }
    return version(current);
  }

  /** Points alias {@code alias} of {@code name} at {@code version}. */
  public void setAlias(String name, String alias, String version) throws TrackingException {
    ObjectNode body =
        JsonNodeFactory.instance
            .objectNode()
            .put("name", name)
            .put("alias", alias)
            .put("version", version);
    post("setting alias '" + alias + "' of '" + name + "'", "registered-models/alias", body);
  }

  /** The version alias {@code alias} of {@code name} points at. */
  public ModelVersion byAlias(String name, String alias) throws TrackingException {
    String path = "registered-models/alias?name=" + query(name) + "&alias=" + query(alias);
    return version(
        get("reading alias '" + alias + "' of '" + name + "'", path).path("model_version"));
  }

  /** Version {@code version} of {@code name}. */
  public ModelVersion byVersion(String name, String version) throws TrackingException {
    return version(versionJson(name, version));
  }

  private JsonNode versionJson(String name, String version) throws TrackingException {
    String path = "model-versions/get?name=" + query(name) + "&version=" + query(version);
    return get("reading version " + version + " of '" + name + "'", path).path("model_version");
  }

  private static ModelVersion version(JsonNode v) {
    return new ModelVersion(
        v.path("name").asString(),
        v.path("version").asString(),
        v.path("run_id").asString(""),
        v.path("source").asString(""));
  }

  private static String query(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private JsonNode post(String what, String path, ObjectNode body) throws TrackingException {
    String json = Json.mapper().writeValueAsString(body);
    return Json.mapper().readTree(call(what, () -> client.sendPost(path, json)));
  }

  /**
   * A request that creates something, sent once: retried only when it never reached the server. It
   * goes through java.net.http because the Java client re-sends every failed request itself, which
   * for a create that the server committed before failing would create it again.
   */
  private JsonNode postOnce(String what, String path, ObjectNode body) throws TrackingException {
    String json = Json.mapper().writeValueAsString(body);
    URI target = URI.create(base + "/api/2.0/mlflow/" + path);
    String answer =
        call(
            what,
            () -> {
              HttpRequest.Builder post =
                  HttpRequest.newBuilder(target)
                      .timeout(retry.timeout())
                      .header("Content-Type", "application/json")
                      .POST(HttpRequest.BodyPublishers.ofString(json));
              authorization.ifPresent(a -> post.header("Authorization", a));
              HttpResponse<String> r =
                  http.send(post.build(), HttpResponse.BodyHandlers.ofString());
              check(r.statusCode(), r.body(), "POST " + path);
              return r.body();
            },
            retry.timeout(),
            false);
    return Json.mapper().readTree(answer);
  }

  private JsonNode get(String what, String path) throws TrackingException {
    return Json.mapper().readTree(call(what, () -> client.sendGet(path)));
  }

  private void check(int status, String body, String what) throws IOException {
    if (status / 100 != 2) {
      throw new MlflowHttpException(status, what, body);
    }
  }

  /**
   * Runs {@code action} with the retry policy: failures that may pass (no connection, 5xx, 429, an
   * I/O error) are retried with backoff; others fail at once.
   */
  <T> T call(String what, Callable<T> action) throws TrackingException {
    return call(what, action, retry.timeout(), true);
  }

  /** {@link #call} for a request that creates something: retried only if it never arrived. */
  private <T> T callOnce(String what, Callable<T> action) throws TrackingException {
    return call(what, action, retry.timeout(), false);
  }

  private <T> T call(String what, Callable<T> action, Duration timeout, boolean idempotent)
      throws TrackingException {
    for (int attempt = 1; ; attempt++) {
      Future<T> future = worker.submit(action);
      Throwable failure;
      try {
        return future.get(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
      } catch (TimeoutException e) {
        future.cancel(true);
        throw new TrackingException(
            what + ": no answer from " + display + " within " + timeout.toSeconds() + " s", e);
      } catch (InterruptedException e) {
        future.cancel(true);
        Thread.currentThread().interrupt();
        throw new TrackingException(what + ": interrupted", e);
      } catch (ExecutionException e) {
        failure = e.getCause();
      }
      boolean retryable = idempotent ? retryable(failure) : neverArrived(failure);
      if (!retryable || attempt >= retry.attempts()) {
        throw new TrackingException(
            what
                + " at "
                + display
                + " failed"
                + (attempt > 1 ? " after " + attempt + " attempts" : "")
                + ": "
                + describe(failure),
            failure);
      }
      sleep(retry.delayAfter(attempt));
    }
  }

  /** Whether the request certainly never reached the server: the connection was refused. */
  static boolean neverArrived(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof java.net.ConnectException
          || c.getClass().getSimpleName().equals("HttpHostConnectException")) {
        return true;
      }
    }
    return false;
  }

  private static void sleep(Duration d) throws TrackingException {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TrackingException("interrupted while waiting to retry", e);
    }
  }

  static boolean retryable(Throwable t) {
    if (t instanceof MlflowHttpException h) {
      return h.getStatusCode() >= 500 || h.getStatusCode() == 429;
    }
    if (t instanceof IOException) {
      return true;
    }
    return t instanceof MlflowClientException && t.getCause() instanceof IOException;
  }

  /** The longest excerpt of a server's answer a message shows. */
  static final int EXCERPT = 300;

  static String describe(Throwable t) {
    if (t instanceof MlflowHttpException h) {
      String body = h.getBodyMessage() == null ? "" : h.getBodyMessage().strip();
      String message = excerpt(body);
      boolean mlflowError = false;
      try {
        JsonNode json = Json.mapper().readTree(body);
        if (json.has("message")) {
          message =
              excerpt(json.path("error_code").asString("") + " " + json.path("message").asString());
          mlflowError = json.has("error_code");
        }
      } catch (RuntimeException notJson) {
        // The excerpt of the body, as it came.
      }
      String hint =
          switch (h.getStatusCode()) {
            case 401, 403 ->
                "; check MLFLOW_TRACKING_TOKEN or MLFLOW_TRACKING_USERNAME/MLFLOW_TRACKING_PASSWORD";
            case 404 ->
                mlflowError
                    ? ""
                    : "; check that the URI is an MLflow tracking server (MLflow 2.3 or newer)";
            default -> "";
          };
      message = message.strip().replaceAll("\\.+$", "");
      return "HTTP " + h.getStatusCode() + (message.isEmpty() ? "" : " " + message) + hint;
    }
    Throwable cause = t;
    while (cause.getCause() != null && cause.getMessage() == null) {
      cause = cause.getCause();
    }
    if (t instanceof MlflowClientException && t.getCause() != null) {
      cause = t.getCause();
    }
    String message = cause.getMessage() == null ? "" : ": " + cause.getMessage();
    if (cause instanceof java.net.ConnectException
        || cause.getClass().getSimpleName().contains("HttpHostConnectException")) {
      return "cannot connect (" + cause.getClass().getSimpleName() + message + ")";
    }
    return cause.getClass().getSimpleName() + message;
  }

  private static final Pattern TITLE = Pattern.compile("(?is)<title[^>]*>(.*?)</title>");
  private static final Pattern HIDDEN = Pattern.compile("(?is)<(script|style|head)[^>]*>.*?</\\1>");

  /**
   * At most {@link #EXCERPT} characters of a server's answer on one line: for an HTML page (a
   * proxy's or a web server's error page) its title and text without markup, and its size.
   */
  static String excerpt(String body) {
    String text = body.strip();
    String suffix = "";
    if (text.startsWith("<") && text.matches("(?is).*<(html|body|head|title|h1|p|div)\\b.*")) {
      Matcher title = TITLE.matcher(text);
      String t = title.find() ? title.group(1) : "";
      String rest = HIDDEN.matcher(text).replaceAll(" ").replaceAll("(?s)<[^>]*>", " ");
      text = (t + " " + rest.replace(t, "")).replace("&nbsp;", " ");
      suffix = " (an HTML page of " + body.length() + " characters)";
    }
    text = text.replaceAll("\\s+", " ").strip();
    if (text.length() > EXCERPT) {
      text = text.substring(0, EXCERPT) + " [...]";
    }
    return text + suffix;
  }

  private static boolean alreadyExists(TrackingException e) {
    return e.getCause() instanceof MlflowHttpException h
        && h.getBodyMessage() != null
        && h.getBodyMessage().contains("RESOURCE_ALREADY_EXISTS");
  }

  @Override
  public void close() {
    worker.shutdownNow();
    client.close();
  }
}
