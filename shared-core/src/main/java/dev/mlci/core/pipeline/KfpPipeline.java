package dev.mlci.core.pipeline;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.dataformat.yaml.YAMLMapper;
import tools.jackson.dataformat.yaml.YAMLWriteFeature;

/**
 * A Kubeflow Pipelines v2 pipeline in its intermediate representation (the {@code PipelineSpec} of
 * kubeflow/pipelines {@code api/v2alpha1/pipeline_spec.proto}, schema 2.1.0, as the {@code kfp} SDK
 * compiles it): container components on the runner image, {@code checkout → train → evaluate → gate
 * → containerize → register}, handing the repository, the model, the evaluation and the reports on
 * as KFP artifacts and the gate's verdict as an output parameter of the pipeline. Train, evaluate
 * and gate record into one MLflow run on the server of the parameter {@value #TRACKING_URI}, each
 * handing the link to it ({@code tracking.json}) on as the artifact {@value #TRACKING}.
 *
 * <p>The containerize task runs only on the target branch and when the gate did not FAIL: two
 * nested condition groups with a {@code triggerPolicy.condition} each, exactly as the SDK compiles
 * {@code with dsl.If(branch == target_branch): with dsl.If(gate.outputs['verdict'] != 'FAIL'):}
 * (the branch outside: kfp.local resolves a task's output named other than {@code Output} in a
 * condition only inside a group, where it is the group's input). The register task runs after it,
 * inside a third group, {@code with dsl.If(mlflow_tracking_uri != '')}: without a server it is
 * skipped, visibly, never run as a no-op.
 *
 * <p>Every key is written in sorted order and nothing depends on the time or the machine: the same
 * definition gives the same bytes. Example-repos' KfpPipelineIT loads the file with the SDK and
 * runs it with the SDK's local runner.
 */
public final class KfpPipeline {
  /** The IR's schema version the SDK writes (kfp 2.x). */
  public static final String SCHEMA_VERSION = "2.1.0";

  /** The command every component runs: the CLI in the runner image. */
  public static final List<String> COMMAND = RunnerImage.COMMAND;

  /** The task that gates, and its output artifact {@code mlci run --on kfp} downloads. */
  public static final String GATE_TASK = "gate";

  /** The gate task's zip of the evaluation and the reports ({@link ResultBundle}). */
  public static final String BUNDLE = "bundle";

  /** The evaluate task's {@code system.ClassificationMetrics} artifact (classifiers only). */
  public static final String CLASSIFICATION_METRICS = "classification_metrics";

  /** The pipeline's output parameter that carries the gate's verdict. */
  public static final String VERDICT = "verdict";

  /** The task that builds the serving image on the target branch. */
  public static final String CONTAINERIZE_TASK = "containerize";

  /**
   * The containerize task's output artifact: the image's description, deploy manifests, tarball.
   */
  public static final String IMAGE = "image";

  /** The serving image's Docker tarball inside {@link #IMAGE} when no registry target is given. */
  public static final String IMAGE_TAR = "image.tar";

  /** The task that registers the shipped model in MLflow's model registry. */
  public static final String REGISTER_TASK = "register";

  /**
   * The artifact of train, evaluate and gate that links the model to its MLflow run ({@code
   * tracking.json}), so the three record into one run and register finds it.
   */
  public static final String TRACKING = "tracking";

  /** The input artifact of evaluate, gate and register: the link the task before handed on. */
  public static final String TRACKING_IN = "tracking_in";

  /** The pipeline parameter naming the MLflow tracking server (empty: none, no register). */
  public static final String TRACKING_URI = "mlflow_tracking_uri";

  /** The pipeline parameter naming the alias register moves. */
  public static final String ALIAS = "model_alias";

  /** The register task's output parameter: the new model version. */
  public static final String MODEL_VERSION = "model_version";

  /** The condition of the outer group: the pipeline runs for the target branch. */
  static final String ON_TARGET =
      "inputs.parameter_values['pipelinechannel--branch'] =="
          + " inputs.parameter_values['pipelinechannel--target_branch']";

  /** The condition of the inner group: the gate's verdict is not FAIL. */
  static final String NOT_FAILED =
      "inputs.parameter_values['pipelinechannel--gate-verdict'] != 'FAIL'";

