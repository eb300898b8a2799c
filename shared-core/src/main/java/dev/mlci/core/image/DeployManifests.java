package dev.mlci.core.image;

import java.util.Locale;
import java.util.Map;
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
          .build();

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

  /** The files to write, by name. */
  public static Map<String, String> render(String model, String pinnedImage) {
    String name = kubernetesName(model);
    return Map.of(
        INFERENCE_SERVICE,
        header(model) + YAML.writeValueAsString(inferenceService(name, pinnedImage)),
        DEPLOYMENT,
        header(model)
            + YAML.writeValueAsString(deployment(name, pinnedImage))
            + "---\n"
            + YAML.writeValueAsString(service(name)));
  }

  private static String header(String model) {
    return "# Written by mlci containerize for the model '"
        + model
        + "'. The image is pinned by digest.\n";
  }

  private static ObjectNode inferenceService(String name, String image) {
    ObjectNode root = F.objectNode();
    root.put("apiVersion", "serving.kserve.io/v1beta1");
    root.put("kind", "InferenceService");
    ObjectNode metadata = root.putObject("metadata");
    metadata.put("name", name);
    ObjectNode annotations = metadata.putObject("annotations");
    annotations.put("serving.kserve.io/enable-prometheus-scraping", "true");
    annotations.put("prometheus.kserve.io/port", String.valueOf(ImageBuild.PORT));
    annotations.put("prometheus.kserve.io/path", "/metrics");
    ObjectNode predictor = root.putObject("spec").putObject("predictor");
    ObjectNode container = predictor.putArray("containers").addObject();
    container.put("name", "kserve-container");
    container.put("image", image);
    ArrayNode env = container.putArray("env");
    ObjectNode protocol = env.addObject();
    protocol.put("name", "PROTOCOL");
    protocol.put("value", "v2");
    container
        .putArray("ports")
        .addObject()
        .put("containerPort", ImageBuild.PORT)
        .put("protocol", "TCP");
    probes(container);
    resources(container);
    security(container);
    container.putArray("volumeMounts").addObject().put("name", "tmp").put("mountPath", "/tmp");
    predictor.putArray("volumes").addObject().put("name", "tmp").putObject("emptyDir");
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
    template.putObject("metadata").putObject("labels").put("app", name);
    ObjectNode pod = template.putObject("spec");
    pod.put("terminationGracePeriodSeconds", 30);
    ObjectNode container = pod.putArray("containers").addObject();
    container.put("name", "model-server");
    container.put("image", image);
    container
        .putArray("ports")
        .addObject()
        .put("name", "http")
        .put("containerPort", ImageBuild.PORT)
        .put("protocol", "TCP");
    probes(container);
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

  private static void probes(ObjectNode container) {
    ObjectNode readiness = container.putObject("readinessProbe");
    readiness.putObject("httpGet").put("path", "/v2/health/ready").put("port", ImageBuild.PORT);
    readiness.put("initialDelaySeconds", 2).put("periodSeconds", 5).put("failureThreshold", 3);
    ObjectNode liveness = container.putObject("livenessProbe");
    liveness.putObject("httpGet").put("path", "/v2/health/live").put("port", ImageBuild.PORT);
    liveness.put("initialDelaySeconds", 10).put("periodSeconds", 10).put("failureThreshold", 3);
    ObjectNode startup = container.putObject("startupProbe");
    startup.putObject("httpGet").put("path", "/v2/health/ready").put("port", ImageBuild.PORT);
    startup.put("periodSeconds", 2).put("failureThreshold", 60);
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
