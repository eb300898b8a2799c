package dev.mlci.examples;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * A local STAND-IN for a Kubeflow Pipelines API server (no cluster can run here), for {@code mlci
 * run --on kfp}. It answers exactly the calls of kubeflow/pipelines' v2beta1 API descriptions
 * copied into {@code src/test/resources/kfp-api} (RunService's create, get and terminate;
 * ArtifactService's get with {@code view=DOWNLOAD}), and validates every request body it receives
 * and every answer it gives against those files' schemas with networknt's JSON-schema validator,
 * strictly (a property the file does not declare is an error): a request that does not match is
 * answered 400 as grpc-gateway does, and every mismatch is kept in {@link #violations()} for the
 * test to assert on.
 *
 * <p>It "runs" the pipeline spec of a run as KFP's driver would, in the DAG's order: each task's
 * container args with the placeholders filled in ({@code {{$}}}, inputs, output paths, output
 * files), executed by the runner image's CLI, this build's mlci.jar, as a local process instead of
 * a container. The artifacts it hands out are the files the tasks wrote. A task with a {@code
 * triggerPolicy.condition} (a condition group) has its condition evaluated over its input
 * parameters, for the one form mlci writes ({@code inputs.parameter_values['A'] == / !=
 * inputs.parameter_values['B']} or a quoted string); when false it is SKIPPED, as KFP's driver
 * skips it; when true the stand-in fails the run, since it does not run a group's sub-DAG
 * (KfpPipelineIT runs the groups with Kubeflow's own local runner).
 */
final class KfpApiStandIn implements AutoCloseable {
  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{\\$[^}]*}}");

  private final HttpServer server;
  private final ExecutorService runner = Executors.newSingleThreadExecutor();
  private final Path root;
  private final String token;
  private final Map<String, Schema> schemas = new ConcurrentHashMap<>();
  private final JsonNode runDefinitions;
  private final JsonNode artifactDefinitions;
  private final Map<String, ObjectNode> runs = new ConcurrentHashMap<>();
  private final Map<String, Path> artifacts = new ConcurrentHashMap<>();
  private final Map<String, Process> processes = new ConcurrentHashMap<>();
  private final List<String> violations = Collections.synchronizedList(new ArrayList<>());
  private final List<String> calls = Collections.synchronizedList(new ArrayList<>());
  private final AtomicLong ids = new AtomicLong(1000);

  private KfpApiStandIn(Path root, String token) throws IOException {
    this.root = root;
    this.token = token;
    this.runDefinitions = strict(swagger("run.swagger.json").path("definitions"));
    this.artifactDefinitions = strict(swagger("artifacts.swagger.json").path("definitions"));
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", this::handle);
    server.setExecutor(Executors.newFixedThreadPool(4));
    server.start();
  }

  /** A stand-in on a free port of 127.0.0.1 that wants {@code token} as the bearer token. */
  static KfpApiStandIn start(Path root, String token) throws IOException {
    return new KfpApiStandIn(Files.createDirectories(root), token);
  }

  /** Its base URL, what {@code --kfp-endpoint} gets. */
  String endpoint() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** Every schema mismatch of a request or an answer, so far. */
  List<String> violations() {
    return List.copyOf(violations);
  }

  /** Every call, as {@code METHOD path}. */
  List<String> calls() {
    return List.copyOf(calls);
  }

  static JsonNode swagger(String file) throws IOException {
    try (InputStream in = KfpApiStandIn.class.getResourceAsStream("/kfp-api/" + file)) {
      return Tools.JSON.readTree(in);
    }
  }

  /**
   * The swagger file's definitions with every object that declares properties closed ({@code
   * additionalProperties: false}): a field the API does not document is a drift, not a detail.
   */
  static JsonNode strict(JsonNode definitions) {
    JsonNode copy = definitions.deepCopy();
    close(copy);
    return copy;
  }

  private static void close(JsonNode n) {
    if (n.isObject()) {
      ObjectNode o = (ObjectNode) n;
      if (o.has("properties") && !o.has("additionalProperties")) {
        o.put("additionalProperties", false);
      }
      o.forEach(KfpApiStandIn::close);
    } else if (n.isArray()) {
      n.forEach(KfpApiStandIn::close);
    }
  }

  /** The problems of {@code instance} as the definition {@code name} of {@code file}'s schemas. */
  List<String> check(String file, String name, JsonNode instance) {
    Schema s =
        schemas.computeIfAbsent(
            file + "#" + name,
            k -> {
              ObjectNode doc = F.objectNode();
              doc.put("$ref", "#/definitions/" + name);
              doc.set(
                  "definitions",
                  file.startsWith("run")
                      ? runDefinitions.deepCopy()
                      : artifactDefinitions.deepCopy());
              return SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_4).getSchema(doc);
            });
    List<String> out = new ArrayList<>();
    for (Error e : s.validate(instance)) {
      out.add(name + " " + e.getInstanceLocation() + ": " + e.getMessage());
    }
    return out;
  }

  private void handle(HttpExchange x) throws IOException {
    try (x) {
      String method = x.getRequestMethod();
      URI uri = x.getRequestURI();
      String path = uri.getPath();
      calls.add(method + " " + path);
      if (path.startsWith("/store/")) {
        Path file = artifacts.get(path.substring("/store/".length()));
        if (file == null || !Files.isRegularFile(file)) {
          send(x, 404, "no such object".getBytes(StandardCharsets.UTF_8), "text/plain");
        } else {
          send(x, 200, Files.readAllBytes(file), "application/octet-stream");
        }
        return;
      }
      if (!("Bearer " + token).equals(x.getRequestHeaders().getFirst("Authorization"))) {
        error(x, 401, 16, "Unauthenticated: the request has no valid bearer token");
        return;
      }
      Matcher m;
      if (method.equals("POST") && path.equals("/apis/v2beta1/runs")) {
        JsonNode body = Tools.JSON.readTree(x.getRequestBody());
        List<String> problems = check("run", "v2beta1Run", body);
        if (!problems.isEmpty()) {
          violations.addAll(problems);
          error(x, 400, 3, "Invalid input error: " + String.join("; ", problems));
          return;
        }
        if (!body.path("pipeline_spec").isObject()
            || body.path("display_name").asString("").isEmpty()) {
          error(x, 400, 3, "Invalid input error: a run needs display_name and pipeline_spec");
          return;
        }
        answer(x, "v2beta1Run", create((ObjectNode) body));
      } else if (method.equals("GET")
          && (m = Pattern.compile("/apis/v2beta1/runs/([^/:]+)").matcher(path)).matches()) {
        ObjectNode run = runs.get(m.group(1));
        if (run == null) {
          error(x, 404, 5, "Run " + m.group(1) + " not found");
        } else {
          ObjectNode copy;
          synchronized (run) {
            copy = run.deepCopy();
          }
          answer(x, "v2beta1Run", copy);
        }
      } else if (method.equals("POST")
          && (m = Pattern.compile("/apis/v2beta1/runs/([^/:]+):terminate").matcher(path))
              .matches()) {
        ObjectNode run = runs.get(m.group(1));
        if (run == null) {
          error(x, 404, 5, "Run " + m.group(1) + " not found");
          return;
        }
        synchronized (run) {
          run.put("state", "CANCELING");
        }
        Process p = processes.get(m.group(1));
        if (p != null) {
          p.destroyForcibly();
        }
        send(x, 200, "{}".getBytes(StandardCharsets.UTF_8), "application/json");
      } else if (method.equals("GET")
          && (m = Pattern.compile("/apis/v2beta1/artifacts/([0-9]+)").matcher(path)).matches()) {
        String view = query(uri).getOrDefault("view", "ARTIFACT_VIEW_UNSPECIFIED");
        List<String> enumValues = new ArrayList<>();
        swagger("artifacts.swagger.json")
            .path("definitions")
            .path("GetArtifactRequestArtifactView")
            .path("enum")
            .forEach(v -> enumValues.add(v.asString()));
        if (!enumValues.contains(view)) {
          violations.add("view=" + view + " is not one of " + enumValues);
          error(x, 400, 3, "Invalid input error: view " + view);
          return;
        }
        Path file = artifacts.get(m.group(1));
        if (file == null) {
          error(x, 404, 5, "Artifact " + m.group(1) + " not found");
          return;
        }
        ObjectNode a = F.objectNode();
        a.put("artifact_id", m.group(1));
        a.put("storage_provider", "minio");
        a.put("storage_path", root.relativize(file).toString());
        a.put("uri", "minio://mlpipeline/" + root.relativize(file));
        a.put("artifact_type", "system.Artifact");
        if (Files.isRegularFile(file)) {
          a.put("artifact_size", String.valueOf(Files.size(file)));
        }
        if (view.equals("DOWNLOAD")) {
          a.put("download_url", endpoint() + "/store/" + m.group(1) + "?X-Amz-Signature=standin");
        }
        a.put("created_at", Instant.now().toString());
        answer(x, "v2beta1Artifact", a);
      } else {
        error(x, 404, 5, "Not Found");
      }
    } catch (RuntimeException e) {
      violations.add("the stand-in failed: " + e);
      throw e;
    }
  }

  private static Map<String, String> query(URI uri) {
    Map<String, String> q = new LinkedHashMap<>();
    if (uri.getRawQuery() != null) {
      for (String kv : uri.getRawQuery().split("&")) {
        String[] p = kv.split("=", 2);
        q.put(p[0], p.length > 1 ? p[1] : "");
      }
    }
    return q;
  }

  private void answer(HttpExchange x, String definition, ObjectNode body) throws IOException {
    List<String> problems =
        check(definition.equals("v2beta1Artifact") ? "artifacts" : "run", definition, body);
    violations.addAll(problems.stream().map(p -> "answer: " + p).toList());
    send(x, 200, Tools.JSON.writeValueAsBytes(body), "application/json");
  }

  private void error(HttpExchange x, int status, int code, String message) throws IOException {
    ObjectNode s = F.objectNode();
    s.put("code", code);
    s.put("message", message);
    s.putArray("details");
    violations.addAll(
        check("run", "googleRpcStatus", s).stream().map(p -> "answer: " + p).toList());
    send(x, status, Tools.JSON.writeValueAsBytes(s), "application/json");
  }

  private static void send(HttpExchange x, int status, byte[] body, String type)
      throws IOException {
    x.getResponseHeaders().set("Content-Type", type);
    x.sendResponseHeaders(status, body.length);
    x.getResponseBody().write(body);
  }

  private ObjectNode create(ObjectNode request) {
    String id = UUID.randomUUID().toString();
    ObjectNode run = request.deepCopy();
    run.put("run_id", id);
    if (!run.has("experiment_id")) {
      run.put("experiment_id", "default-experiment");
    }
    run.put("storage_state", "AVAILABLE");
    run.put("created_at", Instant.now().toString());
    run.put("scheduled_at", Instant.now().toString());
    run.put("state", "PENDING");
    run.putObject("run_details").putArray("task_details");
    runs.put(id, run);
    runner.submit(() -> execute(id, run));
    return run.deepCopy();
  }

  /** Runs the spec's DAG, task after task in dependency order, as KFP's driver and launcher. */
  private void execute(String runId, ObjectNode run) {
    JsonNode spec = run.path("pipeline_spec");
    Map<String, String> params = new LinkedHashMap<>();
    spec.path("root")
        .path("inputDefinitions")
        .path("parameters")
        .properties()
        .forEach(e -> params.put(e.getKey(), e.getValue().path("defaultValue").asString("")));
    run.path("runtime_config")
        .path("parameters")
        .properties()
        .forEach(e -> params.put(e.getKey(), e.getValue().asString()));
    Map<String, Path> produced = new LinkedHashMap<>();
    Map<String, String> producedIds = new LinkedHashMap<>();
    List<String> done = new ArrayList<>();
    JsonNode tasks = spec.path("root").path("dag").path("tasks");
    synchronized (run) {
      run.put("state", "RUNNING");
    }
    try {
      while (done.size() < tasks.size()) {
        String next = null;
        for (var t : tasks.properties()) {
          if (done.contains(t.getKey())) {
            continue;
          }
          boolean ready = true;
          for (JsonNode dep : t.getValue().path("dependentTasks")) {
            ready &= done.contains(dep.asString());
          }
          if (ready) {
            next = t.getKey();
            break;
          }
        }
        if (next == null) {
          fail(run, null, "the DAG has a cycle or a missing task");
          return;
        }
        if (!runTask(runId, run, spec, next, params, produced, producedIds)) {
          return;
        }
        done.add(next);
      }
      synchronized (run) {
        run.put("state", "SUCCEEDED");
        run.put("finished_at", Instant.now().toString());
      }
    } catch (Exception e) {
      fail(run, null, "the stand-in could not run the task: " + e);
    }
  }

  private boolean runTask(
      String runId,
      ObjectNode run,
      JsonNode spec,
      String name,
      Map<String, String> params,
      Map<String, Path> produced,
      Map<String, String> producedIds)
      throws Exception {
    JsonNode task = spec.path("root").path("dag").path("tasks").path(name);
    JsonNode comp = spec.path("components").path(task.path("componentRef").path("name").asString());
    String condition = task.path("triggerPolicy").path("condition").asString("");
    if (!condition.isEmpty()) {
      return conditionTask(runId, run, task, name, condition, params);
    }
    JsonNode container =
        spec.path("deploymentSpec")
            .path("executors")
            .path(comp.path("executorLabel").asString())
            .path("container");
    Path dir = Files.createDirectories(root.resolve(runId).resolve(name));
    ObjectNode detail;
    synchronized (run) {
      if (!run.path("state").asString().equals("RUNNING")) {
        return false;
      }
      detail = ((ArrayNode) run.path("run_details").path("task_details")).addObject();
      detail.put("run_id", runId);
      detail.put("task_id", UUID.randomUUID().toString());
      detail.put("display_name", name);
      detail.put("create_time", Instant.now().toString());
      detail.put("start_time", Instant.now().toString());
      detail.put("state", "RUNNING");
      detail.put("execution_id", String.valueOf(ids.incrementAndGet()));
    }
    // The executor input and the placeholders, as the launcher fills them in.
    ObjectNode input = F.objectNode();
    ObjectNode values = input.putObject("inputs").putObject("parameterValues");
    Map<String, String> fill = new LinkedHashMap<>();
    task.path("inputs")
        .path("parameters")
        .properties()
        .forEach(
            e -> {
              String v = params.get(e.getValue().path("componentInputParameter").asString());
              values.put(e.getKey(), v);
              fill.put("{{$.inputs.parameters['" + e.getKey() + "']}}", v);
            });
    ObjectNode inArts = ((ObjectNode) input.path("inputs")).putObject("artifacts");
    for (var e : task.path("inputs").path("artifacts").properties()) {
      JsonNode src = e.getValue().path("taskOutputArtifact");
      String key =
          src.path("producerTask").asString() + "/" + src.path("outputArtifactKey").asString();
      Path p = produced.get(key);
      inArts
          .putObject(e.getKey())
          .putArray("artifacts")
          .addObject()
          .put("name", producedIds.get(key))
          .put("uri", p.toUri().toString());
      fill.put("{{$.inputs.artifacts['" + e.getKey() + "'].path}}", p.toString());
    }
    ObjectNode outputs = input.putObject("outputs");
    ObjectNode outArts = outputs.putObject("artifacts");
    Map<String, Path> mine = new LinkedHashMap<>();
    for (var e : comp.path("outputDefinitions").path("artifacts").properties()) {
      Path p = dir.resolve(e.getKey());
      mine.put(e.getKey(), p);
      Files.createDirectories(p);
      outArts
          .putObject(e.getKey())
          .putArray("artifacts")
          .addObject()
          .put("name", e.getKey())
          .put("uri", p.toUri().toString())
          .set("type", e.getValue().path("artifactType"));
      fill.put("{{$.outputs.artifacts['" + e.getKey() + "'].path}}", p.toString());
    }
    ObjectNode outParams = outputs.putObject("parameters");
    for (var e : comp.path("outputDefinitions").path("parameters").properties()) {
      Path p = dir.resolve("parameters").resolve(e.getKey());
      outParams.putObject(e.getKey()).put("outputFile", p.toString());
      fill.put("{{$.outputs.parameters['" + e.getKey() + "'].output_file}}", p.toString());
    }
    outputs.put("outputFile", dir.resolve("executor_output.json").toString());
    fill.put("{{$.outputs.output_file}}", dir.resolve("executor_output.json").toString());
    fill.put("{{$}}", Tools.JSON.writeValueAsString(input));

    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-jar");
    cmd.add(
        Path.of(System.getProperty("mlci.jar", "../action-runner/target/mlci.jar"))
            .toAbsolutePath()
            .toString());
    for (JsonNode a : container.path("args")) {
      String arg = a.asString();
      for (var f : fill.entrySet()) {
        arg = arg.replace(f.getKey(), f.getValue());
      }
      if (PLACEHOLDER.matcher(arg).find()) {
        fail(run, detail, "the stand-in does not fill in " + arg);
        return false;
      }
      cmd.add(arg);
    }
    Process p =
        new ProcessBuilder(cmd)
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("log.txt").toFile())
            .start();
    processes.put(runId, p);
    int exit = p.waitFor();
    processes.remove(runId);
    synchronized (run) {
      if (run.path("state").asString().equals("CANCELING")) {
        detail.put("state", "CANCELED");
        detail.put("end_time", Instant.now().toString());
        run.put("state", "CANCELED");
        run.put("finished_at", Instant.now().toString());
        return false;
      }
    }
    if (exit != 0) {
      List<String> log = Files.readAllLines(dir.resolve("log.txt"));
      String last = String.join(" ", log.subList(Math.max(0, log.size() - 3), log.size()));
      fail(run, detail, "main container exited with code " + exit + ": " + last);
      return false;
    }
    synchronized (run) {
      ObjectNode outs = detail.putObject("outputs");
      for (var e : mine.entrySet()) {
        String id = String.valueOf(ids.incrementAndGet());
        artifacts.put(id, e.getValue());
        produced.put(name + "/" + e.getKey(), e.getValue());
        producedIds.put(name + "/" + e.getKey(), id);
        outs.putObject(e.getKey()).putArray("artifact_ids").add(id);
      }
      detail.put("state", "SUCCEEDED");
      detail.put("end_time", Instant.now().toString());
    }
    return true;
  }

  private static final Pattern OPERAND =
      Pattern.compile("inputs\\.parameter_values\\['([^']+)'\\]|'([^']*)'");

  /** A condition group: SKIPPED when its condition is false (see the class's comment). */
  private boolean conditionTask(
      String runId,
      ObjectNode run,
      JsonNode task,
      String name,
      String condition,
      Map<String, String> params)
      throws IOException {
    Map<String, String> inputs = new LinkedHashMap<>();
    for (var e : task.path("inputs").path("parameters").properties()) {
      JsonNode v = e.getValue();
      if (v.has("componentInputParameter")) {
        inputs.put(e.getKey(), params.get(v.path("componentInputParameter").asString()));
      } else {
        JsonNode src = v.path("taskOutputParameter");
        Path file =
            root.resolve(runId)
                .resolve(src.path("producerTask").asString())
                .resolve("parameters")
                .resolve(src.path("outputParameterKey").asString());
        inputs.put(e.getKey(), Files.readString(file));
      }
    }
    String op = condition.contains(" == ") ? " == " : " != ";
    String[] sides = condition.split(op, 2);
    List<String> values = new ArrayList<>();
    for (String side : sides) {
      java.util.regex.Matcher m = OPERAND.matcher(side.strip());
      if (sides.length != 2 || !m.matches()) {
        fail(run, null, "the stand-in does not evaluate the condition " + condition);
        return false;
      }
      values.add(m.group(1) != null ? inputs.get(m.group(1)) : m.group(2));
    }
    boolean holds = values.get(0).equals(values.get(1)) == op.equals(" == ");
    ObjectNode detail;
    synchronized (run) {
      detail = ((ArrayNode) run.path("run_details").path("task_details")).addObject();
      detail.put("run_id", runId);
      detail.put("task_id", UUID.randomUUID().toString());
      detail.put("display_name", name);
      detail.put("create_time", Instant.now().toString());
      detail.put("start_time", Instant.now().toString());
      detail.put("execution_id", String.valueOf(ids.incrementAndGet()));
      if (!holds) {
        detail.put("state", "SKIPPED");
        detail.put("end_time", Instant.now().toString());
        return true;
      }
      detail.put("state", "RUNNING");
    }
    fail(run, detail, "the stand-in does not run a condition group's sub-DAG (" + name + ")");
    return false;
  }

  private static void fail(ObjectNode run, ObjectNode detail, String message) {
    synchronized (run) {
      if (detail != null) {
        detail.put("state", "FAILED");
        detail.put("end_time", Instant.now().toString());
        detail.putObject("error").put("code", 2).put("message", message);
      }
      run.put("state", "FAILED");
      run.put("finished_at", Instant.now().toString());
      run.putObject("error").put("code", 2).put("message", "task failed: " + message);
    }
  }

  @Override
  public void close() {
    processes.values().forEach(Process::destroyForcibly);
    runner.shutdownNow();
    server.stop(0);
  }
}
