package dev.mlci.format;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The model format is what the model server carries: it must not drag training code or mlci
 * internals along.
 */
class FormatArchitectureTest {
  /**
   * DJL's API (not an engine) is allowed for {@link MlpNetwork}: the mlp's architecture is defined
   * once, here, for training and serving alike; the server already depends on DJL.
   */
  /**
   * ONNX Runtime's Java API is allowed for {@code dev.mlci.format.onnx}: how an exported model is
   * fed and read is defined once, here, for the engine's evaluation and the server alike. DJL's
   * engine registry ({@code ai.djl.engine}) lets it start DJL's OnnxRuntime engine first where that
   * is on the class path, since only one ONNX Runtime environment may exist per process.
   */
  @Test
  void format_dependsOnlyOnTheJdkJacksonDjlsApiAndOnnxRuntime() {
    JavaClasses format =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.mlci.format");
    classes()
        .should()
        .onlyDependOnClassesThat()
        .resideInAnyPackage(
            "java..",
            "tools.jackson..",
            "dev.mlci.format..",
            "ai.djl",
            "ai.djl.engine",
            "ai.djl.ndarray..",
            "ai.djl.nn..",
            "ai.djl.training",
            "ai.djl.training.initializer..",
            "ai.onnxruntime..")
        .check(format);
  }
}
