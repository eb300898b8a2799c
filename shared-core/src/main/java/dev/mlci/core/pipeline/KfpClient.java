package dev.mlci.core.pipeline;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * A client of the Kubeflow Pipelines REST API v2beta1, the calls {@code mlci run --on kfp} makes
 * (shapes of kubeflow/pipelines {@code backend/api/v2beta1/swagger/run.swagger.json} and the
 * artifact service's {@code artifacts.swagger.json}, copied into example-repos' test resources with
 * their licence): create a run with the pipeline spec inline ({@code POST /apis/v2beta1/runs}),
 * read it ({@code GET /apis/v2beta1/runs/{run_id}}), terminate it, and fetch an output artifact
 * through its signed download URL ({@code GET
 * /apis/v2beta1/artifacts/{artifact_id}?view=DOWNLOAD}). JDK's HttpClient and Jackson; the bearer
 * token, when there is one, goes to the API server only (never to the signed URL, which carries its
 * own authorisation) and is never part of a message.
 */
public final class KfpClient {
  /** The API's path prefix. */
  public static final String API = "/apis/v2beta1";

  private static final ObjectMapper JSON = new ObjectMapper();

  private final URI endpoint;
  private final Optional<String> token;
  private final Duration requestTimeout;
  private final HttpClient http;

  /** What went wrong talking to the API: {@code status} 0 when no answer came at all. */
  public static final class KfpException extends Exception {
    private static final long serialVersionUID = 1L;
    private final int status;

    KfpException(int status, String message, Throwable cause) {
      super(message, cause);
      this.status = status;
    }

    /** The HTTP status of the answer, 0 when the server could not be reached. */
    public int status() {
      return status;
    }
  }

  /**
   * A task of a run as the API reports it ({@code v2beta1PipelineTaskDetail}).
   *
   * @param name its display name (the pipeline's task name)
   * @param state its runtime state ({@code PENDING}, {@code RUNNING}, {@code SUCCEEDED}, ...)
   * @param error the message of its error, when it failed
   * @param outputs its output artifacts' ids by output name
   */
  public record Task(
      String name, String state, Optional<String> error, Map<String, List<String>> outputs) {
    public Task {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(state, "state");
      Objects.requireNonNull(error, "error");
      outputs = Map.copyOf(outputs);
    }
  }

  /**
   * A run as the API reports it ({@code v2beta1Run}).
   *
   * @param runId the server's id of the run
   * @param state the run's runtime state
   * @param error the message of the run's error, when it has one
   * @param tasks its tasks, in the order the API lists them
   */
  public record Run(String runId, String state, Optional<String> error, List<Task> tasks) {
    public Run {
      Objects.requireNonNull(runId, "runId");
      Objects.requireNonNull(state, "state");
      Objects.requireNonNull(error, "error");
      tasks = List.copyOf(tasks);
    }

    /** Whether the run has ended: succeeded, failed or canceled. */
    public boolean finished() {
      return state.equals("SUCCEEDED") || state.equals("FAILED") || state.equals("CANCELED");
    }

    /** The first task that failed, if any. */
    public Optional<Task> failedTask() {
      return tasks.stream().filter(t -> t.state().equals("FAILED")).findFirst();
    }
  }

