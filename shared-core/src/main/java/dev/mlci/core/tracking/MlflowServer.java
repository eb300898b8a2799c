package dev.mlci.core.tracking;

import dev.mlci.core.io.Retry;
import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * An MLflow tracking server, through its REST API as documented (no MLflow client library):
 * experiments, runs and their params, metrics, tags and dataset inputs here; artifacts through the
 * server's proxy in {@link MlflowArtifacts}; the model registry in {@link MlflowRegistry}; the
 * transport, deadlines and {@link Retry} policy in {@link MlflowHttp}.
 *
 * <p>Every call is retried on connection failures, 5xx and 429 with exponential backoff (or after
 * the server's {@code Retry-After}), and abandoned after {@link Retry#timeout()}. Creates are never
 * sent twice blindly: an experiment or registered model is created by name (a retry that is told
 * {@code RESOURCE_ALREADY_EXISTS} takes it as created); a run or model version carries the tag
 * {@value MlflowRegistry#REQUEST_TAG}, which a retry searches for first. Credentials come from
 * MLflow's environment variables: {@code MLFLOW_TRACKING_TOKEN} (a bearer token) or {@code
 * MLFLOW_TRACKING_USERNAME} and {@code MLFLOW_TRACKING_PASSWORD}.
 */
public final class MlflowServer implements AutoCloseable {
  private final MlflowHttp http;
  private final MlflowArtifacts artifacts;
  private final MlflowRegistry registry;

  /** A run on the server. */
  public record ServerRun(String experimentId, String runId, String artifactUri) {}

  /** A registered model version. */
  public record ModelVersion(String name, String version, String runId, String source) {}

  private MlflowServer(MlflowHttp http) {
    this.http = http;
    this.artifacts = new MlflowArtifacts(http);
    this.registry = new MlflowRegistry(http);
  }

  /**
   * A client of the server at {@code uri} ({@code http} or {@code https}), with credentials from
   * {@code env}.
   */
  public static MlflowServer connect(String uri, Map<String, String> env, Retry retry) {
    return connect(uri, env, retry, Retry.Sleeper.REAL);
  }

  /** {@link #connect(String, Map, Retry)} that waits between tries with {@code sleeper}. */
  static MlflowServer connect(
      String uri, Map<String, String> env, Retry retry, Retry.Sleeper sleeper) {
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
    Optional<String> authorization;
    if (token != null && !token.isBlank()) {
      authorization = Optional.of("Bearer " + token);
    } else if (user != null && !user.isBlank()) {
      String pw = password == null ? "" : password;
      authorization =
          Optional.of(
              "Basic "
                  + Base64.getEncoder()
                      .encodeToString((user + ":" + pw).getBytes(StandardCharsets.UTF_8)));
    } else {
      authorization = Optional.empty();
    }
    return new MlflowServer(new MlflowHttp(base, authorization, retry, sleeper));
  }

  private static final Pattern USER_INFO =
      Pattern.compile("^([a-zA-Z][a-zA-Z0-9+.-]*://)([^/]*)@(.*)$");

  private static String decode(String s) {
    try {
      return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return s;
    }
  }

  /** The server's address as it may be shown: without any user:password it embeds. */
  public String display() {
    return http.display();
  }

  static String redact(String uri) {
    return MlflowMessages.redact(uri);
  }

  /** The page of a run in the MLflow UI. */
  public String runUrl(ServerRun run) {
    return display() + "/#/experiments/" + run.experimentId() + "/runs/" + run.runId();
  }

  /** The id of experiment {@code name}, created when missing. */
  public String experimentId(String name) throws TrackingException {
    Optional<JsonNode> found = findExperiment(name);
    if (found.isPresent()) {
      if (!"active".equals(found.get().path("lifecycle_stage").asString(""))) {
        throw new TrackingException(
            "experiment '"
                + name
                + "' is deleted on "
                + display()
                + ": restore it ('mlflow experiments restore') or set tracking.experiment to another"
                + " name",
            null);
      }
      return found.get().path("experiment_id").asString();
    }
    try {
      // Idempotent by name: a retry after a lost answer is told RESOURCE_ALREADY_EXISTS.
      ObjectNode body = JsonNodeFactory.instance.objectNode().put("name", name);
      String id =
          http.post("creating experiment '" + name + "'", "experiments/create", body)
              .path("experiment_id")
              .asString("");
      if (id.isEmpty()) {
        throw new TrackingException(
            "creating experiment '"
                + name
                + "' at "
                + display()
                + " gave no experiment id: is this an MLflow tracking server?",
            null);
      }
      return id;
    } catch (TrackingException e) {
      if (alreadyExists(e)) {
        // Another build created it first, or an earlier try whose answer was lost.
        Optional<JsonNode> again = findExperiment(name);
        if (again.isPresent()) {
          return again.get().path("experiment_id").asString();
        }
      }
      throw e;
    }
  }

  /** The experiment called {@code name}, deleted or not. */
  private Optional<JsonNode> findExperiment(String name) throws TrackingException {
    String quoted =
        name.contains("'") ? "\"" + name.replace("\"", "\\\"") + "\"" : "'" + name + "'";
    ObjectNode body = JsonNodeFactory.instance.objectNode();
    body.put("filter", "name = " + quoted);
    body.put("max_results", 10);
    body.put("view_type", "ALL");
    JsonNode found = http.post("looking up experiment '" + name + "'", "experiments/search", body);
    for (JsonNode e : found.path("experiments")) {
      if (e.path("name").asString("").equals(name)) {
        return Optional.of(e);
      }
    }
    return Optional.empty();
  }

  /**
   * Starts a run. The run carries the tag {@value MlflowRegistry#REQUEST_TAG}: a retry (after an
   * answer that was lost or a failure after the server created it) finds the run by it instead of
   * starting a second one.
   */
  public ServerRun createRun(
      String experimentId, String runName, long start, Map<String, String> tags)
      throws TrackingException {
    String request = UUID.randomUUID().toString();
    ObjectNode body = JsonNodeFactory.instance.objectNode();
    body.put("experiment_id", experimentId);
    body.put("run_name", runName);
    body.put("start_time", start);
    ArrayNode t = body.putArray("tags");
    tags.forEach((k, v) -> t.addObject().put("key", k).put("value", v));
    t.addObject().put("key", MlflowRegistry.REQUEST_TAG).put("value", request);
    JsonNode info =
        http.create(
            "creating a run",
            new MlflowHttp.Create<JsonNode>() {
              @Override
              public JsonNode send() throws IOException, InterruptedException {
                return http.postOnce("runs/create", body).path("run").path("info");
              }

              @Override
              public Optional<JsonNode> find() throws IOException, InterruptedException {
                ObjectNode search = JsonNodeFactory.instance.objectNode();
                search.putArray("experiment_ids").add(experimentId);
                search.put(
                    "filter", "tags.`" + MlflowRegistry.REQUEST_TAG + "` = '" + request + "'");
                search.put("run_view_type", "ALL");
                search.put("max_results", 1);
                JsonNode runs = http.postOnce("runs/search", search).path("runs");
                return runs.isEmpty() ? Optional.empty() : Optional.of(runs.get(0).path("info"));
              }
            });
    String runId = info.path("run_id").asString("");
    if (runId.isEmpty()) {
      throw new TrackingException(
          "creating a run at " + display() + " gave no run id: is this an MLflow tracking server?",
          null);
    }
    return new ServerRun(
        info.path("experiment_id").asString(experimentId),
        runId,
        info.path("artifact_uri").asString(""));
  }

  /** The run {@code runId}, e.g. to find its artifacts. */
  public ServerRun getRun(String runId) throws TrackingException {
    JsonNode info =
        http.get("reading run " + runId, "runs/get?run_id=" + MlflowHttp.query(runId))
            .path("run")
            .path("info");
    return new ServerRun(
        info.path("experiment_id").asString(""),
        info.path("run_id").asString(runId),
        info.path("artifact_uri").asString(""));
  }

  /** Logs {@code data} to {@code run}: batches of params, tags and metrics, inputs, artifacts. */
  public void log(ServerRun run, RunData data) throws TrackingException {
    List<ObjectNode> params = new ArrayList<>();
    data.params().forEach((k, v) -> params.add(keyValue(k, v)));
    List<ObjectNode> tags = new ArrayList<>();
    data.tags().forEach((k, v) -> tags.add(keyValue(k, v)));
    List<ObjectNode> metrics = new ArrayList<>();
    for (RunData.MetricPoint m : data.metrics()) {
      ObjectNode metric = JsonNodeFactory.instance.objectNode().put("key", m.key());
      if (Double.isFinite(m.value())) {
        metric.put("value", m.value());
      } else {
        // Protobuf's JSON mapping, which MLflow's server parses: "NaN", "Infinity", "-Infinity".
        metric.put(
            "value", Double.isNaN(m.value()) ? "NaN" : m.value() > 0 ? "Infinity" : "-Infinity");
      }
      metrics.add(metric.put("timestamp", m.timestamp()).put("step", m.step()));
    }
    // MLflow's limits per log-batch request: 100 params, 100 tags, 1000 items in all. Logging the
    // same batch twice is harmless (MLflow accepts a param logged again with its value, and a
    // metric point again), so these are retried.
    for (List<ObjectNode> chunk : chunks(params, 100)) {
      http.post("logging params", "runs/log-batch", batch(run, "params", chunk));
    }
    for (List<ObjectNode> chunk : chunks(tags, 100)) {
      http.post("logging tags", "runs/log-batch", batch(run, "tags", chunk));
    }
    for (List<ObjectNode> chunk : chunks(metrics, 1000)) {
      http.post("logging metrics", "runs/log-batch", batch(run, "metrics", chunk));
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
      http.post("logging dataset inputs", "runs/log-inputs", body);
    }
    for (RunData.Artifact a : data.artifacts()) {
      artifacts.upload(run, a);
    }
  }

  private static ObjectNode keyValue(String key, String value) {
    return JsonNodeFactory.instance.objectNode().put("key", key).put("value", value);
  }

  private static ObjectNode batch(ServerRun run, String field, List<ObjectNode> items) {
    ObjectNode body = JsonNodeFactory.instance.objectNode().put("run_id", run.runId());
    body.putArray(field).addAll(items);
    return body;
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
    ObjectNode body =
        JsonNodeFactory.instance
            .objectNode()
            .put("run_id", run.runId())
            .put("status", status.name())
            .put("end_time", end);
    http.post("ending the run", "runs/update", body);
  }

  /** The bytes of artifact {@code path} of {@code run}. */
  public byte[] download(ServerRun run, String path) throws TrackingException {
    return artifacts.download(run, path);
  }

  /**
   * Registers the model stored under {@code artifactPath} of {@code run} as a new version of {@code
   * name} (created when missing) and waits until the registry says it is ready.
   */
  public ModelVersion register(
      String name, ServerRun run, String artifactPath, Map<String, String> tags)
      throws TrackingException {
    return registry.register(name, run, artifactPath, tags);
  }

  /** Points alias {@code alias} of {@code name} at {@code version}. */
  public void setAlias(String name, String alias, String version) throws TrackingException {
    registry.setAlias(name, alias, version);
  }

  /** The version alias {@code alias} of {@code name} points at. */
  public ModelVersion byAlias(String name, String alias) throws TrackingException {
    return registry.byAlias(name, alias);
  }

  /** Version {@code version} of {@code name}. */
  public ModelVersion byVersion(String name, String version) throws TrackingException {
    return registry.byVersion(name, version);
  }

  static boolean alreadyExists(TrackingException e) {
    return e.getCause() instanceof MlflowHttpError h
        && h.errorCode().equals("RESOURCE_ALREADY_EXISTS");
  }

  /** Nothing to release: {@code java.net.http}'s threads are daemons and end with their client. */
  @Override
  public void close() {}
}
