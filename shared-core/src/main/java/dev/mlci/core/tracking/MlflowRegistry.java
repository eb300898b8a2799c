package dev.mlci.core.tracking;

import static dev.mlci.core.tracking.MlflowHttp.query;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * MLflow's model registry over its REST API: registered models, their versions and aliases.
 *
 * <p>Creating a version is not idempotent in MLflow (each create is a new version number), so a
 * retried create must not simply be sent again: every version mlci creates carries the tag {@value
 * #REQUEST_TAG} with a value unique to the call, and a retry first searches the run's versions of
 * the model for it. A registered model is created by name; a retry that finds it exists ({@code
 * RESOURCE_ALREADY_EXISTS}) takes it as created.
 */
final class MlflowRegistry {
  /** The tag that tells a create's result from everything else on the server. */
  static final String REQUEST_TAG = "mlci.request_id";

  private final MlflowHttp http;

  MlflowRegistry(MlflowHttp http) {
    this.http = http;
  }

  /** See {@link MlflowServer#register}. */
  MlflowServer.ModelVersion register(
      String name, MlflowServer.ServerRun run, String artifactPath, Map<String, String> tags)
      throws TrackingException {
    ensureModel(name);
    String request = UUID.randomUUID().toString();
    ObjectNode version = JsonNodeFactory.instance.objectNode();
    version.put("name", name);
    version.put("source", run.artifactUri() + "/" + artifactPath);
    version.put("run_id", run.runId());
    ArrayNode t = version.putArray("tags");
    tags.forEach((k, v) -> t.addObject().put("key", k).put("value", v));
    t.addObject().put("key", REQUEST_TAG).put("value", request);
    JsonNode created =
        http.create(
            "creating a version of '" + name + "'",
            new MlflowHttp.Create<JsonNode>() {
              @Override
              public JsonNode send() throws IOException, InterruptedException {
                return http.postOnce("model-versions/create", version).path("model_version");
              }

              @Override
              public Optional<JsonNode> find() throws IOException, InterruptedException {
                return findVersion(name, run.runId(), request);
              }
            });
    String number = created.path("version").asString();
    long deadline = System.nanoTime() + http.retry().timeout().toNanos();
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

  /** Creates registered model {@code name} unless it exists. */
  private void ensureModel(String name) throws TrackingException {
    JsonNode existing =
        http.get(
            "looking up registered model '" + name + "'",
            "registered-models/search?max_results=10&filter=" + query("name = '" + name + "'"));
    for (JsonNode m : existing.path("registered_models")) {
      if (m.path("name").asString("").equals(name)) {
        return;
      }
    }
    ObjectNode model = JsonNodeFactory.instance.objectNode().put("name", name);
    try {
      // Idempotent by name: a retry after a lost answer is told RESOURCE_ALREADY_EXISTS.
      http.post("creating registered model '" + name + "'", "registered-models/create", model);
    } catch (TrackingException e) {
      if (!MlflowServer.alreadyExists(e)) {
        throw e;
      }
    }
  }

  /**
   * The version of {@code name} from run {@code runId} that carries request tag {@code request}.
   */
  private Optional<JsonNode> findVersion(String name, String runId, String request)
      throws IOException, InterruptedException {
    String filter = "name = '" + name + "' and run_id = '" + runId + "'";
    JsonNode found = http.getOnce("model-versions/search?max_results=200&filter=" + query(filter));
    for (JsonNode v : found.path("model_versions")) {
      for (JsonNode tag : v.path("tags")) {
        if (tag.path("key").asString("").equals(REQUEST_TAG)
            && tag.path("value").asString("").equals(request)
            && v.path("name").asString("").equals(name)) {
          return Optional.of(v);
        }
      }
    }
    return Optional.empty();
  }

  /** See {@link MlflowServer#setAlias}. */
  void setAlias(String name, String alias, String version) throws TrackingException {
    ObjectNode body =
        JsonNodeFactory.instance
            .objectNode()
            .put("name", name)
            .put("alias", alias)
            .put("version", version);
    http.post("setting alias '" + alias + "' of '" + name + "'", "registered-models/alias", body);
  }

  /** See {@link MlflowServer#byAlias}. */
  MlflowServer.ModelVersion byAlias(String name, String alias) throws TrackingException {
    String path = "registered-models/alias?name=" + query(name) + "&alias=" + query(alias);
    return version(
        http.get("reading alias '" + alias + "' of '" + name + "'", path).path("model_version"));
  }

  /** See {@link MlflowServer#byVersion}. */
  MlflowServer.ModelVersion byVersion(String name, String version) throws TrackingException {
    return version(versionJson(name, version));
  }

  private JsonNode versionJson(String name, String version) throws TrackingException {
    String path = "model-versions/get?name=" + query(name) + "&version=" + query(version);
    return http.get("reading version " + version + " of '" + name + "'", path)
        .path("model_version");
  }

  private static MlflowServer.ModelVersion version(JsonNode v) {
    return new MlflowServer.ModelVersion(
        v.path("name").asString(),
        v.path("version").asString(),
        v.path("run_id").asString(""),
        v.path("source").asString(""));
  }

  private static void sleep(Duration d) throws TrackingException {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TrackingException("interrupted while waiting for the registry", e);
    }
  }
}
