package dev.mlci.cli;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.mlci.core.api.ContainerizeResult;
import dev.mlci.core.api.EvaluateResult;
import dev.mlci.core.api.GateOutcome;
import dev.mlci.core.api.ImageLayer;
import dev.mlci.core.api.RunRecord;
import dev.mlci.core.api.ShipResult;
import dev.mlci.core.api.TrackedRun;
import dev.mlci.core.api.TrainResult;
import dev.mlci.core.api.VerifyResult;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.module.SimpleModule;
import tools.jackson.databind.ser.std.ToStringSerializer;

/**
 * The CLI's {@code --json}: the engine's result records serialised with Jackson, names in
 * snake_case, empty optionals left out, paths as the file system writes them. What the face adds to
 * a record (a field's name, its place, what it leaves out) is said here in mix-ins, so the records
 * stay plain; the golden files of {@code JsonGoldenTest} pin the result.
 */
final class CliJson {
  private static final JsonMapper MAPPER =
      JsonMapper.builder()
          .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
          .changeDefaultPropertyInclusion(
              incl -> incl.withValueInclusion(JsonInclude.Include.NON_ABSENT))
          .addModule(
              new SimpleModule("mlci-cli")
                  .addSerializer(Path.class, new ToStringSerializer(Path.class)))
          .addMixIn(TrainResult.class, TrainJson.class)
          .addMixIn(EvaluateResult.class, EvaluateJson.class)
          .addMixIn(GateOutcome.class, GateJson.class)
          .addMixIn(TrackedRun.class, TrackedJson.class)
          .addMixIn(RunRecord.class, RunJson.class)
          .addMixIn(ContainerizeResult.class, ContainerizeJson.class)
          .addMixIn(VerifyResult.class, VerifyJson.class)
          .addMixIn(ShipResult.class, ShipJson.class)
          .build();

  private CliJson() {}

  /** {@code value} as a JSON tree. */
  static JsonNode tree(Object value) {
    return MAPPER.valueToTree(value);
  }

  @JsonPropertyOrder({
    "model_dir",
    "digest",
    "trainer",
    "training_examples",
    "onnx",
    "onnx_skipped",
    "millis",
    "tracking"
  })
  abstract static class TrainJson {
    @JsonProperty("tracking")
    abstract TrackedRun tracked();
  }

  @JsonPropertyOrder({
    "eval_dir",
    "test_examples",
    "metrics",
    "undefined",
    "warnings",
    "millis",
    "tracking"
  })
  abstract static class EvaluateJson {
    @JsonIgnore
    abstract List<String> files();

    @JsonProperty("tracking")
    abstract TrackedRun tracked();
  }

  @JsonPropertyOrder({
    "verdict",
    "fails_build",
    "headline",
    "target",
    "gate_dir",
    "report",
    "baseline_source",
    "baseline_commit",
    "millis",
    "tracking"
  })
  abstract static class GateJson {
    @JsonIgnore
    abstract Object result();

    @JsonIgnore
    abstract Object view();

    @JsonIgnore
    abstract List<String> files();

    @JsonProperty("verdict")
    abstract String verdict();

    @JsonProperty("fails_build")
    abstract boolean failsBuild();

    @JsonProperty("headline")
    abstract String headline();

    @JsonProperty("report")
    abstract Path report();

    @JsonProperty("baseline_source")
    abstract String baselineSource();

    @JsonProperty("baseline_commit")
    abstract Optional<String> baselineCommit();

    @JsonProperty("tracking")
    abstract TrackedRun tracked();
  }

  @JsonPropertyOrder({"local_run", "server_run", "run_id", "warnings"})
  abstract static class TrackedJson {}

  @JsonPropertyOrder({
    "run_id",
    "run_name",
    "experiment",
    "status",
    "started",
    "finished",
    "params",
    "metrics",
    "tags"
  })
  abstract static class RunJson {}

  @JsonPropertyOrder({
    "reference",
    "digest",
    "deploy_reference",
    "image_id",
    "target",
    "image_dir",
    "layers",
    "warnings",
    "millis"
  })
  abstract static class ContainerizeJson {
    @JsonIgnore
    abstract Object image();

    @JsonIgnore
    abstract List<String> files();

    @JsonProperty("reference")
    abstract String reference();

    @JsonProperty("digest")
    abstract String digest();

    @JsonProperty("deploy_reference")
    abstract String deployReference();

    @JsonProperty("image_id")
    abstract String imageId();

    @JsonProperty("target")
    abstract String target();

    @JsonProperty("layers")
    abstract List<ImageLayer> layers();

    @JsonProperty("warnings")
    abstract List<String> warnings();
  }

  @JsonPropertyOrder({
    "passed",
    "engine",
    "image",
    "start_seconds",
    "verify_dir",
    "problems",
    "checks",
    "failed_checks",
    "rows_compared",
    "max_abs_difference",
    "millis"
  })
  abstract static class VerifyJson {
    @JsonIgnore
    abstract Object outcome();

    @JsonProperty("passed")
    abstract boolean passed();

    @JsonProperty("engine")
    abstract String engine();

    @JsonProperty("image")
    abstract String image();

    @JsonProperty("start_seconds")
    abstract double startSeconds();

    @JsonProperty("problems")
    abstract List<String> problems();

    @JsonProperty("checks")
    abstract Optional<Integer> checks();

    @JsonProperty("failed_checks")
    abstract Optional<Integer> failedChecks();

    @JsonProperty("rows_compared")
    abstract Optional<Integer> rowsCompared();

    @JsonProperty("max_abs_difference")
    abstract Optional<Double> maxAbsDifference();
  }

  /**
   * {@code ship} says what happened; what was delivered and the check are reported as {@code
   * containerize} and {@code verify_image} beside it.
   */
  @JsonPropertyOrder({
    "target",
    "verification",
    "verified",
    "delivered",
    "skipped",
    "image_id",
    "millis"
  })
  abstract static class ShipJson {
    @JsonIgnore
    abstract Object built();

    @JsonIgnore
    abstract Optional<ContainerizeResult> delivered();

    @JsonIgnore
    abstract Optional<VerifyResult> verify();

    @JsonProperty("verified")
    abstract boolean verified();

    @JsonProperty("delivered")
    abstract boolean wasDelivered();

    @JsonProperty("image_id")
    abstract String imageId();
  }
}