  /** The condition of the group around register: a tracking server is set. */
  static final String HAS_SERVER =
      "inputs.parameter_values['pipelinechannel--" + TRACKING_URI + "'] != ''";

  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  static final YAMLMapper YAML =
      YAMLMapper.builder()
          .disable(YAMLWriteFeature.WRITE_DOC_START_MARKER)
          .enable(YAMLWriteFeature.MINIMIZE_QUOTES)
          .enable(YAMLWriteFeature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
          .build();

  private KfpPipeline() {}

  /** A component's artifact: its name and KFP type ({@code system.Model}, ...). */
  private record Art(String name, String type) {}

  /** An input artifact: its name in the component and the task output it is wired to. */
  private record In(String name, String type, String producer, String key) {
    In(Art output, String producer) {
      this(output.name(), output.type(), producer, output.name());
    }

    In as(String inputName) {
      return new In(inputName, type, producer, key);
    }
  }

  /**
   * A component: its task name, parameters and artifacts in and out, its arguments, and the
   * condition groups it lies in, outermost first (none: the root's DAG).
   */
  private record Component(
      String task,
      List<String> paramsIn,
      List<In> artsIn,
      List<Art> artsOut,
      List<String> paramsOut,
      List<String> args,
      List<Group> groups) {}

  /**
   * A condition group as the SDK compiles {@code with dsl.If(...)}: its name, its CEL condition
   * over the group's inputs and the channels that condition reads.
   */
  private record Group(String name, String condition, List<Channel> reads) {}

  /**
   * A pipeline channel, as the SDK names it ({@code pipelinechannel--...}): a pipeline parameter,
   * or a task's output parameter or artifact.
   */
  private record Channel(String name, String param, String producer, String key, String type) {
    static Channel param(String p) {
      return new Channel("pipelinechannel--" + p, p, "", "", "");
    }

    static Channel output(String producer, String key) {
      return new Channel("pipelinechannel--" + producer + "-" + key, "", producer, key, "");
    }

    static Channel artifact(In in) {
      return new Channel(
          "pipelinechannel--" + in.producer() + "-" + in.key(),
          "",
          in.producer(),
          in.key(),
          in.type());
    }

    boolean isArtifact() {
      return !type.isEmpty();
    }
  }

  /** The outer group: the pipeline runs for the target branch. */
  private static final Group ON_TARGET_GROUP =
      new Group(
          "condition-1",
          ON_TARGET,
          List.of(Channel.param("branch"), Channel.param("target_branch")));

  /** Inside it: the gate did not FAIL. */
  private static final Group NOT_FAILED_GROUP =
      new Group("condition-2", NOT_FAILED, List.of(Channel.output(GATE_TASK, VERDICT)));

  /** Inside that, around register: a tracking server is set. */
  private static final Group HAS_SERVER_GROUP =
      new Group("condition-3", HAS_SERVER, List.of(Channel.param(TRACKING_URI)));

  /** The pipeline's parameters, each with its default from the definition. */
  static Map<String, String> parameters(PipelineDefinition d) {
    Map<String, String> p = new TreeMap<>();
    p.put("repository", d.repository());
    p.put("git_commit", d.commit());
    p.put("data_digest", d.dataDigest());
    p.put("target_branch", d.targetBranch());
    p.put("branch", d.delivery().branch());
    p.put("serving_base", d.delivery().base());
    p.put("image_target", d.delivery().target());
    p.put(TRACKING_URI, d.registration().trackingUri());
    p.put(ALIAS, d.registration().alias());
    return p;
  }

  private static String in(String artifact) {
    return "{{$.inputs.artifacts['" + artifact + "'].path}}";
  }

  private static String out(String artifact) {
    return "{{$.outputs.artifacts['" + artifact + "'].path}}";
  }

  private static String param(String name) {
    return "{{$.inputs.parameters['" + name + "']}}";
  }

  private static String outParam(String name) {
    return "{{$.outputs.parameters['" + name + "'].output_file}}";
  }

  private static List<Component> components(PipelineDefinition d) {
    Art workspace = new Art("workspace", "system.Artifact");
    Art model = new Art("model", "system.Model");
    Art evaluation = new Art("evaluation", "system.Artifact");
    Art metrics = new Art("metrics", "system.Metrics");
    Art reports = new Art("reports", "system.Artifact");
    Art bundle = new Art("bundle", "system.Artifact");
    Art classification = new Art(CLASSIFICATION_METRICS, "system.ClassificationMetrics");
    Art tracking = new Art(TRACKING, "system.Artifact");
    Art image = new Art(IMAGE, "system.Artifact");
    In workspaceIn = new In(workspace, "checkout");
    In modelIn = new In(model, "train");
    List<String> project = List.of("--project", d.project(), "--config", d.config());
    // Train starts the MLflow run; evaluate and gate add to it, each handing the link on.
    List<String> tracked = List.of("--mlflow-tracking-uri", param(TRACKING_URI));
    List<String> linkOut = List.of("--tracking-out", out(TRACKING));
    List<String> linkIn = List.of("--tracking-in", in(TRACKING_IN));
    List<Component> c = new ArrayList<>();
    c.add(
        new Component(
            "checkout",
            List.of("git_commit", "repository"),
            List.of(),
            List.of(workspace),
            List.of(),
            List.of(
                "task",
                "checkout",
                "--repository",
                param("repository"),
                "--commit",
                param("git_commit"),
                "--workspace",
                out("workspace")),
            List.of()));
    c.add(
        new Component(
            "train",
            List.of("data_digest", TRACKING_URI),
            List.of(workspaceIn),
            List.of(model, tracking),
            List.of(),
            concat(
                List.of("task", "train", "--workspace", in("workspace")),
                project,
                List.of("--data-digest", param("data_digest"), "--model", out("model")),
                tracked,
                linkOut),
            List.of()));
    c.add(
        new Component(
            "evaluate",
            List.of(TRACKING_URI),
            List.of(modelIn, new In(tracking, "train").as(TRACKING_IN), workspaceIn),
            d.classification()
                ? List.of(classification, evaluation, metrics, tracking)
                : List.of(evaluation, metrics, tracking),
            List.of(),
            concat(
                List.of("task", "evaluate", "--workspace", in("workspace")),
                project,
                List.of(
                    "--model",
                    in("model"),
                    "--evaluation",
                    out("evaluation"),
                    "--metrics",
                    out("metrics")),
                d.classification()
                    ? List.of("--classification-metrics", out(CLASSIFICATION_METRICS))
                    : List.of(),
                tracked,
                linkIn,
                linkOut),
            List.of()));
    c.add(
        new Component(
            GATE_TASK,
            List.of(TRACKING_URI, "target_branch"),
            List.of(
                new In(evaluation, "evaluate"),
                modelIn,
                new In(tracking, "evaluate").as(TRACKING_IN),
                workspaceIn),
            List.of(bundle, reports, tracking),
            List.of(VERDICT),
            concat(
                List.of("task", "gate", "--workspace", in("workspace")),
                project,
                List.of(
                    "--model",
                    in("model"),
                    "--evaluation",
                    in("evaluation"),
                    "--target-branch",
                    param("target_branch"),
                    "--reports",
                    out("reports"),
                    "--bundle",
                    out("bundle"),
                    "--verdict",
                    outParam(VERDICT)),
                tracked,
                linkIn,
                linkOut),
            List.of()));
    List<String> insecure =
        d.delivery().allowInsecureRegistries() ? List.of("--allow-insecure-registries") : List.of();
    c.add(
        new Component(
            CONTAINERIZE_TASK,
            List.of("image_target", "serving_base"),
            List.of(modelIn, workspaceIn),
            List.of(image),
            List.of(),
            concat(
                List.of("task", CONTAINERIZE_TASK, "--workspace", in("workspace")),
                project,
                List.of(
                    "--model",
                    in("model"),
                    "--base",
                    param("serving_base"),
                    "--image-target",
                    param("image_target"),
                    "--image",
                    out(IMAGE)),
                insecure),
            List.of(ON_TARGET_GROUP, NOT_FAILED_GROUP)));
    // After containerize, so the version registered is the one shipped (tagged with its image).
    c.add(
        new Component(
            REGISTER_TASK,
            List.of(TRACKING_URI, ALIAS),
            List.of(
                new In(image, CONTAINERIZE_TASK),
                modelIn,
                new In(tracking, GATE_TASK).as(TRACKING_IN),
                workspaceIn),
            List.of(),
            List.of(MODEL_VERSION),
            concat(
                List.of("task", REGISTER_TASK, "--workspace", in("workspace")),
                project,
                List.of("--model", in("model"), "--image", in(IMAGE)),
                tracked,
                linkIn,
                List.of("--alias", param(ALIAS), "--model-version", outParam(MODEL_VERSION))),
            List.of(ON_TARGET_GROUP, NOT_FAILED_GROUP, HAS_SERVER_GROUP)));
    return c;
  }

  @SafeVarargs
  private static List<String> concat(List<String>... parts) {
    List<String> all = new ArrayList<>();
    for (List<String> p : parts) {
      all.addAll(p);
    }
    return all;
  }

  /** The pipeline as the IR's YAML, with the header comment the SDK writes. */
  public static String render(PipelineDefinition d) {
    StringBuilder header = new StringBuilder();
    header.append("# PIPELINE DEFINITION\n# Name: ").append(d.name()).append('\n');
    header.append(
        "# Written by mlci pipeline kfp; runs checkout, train, evaluate, gate; on the target"
            + " branch unless the gate FAILs, containerize, then (when mlflow_tracking_uri is set)"
            + " register\n");
    header.append(
        "# MLflow credentials are not here: give the containers MLFLOW_TRACKING_TOKEN or"
            + " MLFLOW_TRACKING_USERNAME/PASSWORD (a Kubernetes secret as environment)\n");
    header.append("# Inputs:\n");
    parameters(d).forEach((k, v) -> header.append("#    ").append(k).append(": str\n"));
    header.append("# Outputs:\n#    ").append(VERDICT).append(": str\n");
    return header + YAML.writeValueAsString(sorted(spec(d)));
  }

  /** The {@code PipelineSpec} as JSON, keys sorted: what a run of the KFP API carries inline. */
  public static JsonNode pipelineSpec(PipelineDefinition d) {
    return sorted(spec(d));
  }

  /** The {@code PipelineSpec} as a tree (keys in any order; {@link #render} sorts them). */
  static ObjectNode spec(PipelineDefinition d) {
    List<Component> components = components(d);
    Map<String, List<Group>> levels = new TreeMap<>();
    components.forEach(c -> levels.put(c.task(), c.groups()));
    ObjectNode spec = F.objectNode();
    ObjectNode comps = spec.putObject("components");
    ObjectNode executors = spec.putObject("deploymentSpec").putObject("executors");
    // The DAG of each level: the root's, and each condition group's component's.
    Map<String, ObjectNode> dags = new TreeMap<>();
    ObjectNode rootTasks = F.objectNode();
    dags.put("", rootTasks);
    for (Component c : components) {
      ObjectNode comp = comps.putObject("comp-" + c.task());
      comp.put("executorLabel", "exec-" + c.task());
      if (!c.paramsIn().isEmpty() || !c.artsIn().isEmpty()) {
        ObjectNode inputs = comp.putObject("inputDefinitions");
        artifacts(inputs, c.artsIn().stream().map(a -> new Art(a.name(), a.type())).toList());
        strings(inputs, c.paramsIn());
      }
      if (!c.artsOut().isEmpty() || !c.paramsOut().isEmpty()) {
        ObjectNode outputs = comp.putObject("outputDefinitions");
        artifacts(outputs, c.artsOut());
        strings(outputs, c.paramsOut());
      }

      ObjectNode container = executors.putObject("exec-" + c.task()).putObject("container");
      container.put("image", d.image());
      ArrayNode command = container.putArray("command");
      COMMAND.forEach(command::add);
      ArrayNode args = container.putArray("args");
      c.args().forEach(args::add);
      // The task's ExecutorInput and where Kubeflow reads its ExecutorOutput, as the SDK's own
      // executor takes them: kfp.local collects output artifacts from that file only.
      args.add("--executor-input").add("{{$}}");
      args.add("--executor-output").add("{{$.outputs.output_file}}");
      if (c.task().equals("train")) {
        resources(container, d.compute());
      }

      ObjectNode task = dag(comps, dags, c.groups()).putObject(c.task());
      task.putObject("cachingOptions").put("enableCache", true);
      task.putObject("componentRef").put("name", "comp-" + c.task());
      task.putObject("taskInfo").put("name", c.task());
      ObjectNode taskInputs = F.objectNode();
      java.util.TreeSet<String> dependsOn = new java.util.TreeSet<>();
      for (In a : c.artsIn()) {
        ObjectNode from = taskInputs.withObject("artifacts").putObject(a.name());
        if (levels.get(a.producer()).equals(c.groups())) {
          dependsOn.add(a.producer());
          from.putObject("taskOutputArtifact")
              .put("outputArtifactKey", a.key())
              .put("producerTask", a.producer());
        } else {
          from.put("componentInputArtifact", Channel.artifact(a).name());
        }
      }
      for (String p : c.paramsIn()) {
        taskInputs
            .withObject("parameters")
            .putObject(p)
            .put("componentInputParameter", c.groups().isEmpty() ? p : Channel.param(p).name());
      }
      if (!taskInputs.isEmpty()) {
        task.set("inputs", taskInputs);
      }
      if (!dependsOn.isEmpty()) {
        ArrayNode deps = task.putArray("dependentTasks");
        dependsOn.forEach(deps::add);
      }
      if (c.task().equals("train") && d.compute().retries() > 0) {
        task.putObject("retryPolicy")
            .put("backoffDuration", "0s")
            .put("backoffFactor", 2.0)
            .put("backoffMaxDuration", "3600s")
            .put("maxRetryCount", d.compute().retries());
      }
    }
    conditionGroups(comps, dags, components, levels);
    spec.putObject("pipelineInfo").put("name", d.name());
    ObjectNode root = spec.putObject("root");
    ObjectNode dag = root.putObject("dag");
    dag.set("tasks", rootTasks);
    dag.putObject("outputs")
        .putObject("parameters")
        .putObject(VERDICT)
        .putObject("valueFromParameter")
        .put("outputParameterKey", VERDICT)
        .put("producerSubtask", GATE_TASK);
    ObjectNode params = root.putObject("inputDefinitions").putObject("parameters");
    parameters(d)
        .forEach(
            (k, v) ->
                params
                    .putObject(k)
                    .put("defaultValue", v)
                    .put("isOptional", true)
                    .put("parameterType", "STRING"));
    root.putObject("outputDefinitions")
        .putObject("parameters")
        .putObject(VERDICT)
        .put("parameterType", "STRING");
    spec.put("schemaVersion", SCHEMA_VERSION);
    spec.put("sdkVersion", "mlci-" + dev.mlci.format.ModelFormat.mlciVersion());
    return spec;
  }

  /** The key of a level: its groups' names, outermost first ({@code ""} for the root). */
  private static String key(List<Group> groups) {
    return String.join("/", groups.stream().map(Group::name).toList());
  }

  /** The tasks of the DAG at {@code groups}: the root's, or the innermost group's component's. */
  private static ObjectNode dag(
      ObjectNode comps, Map<String, ObjectNode> dags, List<Group> groups) {
    return dags.computeIfAbsent(
        key(groups),
        k ->
            comps
                .withObject("comp-" + groups.get(groups.size() - 1).name())
                .withObject("dag")
                .withObject("tasks"));
  }

  /**
   * The condition groups, as the SDK compiles nested {@code dsl.If}: each group is a task in its
   * parent's DAG with a {@code triggerPolicy.condition}, taking as {@code pipelinechannel--...}
   * inputs every channel its condition and what lies inside it read, except those produced inside
   * it; a channel produced at the parent's level comes from its task (and makes the group depend on
   * it), any other from the parent's own inputs. The group's component declares those inputs and
   * holds the DAG of its tasks and inner groups.
   */
  private static void conditionGroups(
      ObjectNode comps,
      Map<String, ObjectNode> dags,
      List<Component> components,
      Map<String, List<Group>> levels) {
    Map<String, List<Group>> groups = new TreeMap<>();
    for (Component c : components) {
      for (int i = 1; i <= c.groups().size(); i++) {
        groups.putIfAbsent(key(c.groups().subList(0, i)), c.groups().subList(0, i));
      }
    }
    for (List<Group> path : groups.values()) {
      Group g = path.get(path.size() - 1);
      List<Group> parent = path.subList(0, path.size() - 1);
      // What the group reads: the conditions of the groups around its tasks (the SDK hands the
      // outer groups' channels down too), its tasks' inputs.
      Map<String, Channel> reads = new TreeMap<>();
      for (Component c : components) {
        if (!startsWith(c.groups(), path)) {
          continue;
        }
        c.groups().stream()
            .flatMap(inner -> inner.reads().stream())
            .forEach(ch -> reads.put(ch.name(), ch));
        c.artsIn().forEach(a -> reads.put(Channel.artifact(a).name(), Channel.artifact(a)));
        c.paramsIn().forEach(p -> reads.put(Channel.param(p).name(), Channel.param(p)));
      }
      reads
          .values()
          .removeIf(ch -> !ch.producer().isEmpty() && startsWith(levels.get(ch.producer()), path));

      ObjectNode task = dag(comps, dags, parent).putObject(g.name());
      task.putObject("componentRef").put("name", "comp-" + g.name());
      task.putObject("taskInfo").put("name", g.name());
      task.putObject("triggerPolicy").put("condition", g.condition());
      ObjectNode taskIn = task.putObject("inputs");
      java.util.TreeSet<String> dependsOn = new java.util.TreeSet<>();
      ObjectNode defs = comps.withObject("comp-" + g.name()).withObject("inputDefinitions");
      for (Channel ch : reads.values()) {
        String kind = ch.isArtifact() ? "artifacts" : "parameters";
        ObjectNode from = taskIn.withObject(kind).putObject(ch.name());
        if (ch.producer().isEmpty()) {
          from.put("componentInputParameter", parent.isEmpty() ? ch.param() : ch.name());
        } else if (levels.get(ch.producer()).equals(parent)) {
          dependsOn.add(ch.producer());
          from.putObject(ch.isArtifact() ? "taskOutputArtifact" : "taskOutputParameter")
              .put(ch.isArtifact() ? "outputArtifactKey" : "outputParameterKey", ch.key())
              .put("producerTask", ch.producer());
        } else {
          from.put(
              ch.isArtifact() ? "componentInputArtifact" : "componentInputParameter", ch.name());
        }
        if (ch.isArtifact()) {
          defs.withObject("artifacts")
              .putObject(ch.name())
              .putObject("artifactType")
              .put("schemaTitle", ch.type())
              .put("schemaVersion", "0.0.1");
        } else {
          defs.withObject("parameters").putObject(ch.name()).put("parameterType", "STRING");
        }
      }
      if (!dependsOn.isEmpty()) {
        ArrayNode deps = task.putArray("dependentTasks");
        dependsOn.forEach(deps::add);
      }
    }
  }

  private static boolean startsWith(List<Group> groups, List<Group> prefix) {
    return groups.size() >= prefix.size() && groups.subList(0, prefix.size()).equals(prefix);
  }

  private static void artifacts(ObjectNode into, List<Art> arts) {
    for (Art a : arts) {
      into.withObject("artifacts")
          .putObject(a.name())
          .putObject("artifactType")
          .put("schemaTitle", a.type())
          .put("schemaVersion", "0.0.1");
    }
  }

  private static void strings(ObjectNode into, List<String> names) {
    for (String n : names) {
      into.withObject("parameters").putObject(n).put("parameterType", "STRING");
    }
  }

  /**
   * The training container's resources as the SDK writes them: the current string fields and, for
   * older backends, the deprecated numeric ones (cores; memory in GB of 10^9 bytes).
   */
  static void resources(ObjectNode container, ComputeConfig c) {
    if (c.cpu().isEmpty() && c.memory().isEmpty() && c.gpu() == 0) {
      return;
    }
    ObjectNode r = container.putObject("resources");
    c.cpu()
        .ifPresent(
            cpu -> {
              double cores = Quantities.cores(cpu);
              r.put("cpuLimit", cores).put("cpuRequest", cores);
              r.put("resourceCpuLimit", cpu).put("resourceCpuRequest", cpu);
            });
    c.memory()
        .ifPresent(
            m -> {
              double gb = Quantities.bytes(m) / 1e9;
              r.put("memoryLimit", gb).put("memoryRequest", gb);
              r.put("resourceMemoryLimit", m).put("resourceMemoryRequest", m);
            });
    if (c.gpu() > 0) {
      r.putObject("accelerator")
          .put("count", String.valueOf(c.gpu()))
          .put("resourceCount", String.valueOf(c.gpu()))
          .put("resourceType", c.gpuType())
          .put("type", c.gpuType());
    }
  }

  /** {@code node} with every object's keys sorted, recursively. */
  static JsonNode sorted(JsonNode node) {
    if (node.isObject()) {
      ObjectNode copy = F.objectNode();
      TreeMap<String, JsonNode> fields = new TreeMap<>();
      node.properties().forEach(e -> fields.put(e.getKey(), e.getValue()));
      fields.forEach((k, v) -> copy.set(k, sorted(v)));
      return copy;
    }
    if (node.isArray()) {
      ArrayNode copy = F.arrayNode();
      node.forEach(v -> copy.add(sorted(v)));
      return copy;
    }
    return node;
  }
}
