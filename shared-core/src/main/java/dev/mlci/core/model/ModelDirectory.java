package dev.mlci.core.model;

import dev.mlci.core.config.LoadedConfig;
import dev.mlci.core.config.MlConfig;
import dev.mlci.core.config.ModelConfig;
import dev.mlci.core.data.DataRow;
import dev.mlci.core.data.InputSignature;
import dev.mlci.core.data.LoadedData;
import dev.mlci.core.errors.BadInputException;
import dev.mlci.core.errors.Fix;
import dev.mlci.core.errors.Problem;
import dev.mlci.core.errors.Suggestions.Step;
import dev.mlci.core.git.GitInfo;
import dev.mlci.core.io.Json;
import dev.mlci.core.mlp.MlpModel;
import dev.mlci.core.train.TrainedModel;
import dev.mlci.format.Checksums;
import dev.mlci.format.ColumnSpec;
import dev.mlci.format.FeatureSpec;
import dev.mlci.format.FeatureSpecFormat;
import dev.mlci.format.MlpSpec;
import dev.mlci.format.ModelFormat;
import dev.mlci.format.ServingSpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.tribuo.Model;
import org.tribuo.Tribuo;
import org.tribuo.common.xgboost.XGBoostModel;
import org.tribuo.ensemble.EnsembleModel;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Writes and reads the model directory {@code mlci train} produces:
 *
 * <pre>
 * model.tribuo        the Tribuo model (protobuf)
 * model.onnx          float64 ONNX export, for linear models on numeric columns
 * features.json       how input columns become features
 * serving.json        which backend serves it (onnx or tribuo) and what its outputs mean
 * MLmodel             MLflow model description (flavors, signature)
 * input_example.json  one input row, MLflow "split" layout
 * serving_input_example.json  the same row as an /invocations body ({"dataframe_split": ...})
 * python_env.yaml, requirements.txt, conda.yaml
 *                     MLflow's environment for the onnx flavor (ONNX models only), pinned
 * provenance.json     trainer, parameters, inputs (files and digests, split, columns), config digest, git
 *                     commit, Java and OS, Tribuo provenance
 * data-profile.json   the training rows' data profile (mlci.profile/v1): the serving image's drift
 *                     reference
 * checksums.sha256    SHA-256 of each file above
 * run.json            when it ran (not checksummed: the only file that differs between identical runs)
 * </pre>
 */
public final class ModelDirectory {
  /** Version of {@code provenance.json}. */
  public static final String PROVENANCE_SCHEMA = "mlci.provenance/v1";

  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  private ModelDirectory() {}

