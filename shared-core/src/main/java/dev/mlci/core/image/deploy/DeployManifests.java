package dev.mlci.core.image.deploy;

import dev.mlci.core.errors.Suggestions.Option;
import dev.mlci.core.image.build.ImageBuild;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.dataformat.yaml.YAMLMapper;
import tools.jackson.dataformat.yaml.YAMLWriteFeature;

/**
 * Kubernetes manifests for a built image, pinned by digest: a KServe {@code InferenceService} with
 * the image as a custom predictor container, and a plain Deployment with its Service. Both probe
 * the V2 health endpoints and run the server as non-root with a read-only root file system.
 *
 * <p>They depend only on the model's name and the pinned image: retraining changes the digest and
 * nothing else, so a deploy diff shows exactly one line.
 *
 * <p>Every value Kubernetes types as a string (env values, annotations, labels) is a Java string
 * here, and the writer quotes any string a YAML 1.1 reader (the one {@code kubectl} uses) would
 * take for a number or a boolean: {@code value: "5"}, not {@code value: 5}. Example-repos'
 * ManifestSchemaIT validates every rendered manifest strictly against the Kubernetes schemas and
 * the KServe CRD.
 */
public final class DeployManifests {
  /** KServe manifest file name. */
  public static final String INFERENCE_SERVICE = "inferenceservice.yaml";

  /** Deployment and Service manifest file name. */
  public static final String DEPLOYMENT = "deployment.yaml";

  private static final JsonNodeFactory F = JsonNodeFactory.instance;
  private static final YAMLMapper YAML =
      YAMLMapper.builder()
          .disable(YAMLWriteFeature.WRITE_DOC_START_MARKER)
          .enable(YAMLWriteFeature.MINIMIZE_QUOTES)
          // MINIMIZE_QUOTES alone writes the string "5" as 5, a number to Kubernetes.
          .enable(YAMLWriteFeature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
          .build();

  /**
   * The pod annotations the usual Prometheus {@code kubernetes-pods} scrape job reads on a plain
   * Deployment.
   */
  static final Map<String, String> PROMETHEUS_POD_ANNOTATIONS =
      Map.of(
          "prometheus.io/scrape", "true",
          "prometheus.io/port", String.valueOf(ImageBuild.PORT),
          "prometheus.io/path", "/metrics");

  /**
   * KServe's own: it scrapes the predictor (merging with the queue proxy's metrics when serverless)
   * and sets the pod's {@code prometheus.io/*} annotations itself, so they must not be given on the
   * InferenceService too.
   */
  static final Map<String, String> KSERVE_PROMETHEUS_ANNOTATIONS =
      Map.of(
          "serving.kserve.io/enable-prometheus-scraping", "true",
          "prometheus.kserve.io/port", String.valueOf(ImageBuild.PORT),
          "prometheus.kserve.io/path", "/metrics");

  private DeployManifests() {}

  /**
   * A Kubernetes object name from a model name: lower case, {@code [a-z0-9-]}, at most 63
   * characters, starting with a letter.
   */
  static String kubernetesName(String model) {
    String n = model.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]+", "-");
    n = n.replaceAll("-+", "-").replaceAll("^-|-$", "");
    if (n.isEmpty() || !Character.isLetter(n.charAt(0))) {
      n = "model-" + n;
    }
    if (n.length() > 63) {
      n = n.substring(0, 63).replaceAll("-$", "");
    }
    return n;
  }

  /**
   * The files to write, by name.
   *
   * @param image the image: {@code name@sha256:...} when {@code pinned}, else a tag
   * @param pinned whether {@code image} is pinned by a digest the registry serves (false for tar
   *     and daemon targets, whose digest changes when the image is pushed)
   */
  public static Map<String, String> render(String model, String image, boolean pinned) {
    return render(model, image, pinned, Optional.empty());
  }

  /**
   * Label of the InferenceService naming the served model's format, in KServe's {@code modelFormat}
   * vocabulary where it has the word ({@code onnx}), else mlci's backend ({@code tribuo}, {@code
   * pytorch}). A custom predictor container has no {@code modelFormat} field: the label says it for
   * people and selectors.
   */
  public static final String FORMAT_LABEL = "mlci.dev/model-format";

  /**
   * The files to write, by name, the InferenceService labelled with {@code format} ({@link
   * #FORMAT_LABEL}) when given.
   */
  public static Map<String, String> render(
      String model, String image, boolean pinned, Optional<String> format) {
    String name = kubernetesName(model);
    String header = header(model, pinned);
    ObjectNode isvc = inferenceService(name, image);
    format.ifPresent(
        f -> ((ObjectNode) isvc.get("metadata")).putObject("labels").put(FORMAT_LABEL, f));
    return Map.of(
        INFERENCE_SERVICE,
        header + YAML.writeValueAsString(isvc),
        DEPLOYMENT,
        header
            + YAML.writeValueAsString(deployment(name, image))
            + "---\n"
            + YAML.writeValueAsString(service(name)));
  }

  private static String header(String model, boolean pinned) {
    return "# Written by mlci containerize for the model '"
        + model
        + "'. "
        + (pinned
            ? "The image is pinned by digest.\n"
            // The file is the same whichever face wrote it: the target is named by meaning, with
            // the CLI's flag said to be the CLI's.
            : "The image is NOT pinned: it was built to a tarball or a local daemon, and pushing"
                + " it\n# changes its digest. Build to a registry (image target registry://REF; the"
                + " mlci CLI's "
                + Option.IMAGE_TARGET.flag()
                + ")\n# to get manifests pinned by digest.\n");
  }

