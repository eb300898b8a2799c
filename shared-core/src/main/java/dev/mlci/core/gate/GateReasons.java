package dev.mlci.core.gate;

import static dev.mlci.core.gate.GateReasons.fmt;

import dev.mlci.core.config.Metric;
import dev.mlci.core.gate.GateChecks.Check;
import dev.mlci.core.gate.GateChecks.Kind;
import dev.mlci.core.gate.GateChecks.Space;
import java.math.BigDecimal;
import java.util.Locale;

/**
 * The sentences the gate explains itself with (moved verbatim from {@code GateEvaluator}), and its
 * number format.
 */
final class GateReasons {
  private GateReasons() {}

  static String changedTestSetNote(GateResult.Pairing pairing, int candidateSize) {
    double share = candidateSize == 0 ? 0 : 100.0 * pairing.common() / candidateSize;
    return "The test set changed: "
        + pairing.common()
        + " examples in common ("
        + String.format(Locale.ROOT, "%.0f%%", share)
        + " of the candidate's), "
        + pairing.onlyBaseline()
        + " only in the baseline, "
        + pairing.onlyCandidate()
        + " only in the candidate"
        + (pairing.changedTruth() > 0
            ? ", " + pairing.changedTruth() + " with a different true value"
            : "")
        + ". "
        + (pairing.paired()
            ? "Comparisons are paired on the common examples: they judge the model on those, not"
                + " on the new ones."
            : "On mostly different examples a difference mixes the model's change with the test"
                + " set's, so it cannot be blamed on the model.");
  }

  static String relativeReason(Check c, Verdict v, String level) {
    Interval ci = c.interval;
    String tol = fmt(-c.threshold);
    if (c.space == Space.POINT) {
      return switch (v) {
        case FAIL ->
            "worse than the baseline beyond the tolerated drop " + tol + " (point values, no test)";
        case PASS -> "no drop beyond " + tol + " (point values, no test)";
        default -> "point values compared";
      };
    }
    String range = "[" + fmt(ci.lo()) + ", " + fmt(ci.hi()) + "]";
    if (v == Verdict.INCONCLUSIVE && c.swapRefutes()) {
      return String.format(
          Locale.ROOT,
          "cannot tell: the %s interval of the improvement %s lies below %s, but swapping the two"
              + " models' predictions at random makes a difference like this one too often"
              + " (paired randomization test p = %s, a FAIL needs at most %s): the bootstrap alone"
              + " is not trusted with a FAIL here",
          level,
          range,
          fmt(c.threshold),
          pValue(c.swapP),
          pValue(c.swapLevel));
    }
    return switch (v) {
      case FAIL ->
          String.format(
              Locale.ROOT,
              "worse than the baseline beyond the tolerated drop %s: the %s interval of the"
                  + " improvement %s lies below %s%s",
              tol,
              level,
              range,
              fmt(c.threshold),
              Double.isNaN(c.swapP)
                  ? ""
                  : ", and the paired randomization test tells the models apart (p = "
                      + pValue(c.swapP)
                      + ")");
      case PASS ->
          String.format(
              Locale.ROOT,
              "no drop beyond %s: the %s interval of the improvement %s lies at or above %s",
              tol,
              level,
              range,
              fmt(c.threshold));
      default ->
          String.format(
              Locale.ROOT,
              "cannot tell: the %s interval of the improvement %s straddles %s",
              level,
              range,
              fmt(c.threshold));
    };
  }

  static String boundReason(Check c, Verdict v, Metric metric, String level) {
    boolean min = c.kind == Kind.MIN;
    double bound = min ? c.threshold : -c.threshold;
    double value = min ? c.estimate : -c.estimate;
    String b = BigDecimal.valueOf(bound).stripTrailingZeros().toPlainString();
    if (c.space == Space.POINT) {
      return v == Verdict.FAIL
          ? String.format(
              Locale.ROOT,
              "%.4f is %s the %s %s (strict)",
              value,
              min ? "below" : "above",
              min ? "minimum" : "maximum",
              b)
          : String.format(
              Locale.ROOT,
              "%.4f is within its %s %s (strict)",
              value,
              min ? "minimum" : "maximum",
              b);
    }
    double lo = min ? c.interval.lo() : -c.interval.hi();
    double hi = min ? c.interval.hi() : -c.interval.lo();
    String range = "[" + fmt(lo) + ", " + fmt(hi) + "]";
    return switch (v) {
      case FAIL ->
          String.format(
              Locale.ROOT,
              "%.4f is %s the %s %s beyond noise: the %s interval of %s %s lies %s it",
              value,
              min ? "below" : "above",
              min ? "minimum" : "maximum",
              b,
              level,
              metric.id(),
              range,
              min ? "below" : "above");
      case PASS ->
          String.format(
              Locale.ROOT,
              "within its %s %s: the %s interval of %s %s lies %s it",
              min ? "minimum" : "maximum",
              b,
              level,
              metric.id(),
              range,
              min ? "at or above" : "at or below");
      default ->
          String.format(
              Locale.ROOT,
              "%.4f against the %s %s: cannot tell, the %s interval of %s %s contains it"
                  + " (strict: true checks the point value)",
              value,
              min ? "minimum" : "maximum",
              b,
              level,
              metric.id(),
              range);
    };
  }

  /** The reports' one number format ({@link ReportNumbers#value}). */
  static String fmt(double v) {
    return ReportNumbers.value(v);
  }

  /** The reports' one signed format ({@link ReportNumbers#signed}). */
  static String signed(double v) {
    return ReportNumbers.signed(v);
  }

  /** A p-value for a sentence: three significant digits. */
  static String pValue(double p) {
    return new BigDecimal(p)
        .round(new java.math.MathContext(3))
        .stripTrailingZeros()
        .toPlainString();
  }
}
