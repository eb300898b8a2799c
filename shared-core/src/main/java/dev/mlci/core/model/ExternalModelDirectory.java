package dev.mlci.core.model;

import dev.mlci.core.config.LoadedConfig;
import dev.mlci.core.config.MlConfig;
import dev.mlci.core.data.LoadedData;
import dev.mlci.core.external.CommandRun;
import dev.mlci.core.external.ExternalModel;
import dev.mlci.core.external.Parity;
import dev.mlci.core.git.GitInfo;
import dev.mlci.core.io.Json;
import dev.mlci.format.Checksums;
import dev.mlci.format.FeatureSpec;
import dev.mlci.format.FeatureSpecFormat;
import dev.mlci.format.ModelFormat;
import dev.mlci.format.ServingSpec;
import dev.mlci.format.profile.DataProfile;
import dev.mlci.format.profile.ProfileJson;
import dev.mlci.format.profile.TableProfile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Writes the model directory of {@code trainer: external}: the same files as for mlci's own models
 * ({@link ModelDirectory}) except that the model is the command's {@code model.onnx} only, and
 * {@code provenance.json} records the command (argv, exit code, duration, last lines), its
 * parameters, its own metrics and the parity check instead of Tribuo's provenance. {@link
 * ModelDirectory#read} reads it back.
 */
public final class ExternalModelDirectory {
  /** {@code model_class} in {@code serving.json}: no Tribuo class; the graph is the model. */
  public static final String MODEL_CLASS = ServingSpec.EXTERNAL_ONNX;

  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  private ExternalModelDirectory() {}

  /**
   * Writes every file into {@code dir} (which exists and is empty), except {@code run.json}.
   *
   * @return the directory's digest
   */
  public static String write(
      Path dir, ExternalModel model, LoadedConfig loaded, LoadedData data, Optional<GitInfo> git)
      throws IOException {
    return write(dir, model, loaded, data, git, Optional.empty());
  }

  /**
   * {@link #write(Path, ExternalModel, LoadedConfig, LoadedData, Optional)} with {@code data}'s
   * profile already computed ({@link dev.mlci.core.datagate.DataProfiles#of}, while the command
   * ran): its training split is {@value DataProfile#FILE}, the same table {@link
   * dev.mlci.core.datagate.DataProfiles#training} would compute again.
   */
  public static String write(
      Path dir,
      ExternalModel model,
      LoadedConfig loaded,
      LoadedData data,
      Optional<GitInfo> git,
      Optional<DataProfile> profile)
      throws IOException {
    FeatureSpec spec = model.spec();
    MlConfig config = loaded.config();
    Files.write(dir.resolve(ModelFormat.ONNX_MODEL), model.onnx());
    Json.write(dir.resolve(ModelFormat.FEATURES), FeatureSpecFormat.toJson(spec));
    Json.write(
        dir.resolve(ModelFormat.SERVING),
        new ServingSpec(
                config.name(),
                ServingSpec.Backend.ONNX,
                spec.target().isClassification()
                    ? ServingSpec.Outputs.PROBABILITIES
                    : ServingSpec.Outputs.VALUES,
                MODEL_CLASS,
                "")
            .toJson());
    ObjectNode example = ModelDirectory.inputExample(spec, data.train().get(0));
    Json.write(dir.resolve(ModelFormat.INPUT_EXAMPLE), example);
    // The payload MLmodel's saved_input_example_info names, as for mlci's own models.
    ObjectNode serving = F.objectNode();
    serving.set("dataframe_split", example);
    Json.write(dir.resolve(MlModelFile.SERVING_INPUT_EXAMPLE), serving);
    Json.write(dir.resolve(ModelFormat.PROVENANCE), provenance(model, loaded, data, git));
    Optional<TableProfile> train = profile.flatMap(p -> p.split(DataProfile.TRAIN));
    if (train.isPresent()) {
      Json.write(
          dir.resolve(DataProfile.FILE),
          ProfileJson.write(new DataProfile(Map.of(DataProfile.TRAIN, train.get()))));
    } else {
      dev.mlci.core.datagate.DataProfiles.writeTraining(
          dir, data, spec.target().isClassification());
    }
    Checksums.write(dir);
    String partial = Checksums.digest(dir);
    Files.writeString(
        dir.resolve(ModelFormat.MLMODEL),
        MlModelFile.renderOnnx(spec, "1.16.0", partial, model.columnInputs()),
        StandardCharsets.UTF_8);
    Checksums.write(dir);
    return Checksums.digest(dir);
  }

  /** The command's record for {@code run.json} and provenance: argv, exit, duration, last lines. */
  public static ObjectNode commandJson(CommandRun run) {
    ObjectNode c = F.objectNode();
    ArrayNode argv = c.putArray("argv");
    run.argv().forEach(argv::add);
    c.put("exit_code", run.exitCode());
    c.put("millis", run.millis());
    ArrayNode last = c.putArray("last_lines");
    run.lastLines().forEach(last::add);
    return c;
  }

  private static ObjectNode provenance(
      ExternalModel model, LoadedConfig loaded, LoadedData data, Optional<GitInfo> git) {
    MlConfig config = loaded.config();
    ObjectNode root = F.objectNode();
    root.put("schema", ModelDirectory.PROVENANCE_SCHEMA);
    root.put("mlci_version", ModelFormat.mlciVersion());
    root.put("name", config.name());
    root.put("task", config.task().yamlName());
    ObjectNode trainer = root.putObject("trainer");
    trainer.put("name", config.model().trainer());
    trainer.set("params", Json.mapper().valueToTree(config.model().params()));
    trainer.put("seed", config.model().seed());
    trainer.put("command", config.model().command().orElseThrow());
    ObjectNode cmd = commandJson(model.run());
    // Durations and output differ between identical runs: they go to run.json, not here.
    cmd.remove("millis");
    cmd.remove("last_lines");
    trainer.set("run", cmd);
    trainer.set("script_metrics", Json.mapper().valueToTree(model.scriptMetrics()));
    trainer.put("input_form", model.inputForm());
    if (model.parity().isPresent()) {
      Parity p = model.parity().get();
      ObjectNode parity = trainer.putObject("parity");
      parity.put("rows", p.rows());
      parity.put("max_difference", p.maxDifference());
      parity.put("tolerance", Parity.TOLERANCE);
    } else {
      trainer.putNull("parity");
    }
    ModelDirectory.provenanceCommon(root, loaded, data, model.trainingExamples(), git);
    ObjectNode onnx = root.putObject("onnx");
    onnx.put("exported", true);
    onnx.put("by", "the repository's own command");
    return root;
  }
}
