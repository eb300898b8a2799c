package dev.mlci.core.data;

import java.util.Locale;

/** Strict parsing of numbers in data files: plain decimal notation only, finite. */
final class Numbers {
  private Numbers() {}

  /**
   * Whether {@code s} is a plain decimal number: optional sign, digits, optional fraction and
   * exponent.
   */
  static boolean isDecimal(String s) {
    int i = 0;
    int n = s.length();
    if (i < n && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
      i++;
    }
    int digits = 0;
    while (i < n && Character.isDigit(s.charAt(i)) && s.charAt(i) < 128) {
      i++;
      digits++;
    }
    if (i < n && s.charAt(i) == '.') {
      i++;
      while (i < n && Character.isDigit(s.charAt(i)) && s.charAt(i) < 128) {
        i++;
        digits++;
      }
    }
    if (digits == 0) {
      return false;
    }
    if (i < n && (s.charAt(i) == 'e' || s.charAt(i) == 'E')) {
      i++;
      if (i < n && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
        i++;
      }
      int exp = 0;
      while (i < n && Character.isDigit(s.charAt(i)) && s.charAt(i) < 128) {
        i++;
        exp++;
      }
      if (exp == 0) {
        return false;
      }
    }
    return i == n;
  }

  /**
   * Whether the ASCII bytes {@code b[off, off + len)} are a plain decimal number, as {@link
   * #isDecimal(String)} (a byte of 0x80 or above never is).
   */
  static boolean isDecimal(byte[] b, int off, int len) {
    int i = off;
    int n = off + len;
    if (i < n && (b[i] == '+' || b[i] == '-')) {
      i++;
    }
    int digits = 0;
    while (i < n && b[i] >= '0' && b[i] <= '9') {
      i++;
      digits++;
    }
    if (i < n && b[i] == '.') {
      i++;
      while (i < n && b[i] >= '0' && b[i] <= '9') {
        i++;
        digits++;
      }
    }
    if (digits == 0) {
      return false;
    }
    if (i < n && (b[i] == 'e' || b[i] == 'E')) {
      i++;
      if (i < n && (b[i] == '+' || b[i] == '-')) {
        i++;
      }
      int exp = 0;
      while (i < n && b[i] >= '0' && b[i] <= '9') {
        i++;
        exp++;
      }
      if (exp == 0) {
        return false;
      }
    }
    return i == n;
  }

  /**
   * Whether {@code s} spells a non-finite number (NaN, Infinity, inf), which data files must not
   * hold.
   */
  static boolean isNonFinite(String s) {
    String t = s.toLowerCase(Locale.ROOT);
    if (t.startsWith("+") || t.startsWith("-")) {
      t = t.substring(1);
    }
    return t.equals("nan")
        || t.equals("inf")
        || t.equals("infinity")
        || t.equals(".inf")
        || t.equals(".nan");
  }
}