  /**
   * Writes every file of the model directory into {@code dir} (which exists and is empty), except
   * {@code run.json}.
   *
   * @return the directory's digest
   */
  public static String write(
      Path dir, TrainedModel trained, LoadedConfig loaded, LoadedData data, Optional<GitInfo> git)
      throws IOException {
    Model<?> model = trained.model();
    FeatureSpec spec = trained.spec();
    MlConfig config = loaded.config();
    if (model instanceof MlpModel<?> mlp) {
      Json.write(dir.resolve(ModelFormat.MLP_SPEC), mlp.spec().toJson());
      mlp.saveParameters(dir);
    } else {
      model.serializeToFile(dir.resolve(ModelFormat.TRIBUO_MODEL));
    }
    Optional<String> noOnnx = LinearOnnx.whyNot(model, spec);
    if (noOnnx.isEmpty()) {
      Files.write(
          dir.resolve(ModelFormat.ONNX_MODEL),
          LinearOnnx.export(model, spec, config.name()).toByteArray());
    }
    Json.write(dir.resolve(ModelFormat.FEATURES), FeatureSpecFormat.toJson(spec));
    Json.write(
        dir.resolve(ModelFormat.SERVING),
        servingSpec(model, spec, config.name(), noOnnx.isEmpty()).toJson());
    ObjectNode example = inputExample(spec, data.train().get(0));
    Json.write(dir.resolve(ModelFormat.INPUT_EXAMPLE), example);
    ObjectNode serving = F.objectNode();
    serving.set("dataframe_split", example);
    Json.write(dir.resolve(MlModelFile.SERVING_INPUT_EXAMPLE), serving);
    if (noOnnx.isEmpty()) {
      Files.writeString(
          dir.resolve(MlModelFile.PYTHON_ENV), MlModelFile.pythonEnv(), StandardCharsets.UTF_8);
      Files.writeString(
          dir.resolve(MlModelFile.REQUIREMENTS_FILE),
          MlModelFile.requirements(),
          StandardCharsets.UTF_8);
      Files.writeString(
          dir.resolve(MlModelFile.CONDA), MlModelFile.conda(), StandardCharsets.UTF_8);
    }
    Json.write(dir.resolve(ModelFormat.PROVENANCE), provenance(trained, loaded, data, git, noOnnx));
    // The training rows' profile: the serving image's drift reference (checksummed with the rest).
    dev.mlci.core.datagate.DataProfiles.writeTraining(dir, data, spec.target().isClassification());
    // MLmodel names the model by a digest of everything written so far, so it is itself
    // reproducible.
    Checksums.write(dir);
    String partial = Checksums.digest(dir);
    Files.writeString(
        dir.resolve(ModelFormat.MLMODEL),
        MlModelFile.render(
            spec,
            servingSpec(model, spec, config.name(), noOnnx.isEmpty())
                .outputColumns(
                    spec.target().isClassification() ? spec.target().classes() : List.of()),
            model.getClass().getName(),
            Tribuo.VERSION,
            noOnnx.isEmpty(),
            partial,
            model instanceof MlpModel<?>),
        StandardCharsets.UTF_8);
    Checksums.write(dir);
    return Checksums.digest(dir);
  }

  /** How the server should load {@code model} and read its outputs. */
  static ServingSpec servingSpec(Model<?> model, FeatureSpec spec, String name, boolean onnx) {
    ServingSpec.Outputs outputs =
        !spec.target().isClassification()
            ? ServingSpec.Outputs.VALUES
            : model.generatesProbabilities()
                ? ServingSpec.Outputs.PROBABILITIES
                : ServingSpec.Outputs.SCORES;
    boolean mlp = model instanceof MlpModel<?>;
    return new ServingSpec(
        name,
        mlp
            ? ServingSpec.Backend.PYTORCH
            : onnx ? ServingSpec.Backend.ONNX : ServingSpec.Backend.TRIBUO,
        outputs,
        model.getClass().getName(),
        mlp ? "pytorch" : usesXgboost(model) ? "xgboost" : "");
  }

  private static boolean usesXgboost(Model<?> model) {
    if (model instanceof XGBoostModel<?>) {
      return true;
    }
    return model instanceof EnsembleModel<?> e
        && e.getModels().stream().anyMatch(ModelDirectory::usesXgboost);
  }

  static ObjectNode inputExample(FeatureSpec spec, DataRow row) {
    ObjectNode root = F.objectNode();
    ArrayNode columns = root.putArray("columns");
    ArrayNode values = root.putArray("data").addArray();
    List<ColumnSpec> cols = spec.columns();
    for (int i = 0; i < cols.size(); i++) {
      columns.add(cols.get(i).name());
      if (cols.get(i).kind() == ColumnSpec.Kind.NUMERIC) {
        double x = row.numeric()[i];
        if (Double.isNaN(x)) {
          values.addNull();
        } else {
          values.add(x);
        }
      } else if (row.categorical()[i] == null) {
        values.addNull();
      } else {
        values.add(row.categorical()[i]);
      }
    }
    return root;
  }

  /**
   * The provenance every model directory shares, mlci's own models and exported ones alike: the
   * config file, the input signature, the examples trained on, the git commit and the runtime.
   */
  static void provenanceCommon(
      ObjectNode root,
      LoadedConfig loaded,
      LoadedData data,
      long trainingExamples,
      Optional<GitInfo> git) {
    ObjectNode cfg = root.putObject("config");
    cfg.put("path", loaded.displayName());
    cfg.put("sha256", loaded.sha256());
    root.set("inputs", InputSignature.of(loaded.config(), data).toJson());
    root.put("training_examples", trainingExamples);
    root.put("dropped_rows", data.dropped());
    if (git.isPresent()) {
      ObjectNode g = root.putObject("git");
      g.put("commit", git.get().commit());
      g.put("dirty", git.get().dirty());
    } else {
      root.putNull("git");
    }
    ObjectNode runtime = root.putObject("runtime");
    runtime.put("java", System.getProperty("java.version"));
    runtime.put("os", System.getProperty("os.name"));
    runtime.put("arch", System.getProperty("os.arch"));
  }

