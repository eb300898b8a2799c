package dev.mlci.cli;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The CLI is a thin face: it reaches the engine only through its public packages, and only main
 * exits.
 */
class FaceArchitectureTest {
  private static final JavaClasses CLI =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("dev.mlci.cli");

  /**
   * The faces (the CLI and the GitHub Action adapter in {@code dev.mlci.cli.github}) reach the
   * engine only through {@code dev.mlci.core.api..}. Allowed besides, for now: {@code
   * dev.mlci.core.errors} (its exceptions and problems move to {@code api.errors} once this round's
   * work on {@code Problem} is merged) and {@code dev.mlci.core.io.Retry}. The image steps' results
   * speak api types ({@code ImageLayer}, {@code FailedCheck}); {@code core.image} is the engine's.
   */
  @Test
  void faces_useOnlyTheApi() {
    noClasses()
        .that()
        .resideInAPackage("dev.mlci.cli..")
        .should()
        .dependOnClassesThat(
            JavaClass.Predicates.resideInAPackage("dev.mlci.core..")
                .and(
                    DescribedPredicate.not(
                        JavaClass.Predicates.resideInAnyPackage(
                                "dev.mlci.core.api..", "dev.mlci.core.errors..")
                            // mlci's one retry loop, which the GitHub API client shares.
                            .or(JavaClass.Predicates.belongToAnyOf(dev.mlci.core.io.Retry.class)))))
        .because("faces call the engine through dev.mlci.core.api only")
        .check(CLI);
  }

  @Test
  void onlyMainExits() {
    noClasses()
        .that()
        .doNotHaveSimpleName("Main")
        .should()
        .callMethod(System.class, "exit", int.class)
        .check(CLI);
  }
}