  private static ObjectNode inferenceService(String name, String image) {
    ObjectNode root = F.objectNode();
    root.put("apiVersion", "serving.kserve.io/v1beta1");
    root.put("kind", "InferenceService");
    ObjectNode metadata = root.putObject("metadata");
    metadata.put("name", name);
    putSorted(metadata.putObject("annotations"), KSERVE_PROMETHEUS_ANNOTATIONS);
    ObjectNode predictor = root.putObject("spec").putObject("predictor");
    ObjectNode container = predictor.putArray("containers").addObject();
    container.put("name", "kserve-container");
    container.put("image", image);
    ArrayNode env = container.putArray("env");
    ObjectNode protocol = env.addObject();
    protocol.put("name", "PROTOCOL");
    protocol.put("value", "v2");
    shutdownDelay(env);
    container
        .putArray("ports")
        .addObject()
        .put("containerPort", ImageBuild.PORT)
        .put("protocol", "TCP");
    probes(container, false);
    resources(container);
    security(container);
    container.putArray("volumeMounts").addObject().put("name", "tmp").put("mountPath", "/tmp");
    predictor.putArray("volumes").addObject().put("name", "tmp").putObject("emptyDir");
    predictor.put("enableServiceLinks", false);
    return root;
  }

  private static ObjectNode deployment(String name, String image) {
    ObjectNode root = F.objectNode();
    root.put("apiVersion", "apps/v1");
    root.put("kind", "Deployment");
    root.putObject("metadata").put("name", name).putObject("labels").put("app", name);
    ObjectNode spec = root.putObject("spec");
    spec.put("replicas", 2);
    spec.putObject("selector").putObject("matchLabels").put("app", name);
    ObjectNode template = spec.putObject("template");
    ObjectNode templateMetadata = template.putObject("metadata");
    templateMetadata.putObject("labels").put("app", name);
    putSorted(templateMetadata.putObject("annotations"), PROMETHEUS_POD_ANNOTATIONS);
    ObjectNode pod = template.putObject("spec");
    pod.put("terminationGracePeriodSeconds", 30);
    // Service links would set variables such as MLCI_PORT=tcp://... for a Service named "mlci".
    pod.put("enableServiceLinks", false);
    ObjectNode container = pod.putArray("containers").addObject();
    container.put("name", "model-server");
    container.put("image", image);
    container
        .putArray("ports")
        .addObject()
        .put("name", "http")
        .put("containerPort", ImageBuild.PORT)
        .put("protocol", "TCP");
    shutdownDelay(container.putArray("env"));
    probes(container, true);
    resources(container);
    security(container);
    container.putArray("volumeMounts").addObject().put("name", "tmp").put("mountPath", "/tmp");
    pod.putArray("volumes").addObject().put("name", "tmp").putObject("emptyDir");
    return root;
  }

  private static ObjectNode service(String name) {
    ObjectNode root = F.objectNode();
    root.put("apiVersion", "v1");
    root.put("kind", "Service");
    root.putObject("metadata").put("name", name).putObject("labels").put("app", name);
    ObjectNode spec = root.putObject("spec");
    spec.putObject("selector").put("app", name);
    spec.putArray("ports")
        .addObject()
        .put("name", "http")
        .put("port", 80)
        .put("targetPort", "http")
        .put("protocol", "TCP");
    return root;
  }

  private static void putSorted(ObjectNode node, Map<String, String> values) {
    new TreeMap<>(values).forEach(node::put);
  }

  /**
   * After SIGTERM the server keeps serving for 5 s while reporting not ready, so endpoints stop
   * routing to it before it stops taking requests.
   */
  private static void shutdownDelay(ArrayNode env) {
    env.addObject().put("name", "MLCI_SHUTDOWN_DELAY_SECONDS").put("value", "5");
  }

  /**
   * Readiness and liveness on the V2 health endpoints; a startup probe too where allowed (Knative,
   * under KServe, refuses startupProbe before Serving 1.15).
   */
  private static void probes(ObjectNode container, boolean startup) {
    ObjectNode readiness = container.putObject("readinessProbe");
    readiness.putObject("httpGet").put("path", "/v2/health/ready").put("port", ImageBuild.PORT);
    readiness.put("initialDelaySeconds", 2).put("periodSeconds", 5).put("failureThreshold", 3);
    ObjectNode liveness = container.putObject("livenessProbe");
    liveness.putObject("httpGet").put("path", "/v2/health/live").put("port", ImageBuild.PORT);
    liveness.put("initialDelaySeconds", 10).put("periodSeconds", 10).put("failureThreshold", 3);
    if (startup) {
      ObjectNode probe = container.putObject("startupProbe");
      probe.putObject("httpGet").put("path", "/v2/health/ready").put("port", ImageBuild.PORT);
      probe.put("periodSeconds", 2).put("failureThreshold", 60);
    }
  }

  private static void resources(ObjectNode container) {
    ObjectNode resources = container.putObject("resources");
    resources.putObject("requests").put("cpu", "250m").put("memory", "512Mi");
    resources.putObject("limits").put("memory", "1Gi");
  }

  private static void security(ObjectNode container) {
    ObjectNode security = container.putObject("securityContext");
    security.put("runAsNonRoot", true);
    security.put("runAsUser", 65532);
    security.put("allowPrivilegeEscalation", false);
    security.put("readOnlyRootFilesystem", true);
    security.putObject("capabilities").putArray("drop").add("ALL");
  }
}
