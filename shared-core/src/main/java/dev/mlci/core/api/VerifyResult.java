package dev.mlci.core.api;

import dev.mlci.core.image.verify.ImageVerifier;
import dev.mlci.core.image.verify.ServingContract;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@code mlci verify-image} found.
 *
 * @param outcome the checks and what happened to the container
 * @param verifyDir where the report was written
 * @param millis wall time of the step
 */
public record VerifyResult(ImageVerifier.Outcome outcome, Path verifyDir, long millis) {
  public VerifyResult {
    Objects.requireNonNull(outcome, "outcome");
    Objects.requireNonNull(verifyDir, "verifyDir");
  }

  /** 0 when the image met its contract, 1 when it did not (the build should fail). */
  public int exitCode() {
    return outcome.passed() ? 0 : 1;
  }

  // Faces read the outcome through the accessors below, which speak only the api's types;
  // outcome() is the engine's record.

  /** Whether the image met its serving contract. */
  public boolean passed() {
    return outcome.passed();
  }

  /** The container engine that ran the image ({@code podman}, {@code docker}). */
  public String engine() {
    return outcome.engine();
  }

  /** The image that was run. */
  public String image() {
    return outcome.image();
  }

  /** Seconds until the server in the container was ready. */
  public double startSeconds() {
    return outcome.startSeconds();
  }

  /** What went wrong besides the checks (the container did not start, did not stop, ...). */
  public List<String> problems() {
    return outcome.problems();
  }

  /** How many checks ran; empty when the server never answered. */
  public Optional<Integer> checks() {
    return report().map(r -> r.checks().size());
  }

  /** How many checks failed; empty when the server never answered. */
  public Optional<Integer> failedChecks() {
    return report().map(r -> r.failures().size());
  }

  /** How many test rows were served and compared; empty when the server never answered. */
  public Optional<Integer> rowsCompared() {
    return report().map(ServingContract.Report::rowsCompared);
  }

  /** The largest |served - evaluated| difference; empty when the server never answered. */
  public Optional<Double> maxAbsDifference() {
    return report().map(ServingContract.Report::maxAbsDifference);
  }

  /** The checks that failed. */
  public List<FailedCheck> failures() {
    return report().stream()
        .flatMap(r -> r.failures().stream())
        .map(c -> new FailedCheck(c.name(), c.detail()))
        .toList();
  }

  /** The end of the container's log, for a failure's report. */
  public String logTail() {
    return outcome.logTail();
  }

  private Optional<ServingContract.Report> report() {
    return Optional.ofNullable(outcome.report());
  }
}