  private static ObjectNode provenance(
      TrainedModel trained,
      LoadedConfig loaded,
      LoadedData data,
      Optional<GitInfo> git,
      Optional<String> noOnnx) {
    MlConfig config = loaded.config();
    ObjectNode root = F.objectNode();
    root.put("schema", PROVENANCE_SCHEMA);
    root.put("mlci_version", ModelFormat.mlciVersion());
    root.put("name", config.name());
    root.put("task", config.task().yamlName());
    ObjectNode trainer = root.putObject("trainer");
    trainer.put("name", config.model().trainer());
    trainer.set("params", Json.mapper().valueToTree(config.model().params()));
    trainer.put("seed", config.model().seed());
    trainer.put("standardize", trained.standardized());
    provenanceCommon(root, loaded, data, trained.trainingExamples(), git);
    ObjectNode onnx = root.putObject("onnx");
    onnx.put("exported", noOnnx.isEmpty());
    noOnnx.ifPresent(reason -> onnx.put("reason", reason));
    ObjectNode tribuo = root.putObject("tribuo");
    tribuo.put("version", Tribuo.VERSION);
    tribuo.put("model_class", trained.model().getClass().getName());
    tribuo.set("provenance", TribuoProvenanceJson.toJson(trained.model().getProvenance()));
    return root;
  }

  /**
   * Reads and verifies a model directory.
   *
   * @param display the directory as the user named it, for messages
   * @throws BadInputException when it is missing, incomplete or altered since training
   */
  public static ModelBundle read(Path dir, String display) throws BadInputException, IOException {
    if (!Files.isDirectory(dir)) {
      throw new BadInputException(
          Problem.in(
              display,
              "",
              "there is no trained model here.",
              Fix.of("run {} first (or {}).", Step.TRAIN, Step.RUN)));
    }
    List<String> broken = Checksums.verify(dir);
    if (!broken.isEmpty()) {
      throw new BadInputException(
          Problem.in(
              display,
              "",
              "the model directory fails its checksums: " + String.join("; ", broken) + ".",
              Fix.of("retrain with {}; never edit a model directory by hand.", Step.TRAIN)));
    }
    FeatureSpec spec;
    JsonNode provenance;
    Optional<MlpSpec> mlp = Optional.empty();
    try {
      spec = FeatureSpecFormat.fromJson(Json.read(dir.resolve(ModelFormat.FEATURES)));
      provenance = Json.read(dir.resolve(ModelFormat.PROVENANCE));
      if (Files.exists(dir.resolve(ModelFormat.MLP_SPEC))) {
        mlp = Optional.of(MlpSpec.fromJson(Json.read(dir.resolve(ModelFormat.MLP_SPEC))));
      }
    } catch (IllegalArgumentException | JacksonException e) {
      throw new BadInputException(
          Problem.in(
              display,
              "",
              "the model directory cannot be read: " + e.getMessage() + ".",
              "retrain it with this version of mlci."));
    }
    if (ModelConfig.EXTERNAL.equals(provenance.path("trainer").path("name").asString(""))) {
      return new ModelBundle(
          dir,
          null,
          spec,
          provenance,
          Checksums.digest(dir),
          Optional.of(dir.resolve(ModelFormat.ONNX_MODEL)));
    }
    Model<?> model;
    if (mlp.isPresent()) {
      model =
          MlpModel.load(
              dir,
              mlp.get(),
              spec.featureNames(),
              spec.target().isClassification() ? spec.target().classes() : List.of(),
              spec.target().name());
    } else {
      model = Model.deserializeFromFile(dir.resolve(ModelFormat.TRIBUO_MODEL));
    }
    return new ModelBundle(dir, model, spec, provenance, Checksums.digest(dir));
  }
}
