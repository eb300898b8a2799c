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
 * → containerize}, handing the repository, the model, the evaluation and the reports on as KFP
 * artifacts and the gate's verdict as an output parameter of the pipeline. The containerize task
 * runs only on the target branch and when the gate did not FAIL: two nested condition groups with a
 * {@code triggerPolicy.condition} each, exactly as the SDK compiles {@code with dsl.If(branch ==
 * target_branch): with dsl.If(gate.outputs['verdict'] != 'FAIL'):} (the branch outside: kfp.local
 * resolves a task's output named other than {@code Output} in a condition only inside a group,
 * where it is the group's input).
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

  /** The condition of the outer group: the pipeline runs for the target branch. */
  static final String ON_TARGET =
      "inputs.parameter_values['pipelinechannel--branch'] =="
          + " inputs.parameter_values['pipelinechannel--target_branch']";

  /** The condition of the inner group: the gate's verdict is not FAIL. */
  static final String NOT_FAILED =
      "inputs.parameter_values['pipelinechannel--gate-verdict'] != 'FAIL'";

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

  /** A component: its task name, parameters and artifacts in and out, and its arguments. */
  private record Component(
      String task,
      List<String> paramsIn,
      List<Art> artsIn,
      List<Art> artsOut,
      List<String> paramsOut,
      List<String> args) {}

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

  private static List<Component> components(PipelineDefinition d) {
    Art workspace = new Art("workspace", "system.Artifact");
    Art model = new Art("model", "system.Model");
    Art evaluation = new Art("evaluation", "system.Artifact");
    Art metrics = new Art("metrics", "system.Metrics");
    Art reports = new Art("reports", "system.Artifact");
    Art bundle = new Art("bundle", "system.Artifact");
    Art classification = new Art(CLASSIFICATION_METRICS, "system.ClassificationMetrics");
    List<String> project = List.of("--project", d.project(), "--config", d.config());
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
                out("workspace"))));
    c.add(
        new Component(
            "train",
            List.of("data_digest"),
            List.of(workspace),
            List.of(model),
            List.of(),
            concat(
                List.of("task", "train", "--workspace", in("workspace")),
                project,
                List.of("--data-digest", param("data_digest"), "--model", out("model")))));
    c.add(
        new Component(
            "evaluate",
            List.of(),
            List.of(model, workspace),
            d.classification()
                ? List.of(classification, evaluation, metrics)
                : List.of(evaluation, metrics),
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
                    : List.of())));
    c.add(
        new Component(
            "gate",
            List.of("target_branch"),
            List.of(evaluation, model, workspace),
            List.of(bundle, reports),
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
                    "{{$.outputs.parameters['" + VERDICT + "'].output_file}}"))));
    List<String> insecure =
        d.delivery().allowInsecureRegistries() ? List.of("--allow-insecure-registries") : List.of();
    c.add(
        new Component(
            CONTAINERIZE_TASK,
            List.of("image_target", "serving_base"),
            List.of(model, workspace),
            List.of(new Art(IMAGE, "system.Artifact")),
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
                insecure)));
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

  /** Which task produces each artifact. */
  private static Map<String, String> producers(List<Component> components) {
    Map<String, String> p = new TreeMap<>();
    for (Component c : components) {
      c.artsOut().forEach(a -> p.put(a.name(), c.task()));
    }
    return p;
  }

  /** The pipeline as the IR's YAML, with the header comment the SDK writes. */
  public static String render(PipelineDefinition d) {
    StringBuilder header = new StringBuilder();
    header.append("# PIPELINE DEFINITION\n# Name: ").append(d.name()).append('\n');
    header.append(
        "# Written by mlci pipeline kfp; runs checkout, train, evaluate, gate; on the target"
            + " branch unless the gate FAILs, containerize\n");
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
    Map<String, String> producers = producers(components);
    ObjectNode spec = F.objectNode();
    ObjectNode comps = spec.putObject("components");
    ObjectNode executors = spec.putObject("deploymentSpec").putObject("executors");
    ObjectNode tasks = F.objectNode();
    for (Component c : components) {
      ObjectNode comp = comps.putObject("comp-" + c.task());
      comp.put("executorLabel", "exec-" + c.task());
      if (!c.paramsIn().isEmpty() || !c.artsIn().isEmpty()) {
        ObjectNode inputs = comp.putObject("inputDefinitions");
        artifacts(inputs, c.artsIn());
        strings(inputs, c.paramsIn());
      }
      ObjectNode outputs = comp.putObject("outputDefinitions");
      artifacts(outputs, c.artsOut());
      strings(outputs, c.paramsOut());

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

      ObjectNode task =
          c.task().equals(CONTAINERIZE_TASK) ? F.objectNode() : tasks.putObject(c.task());
      task.putObject("cachingOptions").put("enableCache", true);
      task.putObject("componentRef").put("name", "comp-" + c.task());
      task.putObject("taskInfo").put("name", c.task());
      if (c.task().equals(CONTAINERIZE_TASK)) {
        conditionGroups(comps, tasks, task, c, producers);
        continue;
      }
      ObjectNode taskInputs = F.objectNode();
      java.util.TreeSet<String> dependsOn = new java.util.TreeSet<>();
      for (Art a : c.artsIn()) {
        String producer = producers.get(a.name());
        dependsOn.add(producer);
        taskInputs
            .withObject("artifacts")
            .putObject(a.name())
            .putObject("taskOutputArtifact")
            .put("outputArtifactKey", a.name())
            .put("producerTask", producer);
      }
      for (String p : c.paramsIn()) {
        taskInputs.withObject("parameters").putObject(p).put("componentInputParameter", p);
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
    spec.putObject("pipelineInfo").put("name", d.name());
    ObjectNode root = spec.putObject("root");
    ObjectNode dag = root.putObject("dag");
    dag.set("tasks", tasks);
    dag.putObject("outputs")
        .putObject("parameters")
        .putObject(VERDICT)
        .putObject("valueFromParameter")
        .put("outputParameterKey", VERDICT)
        .put("producerSubtask", "gate");
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

  /**
   * The containerize task inside two condition groups, as the SDK compiles nested {@code dsl.If}:
   * the root's {@code condition-1} (on the target branch) takes every channel the groups use as
   * {@code pipelinechannel--...} inputs, its component's DAG holds {@code condition-2} (not
   * FAILed), whose DAG holds the task, wired to the channels.
   */
  private static void conditionGroups(
      ObjectNode comps,
      ObjectNode rootTasks,
      ObjectNode task,
      Component c,
      Map<String, String> producers) {
    // Channels: artifacts from their producers, parameters from the pipeline's inputs, and the
    // gate's verdict; named as the SDK names them.
    Map<String, Art> artChannels = new TreeMap<>();
    for (Art a : c.artsIn()) {
      artChannels.put("pipelinechannel--" + producers.get(a.name()) + "-" + a.name(), a);
    }
    List<String> paramChannels = new ArrayList<>();
    for (String p : List.of("branch", "target_branch")) {
      paramChannels.add(p);
    }
    paramChannels.addAll(c.paramsIn());
    String verdictChannel = "pipelinechannel--" + GATE_TASK + "-" + VERDICT;

    ObjectNode outer = rootTasks.putObject("condition-1");
    outer.putObject("componentRef").put("name", "comp-condition-1");
    java.util.TreeSet<String> deps = new java.util.TreeSet<>();
    artChannels.values().forEach(a -> deps.add(producers.get(a.name())));
    deps.add(GATE_TASK);
    ArrayNode depArray = outer.putArray("dependentTasks");
    deps.forEach(depArray::add);
    ObjectNode outerIn = outer.putObject("inputs");
    artChannels.forEach(
        (ch, a) ->
            outerIn
                .withObject("artifacts")
                .putObject(ch)
                .putObject("taskOutputArtifact")
                .put("outputArtifactKey", a.name())
                .put("producerTask", producers.get(a.name())));
    for (String p : paramChannels) {
      outerIn
          .withObject("parameters")
          .putObject("pipelinechannel--" + p)
          .put("componentInputParameter", p);
    }
    outerIn
        .withObject("parameters")
        .putObject(verdictChannel)
        .putObject("taskOutputParameter")
        .put("outputParameterKey", VERDICT)
        .put("producerTask", GATE_TASK);
    outer.putObject("taskInfo").put("name", "condition-1");
    outer.putObject("triggerPolicy").put("condition", ON_TARGET);

    ObjectNode inner = F.objectNode();
    inner.putObject("componentRef").put("name", "comp-condition-2");
    ObjectNode innerIn = inner.putObject("inputs");
    artChannels
        .keySet()
        .forEach(
            ch -> innerIn.withObject("artifacts").putObject(ch).put("componentInputArtifact", ch));
    List<String> allParams = new ArrayList<>();
    paramChannels.forEach(p -> allParams.add("pipelinechannel--" + p));
    allParams.add(verdictChannel);
    for (String p : allParams) {
      innerIn.withObject("parameters").putObject(p).put("componentInputParameter", p);
    }
    inner.putObject("taskInfo").put("name", "condition-2");
    inner.putObject("triggerPolicy").put("condition", NOT_FAILED);

    ObjectNode taskIn = task.putObject("inputs");
    artChannels.forEach(
        (ch, a) ->
            taskIn.withObject("artifacts").putObject(a.name()).put("componentInputArtifact", ch));
    for (String p : c.paramsIn()) {
      taskIn
          .withObject("parameters")
          .putObject(p)
          .put("componentInputParameter", "pipelinechannel--" + p);
    }

    comps
        .putObject("comp-condition-1")
        .putObject("dag")
        .putObject("tasks")
        .set("condition-2", inner);
    comps.putObject("comp-condition-2").putObject("dag").putObject("tasks").set(c.task(), task);
    for (String group : List.of("comp-condition-1", "comp-condition-2")) {
      ObjectNode defs = comps.withObject(group).putObject("inputDefinitions");
      artChannels.forEach(
          (ch, a) ->
              defs.withObject("artifacts")
                  .putObject(ch)
                  .putObject("artifactType")
                  .put("schemaTitle", a.type())
                  .put("schemaVersion", "0.0.1"));
      allParams.forEach(
          p -> defs.withObject("parameters").putObject(p).put("parameterType", "STRING"));
    }
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
