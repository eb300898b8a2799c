package dev.mlci.core.api;

import dev.mlci.core.errors.EnvironmentException;
import dev.mlci.core.errors.Fix;
import dev.mlci.core.errors.MlciException;
import dev.mlci.core.errors.Suggestions.Option;
import dev.mlci.core.image.build.BuiltImage;
import dev.mlci.core.image.build.ImageLocation;
import dev.mlci.core.image.verify.ContainerRuntime;
import dev.mlci.core.image.verify.ImageVerifier;
import dev.mlci.core.image.verify.ServingCases;
import dev.mlci.core.progress.ProgressListener;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * The shipping rule, for every face: build the image, check its serving contract, and deliver only
 * an image that met it — the same image that was checked.
 *
 * <ul>
 *   <li>A registry or daemon target: the image is built into a tarball ({@code
 *       OUT/image-candidate.tar}), run and checked there, and only when it passes built again into
 *       the target; the build is reproducible, and the delivered image must have the checked
 *       image's id (the digest of its configuration, which lists every layer's content digest),
 *       else the step fails with exit 3. A tag never moves to an image that breaks its contract.
 *   <li>A tarball target: the image is built next to it, checked, and moved into place; a broken
 *       image never lands at the target path.
 *   <li>A broken image (exit 1): nothing is delivered, {@code OUT/image} is removed (no earlier
 *       description stays for a deployment to pick up) and {@code OUT/verify/verify.json} says why.
 *   <li>No container engine: a registry or daemon target is refused (exit 3), naming {@code
 *       --no-verify}; a tarball is built and reported as not verified.
 *   <li>{@code verify=false} ({@code --no-verify}): built and delivered, reported as not verified
 *       in the result and in {@code image.json}.
 * </ul>
 */
public final class ShipStep {
  /** The tarball a registry or daemon image is checked as before it is delivered. */
  public static final String CANDIDATE = "image-candidate.tar";

  /** Why a check was skipped: the user asked. */
  public static final String SKIPPED_BY_REQUEST = Option.NO_VERIFY.flag();

  /** Why a check was skipped: nothing to run the image with. */
  public static final String SKIPPED_NO_ENGINE =
      "no container engine (podman or docker; or set " + ContainerRuntime.ENV_RUNTIME + ")";

  private final StepContext context;
  private final ProgressListener progress;

  public ShipStep(StepContext context) {
    this.context = Objects.requireNonNull(context, "context");
    this.progress = context.progress();
  }

  /** Builds, verifies and delivers the image as {@code options} say. */
  public ShipResult call(Plan plan, ShipOptions options)
      throws MlciException, InterruptedException {
    Instant started = context.clock().instant();
    ContainerizeStep containerize = new ContainerizeStep(context);
    ContainerizeStep.Prepared p = containerize.prepare(plan, options.image());
    String target = p.target().toString();
    if (!options.verify()) {
      return unverified(plan, containerize, p, SKIPPED_BY_REQUEST, started);
    }
    VerifyImageStep verify = new VerifyImageStep(context);
    StepOutput verifyOutput = verify.claim(plan.workspace());
    Optional<ContainerRuntime> engine = VerifyImageStep.engine(context.env());
    if (engine.isEmpty()) {
      if (p.published()) {
        throw new EnvironmentException(
            "no container engine: mlci checks an image's serving contract before it delivers it"
                + " to "
                + target
                + ", and neither podman nor docker is on the PATH (nor set in "
                + ContainerRuntime.ENV_RUNTIME
                + "); ",
            Fix.of("install one, or pass {} to deliver the image unverified", Option.NO_VERIFY),
            null);
      }
      return unverified(plan, containerize, p, SKIPPED_NO_ENGINE, started);
    }
    // Before anything is built: without an evaluation there is nothing to check against (exit 2).
    ServingCases cases = VerifyImageStep.servingCases(plan);
    Path candidate = candidate(plan, p.target());
    Optional<String> name =
        p.target() instanceof ImageLocation.Registry r
            ? Optional.of(r.reference().toString())
            : p.target() instanceof ImageLocation.Docker d
                ? Optional.of(d.reference().toString())
                : options.image().name();
    try {
      BuiltImage built = containerize.build(plan, p, new ImageLocation.Tar(candidate), name);
      VerifyResult verified =
          verify.verify(
              verifyOutput,
              engine.get(),
              new ImageVerifier.Image(
                  "tar://" + candidate, built.reference(), built.digest(), built.imageId()),
              false,
              built.reference(),
              cases,
              options.verifyOptions());
      if (!verified.outcome().passed()) {
        progress.info("the image breaks its serving contract: not delivered to " + target);
        ContainerizeStep.forget(plan, p);
        return new ShipResult(
            target,
            built,
            Optional.empty(),
            Optional.of(verified),
            ShipResult.Verification.FAILED,
            Optional.empty(),
            millis(started));
      }
      BuiltImage delivered = deliver(plan, containerize, p, candidate, built);
      ContainerizeResult recorded =
          containerize.record(
              plan,
              p,
              delivered,
              true,
              "passed: verify-image checked image "
                  + built.imageId()
                  + " before it was delivered (see "
                  + Workspace.display(verified.verifyDir().resolve(VerifyImageStep.VERIFY_JSON))
                  + ")");
      return new ShipResult(
          target,
          built,
          Optional.of(recorded),
          Optional.of(verified),
          ShipResult.Verification.PASSED,
          Optional.empty(),
          millis(started));
    } finally {
      try {
        Files.deleteIfExists(candidate);
      } catch (IOException e) {
        progress.info("could not delete " + candidate + ": " + e.getMessage());
      }
    }
  }

