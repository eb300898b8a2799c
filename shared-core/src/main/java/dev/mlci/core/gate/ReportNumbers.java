package dev.mlci.core.gate;

import java.util.Locale;

/**
 * The one number format of every gate report (gate.md, gate.html, gate-junit.xml, the CLI's text,
 * the reasons and notes): {@value #DECIMALS} decimals, {@code n/a} for an undefined value, {@code
 * ∞} for an infinite one, and never {@code -0.0000} (a value that rounds to zero prints as {@code
 * 0.0000}, without a sign). gate.json carries the unrounded numbers.
 */
public final class ReportNumbers {
  /** Decimals shown for every metric value, change and interval end. */
  public static final int DECIMALS = 4;

  /** What an undefined value (NaN) prints as. */
  public static final String UNDEFINED = "n/a";

  private static final String ZERO = "0." + "0".repeat(DECIMALS);

  private ReportNumbers() {}

  /** A value: {@code 0.6620}, {@code -0.0030}, {@code 0.0000}, {@code n/a}, {@code ∞}. */
  public static String value(double v) {
    if (Double.isNaN(v)) {
      return UNDEFINED;
    }
    if (Double.isInfinite(v)) {
      return v > 0 ? "∞" : "-∞";
    }
    String s = String.format(Locale.ROOT, "%." + DECIMALS + "f", v);
    return s.equals("-" + ZERO) ? ZERO : s;
  }

  /**
   * A change, always with its sign: {@code +0.0120}, {@code -0.0030}; one that rounds to zero is
   * {@code 0.0000}, neither better nor worse.
   */
  public static String signed(double v) {
    String s = value(v);
    return s.equals(ZERO) || s.equals(UNDEFINED) || s.startsWith("-") ? s : "+" + s;
  }

  /** An interval of changes, low end first: {@code [-0.0300, +0.0100]}. */
  public static String interval(double lo, double hi) {
    if (!Double.isFinite(lo) || !Double.isFinite(hi)) {
      return "undefined";
    }
    return "[" + signed(Math.min(lo, hi)) + ", " + signed(Math.max(lo, hi)) + "]";
  }

  /** A percentage without decimals: {@code 95%}. */
  public static String percent(double fraction) {
    return String.format(Locale.ROOT, "%.0f%%", 100 * fraction);
  }

  /**
   * A plain decimal for a chart's data, which Mermaid's parser reads (no exponent, no {@code -0}):
   * one more decimal than the text shows, so the drawn points match the printed numbers.
   */
  static String chart(double v) {
    double finite = Double.isFinite(v) ? v : 0;
    String s = String.format(Locale.ROOT, "%." + (DECIMALS + 1) + "f", finite);
    return s.matches("-0\\.0+") ? s.substring(1) : s;
  }
}