  /**
   * A client of the API at {@code endpoint} (scheme, host, port and any path prefix a proxy puts
   * before {@value #API}).
   */
  public KfpClient(URI endpoint, Optional<String> token, Duration requestTimeout) {
    Objects.requireNonNull(endpoint, "endpoint");
    if (endpoint.getScheme() == null
        || !(endpoint.getScheme().equals("http") || endpoint.getScheme().equals("https"))
        || endpoint.getHost() == null) {
      throw new IllegalArgumentException("'" + endpoint + "' is not an http(s) URL");
    }
    String s = endpoint.toString();
    this.endpoint = URI.create(s.endsWith("/") ? s.substring(0, s.length() - 1) : s);
    this.token = Objects.requireNonNull(token, "token");
    this.requestTimeout = Objects.requireNonNull(requestTimeout, "requestTimeout");
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(20))
            .followRedirects(HttpClient.Redirect.NORMAL)
            .build();
  }

  /**
   * Creates a run of {@code pipelineSpec} (the {@code PipelineSpec} as JSON) with {@code
   * parameters} and returns it as the server answered.
   */
  public Run createRun(
      String displayName,
      JsonNode pipelineSpec,
      Map<String, String> parameters,
      Optional<String> experimentId)
      throws KfpException {
    ObjectNode run = JsonNodeFactory.instance.objectNode();
    run.put("display_name", displayName);
    experimentId.ifPresent(id -> run.put("experiment_id", id));
    run.set("pipeline_spec", pipelineSpec);
    ObjectNode params = run.putObject("runtime_config").putObject("parameters");
    parameters.forEach(params::put);
    return run(send("POST", API + "/runs", run));
  }

  /** The run {@code runId} now. */
  public Run getRun(String runId) throws KfpException {
    return run(send("GET", API + "/runs/" + segment(runId), null));
  }

  /** Asks the server to stop the run {@code runId}. */
  public void terminate(String runId) throws KfpException {
    send("POST", API + "/runs/" + segment(runId) + ":terminate", null);
  }

  /**
   * Downloads the artifact {@code artifactId} to {@code to} through the signed URL the artifact
   * service hands out ({@code view=DOWNLOAD}); {@code to} appears whole or not at all.
   */
  public void download(String artifactId, Path to) throws KfpException {
    JsonNode a = send("GET", API + "/artifacts/" + segment(artifactId) + "?view=DOWNLOAD", null);
    String url = a.path("download_url").asString("");
    if (url.isEmpty()) {
      throw new KfpException(
          200,
          "the API server gave no download_url for artifact "
              + artifactId
              + (a.path("error").has("message")
                  ? ": " + a.path("error").path("message").asString()
                  : " (its artifact store may not hand out signed URLs)"),
          null);
    }
    URI uri;
    try {
      uri = endpoint.resolve(url);
    } catch (IllegalArgumentException e) {
      throw new KfpException(200, "the artifact's download_url is not a URL", e);
    }
    HttpRequest request = HttpRequest.newBuilder(uri).timeout(requestTimeout).GET().build();
    Path partial = to.resolveSibling(to.getFileName() + ".partial");
    try {
      Files.createDirectories(to.toAbsolutePath().getParent());
      HttpResponse<Path> r = http.send(request, HttpResponse.BodyHandlers.ofFile(partial));
      if (r.statusCode() / 100 != 2) {
        String body = Files.readString(partial);
        throw new KfpException(
            r.statusCode(),
            "the artifact store answered HTTP "
                + r.statusCode()
                + " for artifact "
                + artifactId
                + ": "
                + brief(body),
            null);
      }
      Files.move(partial, to, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new KfpException(0, "cannot download artifact " + artifactId + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KfpException(0, "interrupted while downloading artifact " + artifactId, e);
    } finally {
      try {
        Files.deleteIfExists(partial);
      } catch (IOException ignored) {
        // the partial file is in a folder the caller owns and replaces
      }
    }
  }

  private JsonNode send(String method, String path, JsonNode body) throws KfpException {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(endpoint + path))
            .timeout(requestTimeout)
            .header("Accept", "application/json");
    token.ifPresent(t -> b.header("Authorization", "Bearer " + t));
    if (body != null) {
      b.header("Content-Type", "application/json");
      b.method(method, HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
    } else if (method.equals("POST")) {
      b.POST(HttpRequest.BodyPublishers.noBody());
    } else {
      b.GET();
    }
    HttpResponse<InputStream> r;
    String text;
    try {
      r = http.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
      try (InputStream in = r.body()) {
        text = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      }
    } catch (HttpTimeoutException e) {
      throw new KfpException(
          0,
          "the Kubeflow Pipelines API at "
              + endpoint
              + " did not answer "
              + method
              + " "
              + path
              + " within "
              + requestTimeout.toSeconds()
              + " s",
          e);
    } catch (ConnectException e) {
      throw new KfpException(
          0, "cannot reach the Kubeflow Pipelines API at " + endpoint + " (" + e + ")", e);
    } catch (IOException e) {
      throw new KfpException(
          0, "cannot talk to the Kubeflow Pipelines API at " + endpoint + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KfpException(0, "interrupted while waiting for " + endpoint, e);
    }
    JsonNode tree = null;
    try {
      tree = text.isBlank() ? JsonNodeFactory.instance.objectNode() : JSON.readTree(text);
    } catch (JacksonException e) {
      // not JSON: a proxy's page, say; the status below tells what happened
    }
    if (r.statusCode() / 100 != 2) {
      String message =
          tree != null && tree.path("message").isString()
              ? tree.path("message").asString()
              : brief(text);
      throw new KfpException(
          r.statusCode(),
          "the Kubeflow Pipelines API answered "
              + method
              + " "
              + path
              + " with HTTP "
              + r.statusCode()
              + ": "
              + message,
          null);
    }
    if (tree == null || !tree.isObject()) {
      throw new KfpException(
          r.statusCode(),
          "the Kubeflow Pipelines API answered "
              + method
              + " "
              + path
              + " with something that is not a JSON object: "
              + brief(text),
          null);
    }
    return tree;
  }

  /** A {@code v2beta1Run} as a {@link Run}. */
  static Run run(JsonNode n) throws KfpException {
    String id = n.path("run_id").asString("");
    if (id.isEmpty()) {
      throw new KfpException(200, "the API's run has no run_id: " + brief(n.toString()), null);
    }
    List<Task> tasks = new ArrayList<>();
    for (JsonNode t : n.path("run_details").path("task_details")) {
      Map<String, List<String>> outputs = new LinkedHashMap<>();
      for (var e : t.path("outputs").properties()) {
        List<String> ids = new ArrayList<>();
        e.getValue().path("artifact_ids").forEach(a -> ids.add(a.asString()));
        outputs.put(e.getKey(), ids);
      }
      tasks.add(
          new Task(
              t.path("display_name").asString(""),
              t.path("state").asString("RUNTIME_STATE_UNSPECIFIED"),
              message(t.path("error")),
              outputs));
    }
    return new Run(
        id, n.path("state").asString("RUNTIME_STATE_UNSPECIFIED"), message(n.path("error")), tasks);
  }

  private static Optional<String> message(JsonNode status) {
    String m = status.path("message").asString("");
    return m.isEmpty() ? Optional.empty() : Optional.of(m);
  }

  private static String segment(String id) {
    if (!id.matches("[A-Za-z0-9._-]+")) {
      throw new IllegalArgumentException("'" + id + "' is not an id of the API");
    }
    return id;
  }

  private static String brief(String text) {
    String t = text.strip().replaceAll("\\s+", " ");
    return t.length() > 300 ? t.substring(0, 300) + "..." : (t.isEmpty() ? "(no body)" : t);
  }
}
