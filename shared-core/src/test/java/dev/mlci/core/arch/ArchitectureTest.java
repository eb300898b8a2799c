package dev.mlci.core.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The engine's layering, held by tests rather than by good intentions. */
class ArchitectureTest {
  private static final JavaClasses CORE =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("dev.mlci.core");

  @Test
  void corePackages_haveNoCycles() {
    slices().matching("dev.mlci.core.(*)..").should().beFreeOfCycles().check(CORE);
  }

  /**
   * Images in three packages: {@code build} (Jib) knows nothing of running or deploying an image,
   * {@code verify} (a container engine, the serving contract) reads what {@code build} made, {@code
   * deploy} (manifests) only names an image; the steps in {@code api} put them together.
   */
  @Test
  void imagePackages_buildVerifyDeploy_dependInOneDirection() {
    slices().matching("dev.mlci.core.image.(*)..").should().beFreeOfCycles().check(CORE);
    noClasses()
        .that()
        .resideInAPackage("dev.mlci.core.image.build..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("dev.mlci.core.image.verify..", "dev.mlci.core.image.deploy..")
        .check(CORE);
    noClasses()
        .that()
        .resideInAPackage("dev.mlci.core.image.deploy..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("dev.mlci.core.image.verify..")
        .check(CORE);
    noClasses()
        .that()
        .resideInAPackage("dev.mlci.core.image.verify..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("dev.mlci.core.image.deploy..")
        .check(CORE);
  }

  @Test
  void onlyFacesCallTheFacade_theEngineNeverDoes() {
    noClasses()
        .that()
        .resideOutsideOfPackage("dev.mlci.core.api..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("dev.mlci.core.api..")
        .check(CORE);
  }

  @Test
  void engine_hasNoCiVendorOrCliCode() {
    noClasses()
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("picocli..", "dev.mlci.cli..", "hudson..", "jenkins..")
        .check(CORE);
  }

  @Test
  void engine_neverExits() {
    noClasses().should().callMethod(System.class, "exit", int.class).check(CORE);
  }
}