  /** Delivers the checked image: a tarball moved into place, else built again into the target. */
  private BuiltImage deliver(
      Plan plan,
      ContainerizeStep containerize,
      ContainerizeStep.Prepared p,
      Path candidate,
      BuiltImage checked)
      throws MlciException, InterruptedException {
    if (p.target() instanceof ImageLocation.Tar t) {
      try {
        Files.move(
            candidate,
            t.path(),
            StandardCopyOption.REPLACE_EXISTING,
            StandardCopyOption.ATOMIC_MOVE);
      } catch (IOException e) {
        throw new EnvironmentException(
            "cannot move the verified image to " + t.path() + ": " + e.getMessage(), e);
      }
      return new BuiltImage(
          checked.reference(),
          checked.digest(),
          checked.imageId(),
          p.target().toString(),
          checked.layers(),
          checked.warnings());
    }
    BuiltImage pushed = containerize.build(plan, p, p.target(), Optional.empty());
    if (!pushed.imageId().equals(checked.imageId())) {
      throw new EnvironmentException(
          "the delivered image "
              + pushed.imageId()
              + " is not the verified one "
              + checked.imageId()
              + "; the model or the base changed during the run. Run again; the tag at "
              + p.target()
              + " now points at an unverified image",
          null);
    }
    return pushed;
  }

  private ShipResult unverified(
      Plan plan,
      ContainerizeStep containerize,
      ContainerizeStep.Prepared p,
      String why,
      Instant started)
      throws MlciException, InterruptedException {
    progress.info("the image is not verified: " + why);
    BuiltImage image = containerize.build(plan, p, p.target(), p.options().name());
    ContainerizeResult recorded = containerize.record(plan, p, image, false, "skipped: " + why);
    return new ShipResult(
        p.target().toString(),
        image,
        Optional.of(recorded),
        Optional.empty(),
        ShipResult.Verification.SKIPPED,
        Optional.of(why),
        millis(started));
  }

  /**
   * Where the image is checked before delivery: for a tarball target next to it (the move into
   * place is then atomic), else {@code OUT/image-candidate.tar}.
   */
  private static Path candidate(Plan plan, ImageLocation target) {
    if (target instanceof ImageLocation.Tar t) {
      return t.path().resolveSibling("." + t.path().getFileName() + ".unverified");
    }
    return plan.workspace().out().resolve(CANDIDATE);
  }

  private long millis(Instant started) {
    return context.clock().millis() - started.toEpochMilli();
  }
}
