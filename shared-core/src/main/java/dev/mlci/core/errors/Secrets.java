package dev.mlci.core.errors;

import java.util.regex.Pattern;

/**
 * Keeps credentials out of what mlci prints. A URL's user information ({@code
 * scheme://user:password@host}, {@code scheme://token@host}) is replaced by {@value #MASK} wherever
 * it appears in a message, whichever argument, variable or library echoed it.
 */
public final class Secrets {
  /** What replaces a secret. */
  public static final String MASK = "***";

  /**
   * A scheme, then user information up to an {@code @} that comes before the first {@code /},
   * {@code ?} or {@code #} of the authority.
   */
  private static final Pattern USERINFO =
      Pattern.compile("([A-Za-z][A-Za-z0-9+.-]*://)([^\\s/?#@'\"<>]+)@");

  private Secrets() {}

  /** {@code text} with the user information of every URL in it masked. */
  public static String redact(String text) {
    if (text == null || text.indexOf("://") < 0) {
      return text;
    }
    return USERINFO.matcher(text).replaceAll(m -> m.group(1) + userinfo(m.group(2)) + "@");
  }

  /** Whether the authority part of {@code url} (after its scheme) carries user information. */
  public static boolean hasUserinfo(String url) {
    return url != null && USERINFO.matcher(url).find();
  }

  private static String userinfo(String info) {
    int colon = info.indexOf(':');
    // A user name alone is often a token (https://TOKEN@github.com), so it is masked too.
    return colon < 0
        ? MASK
        : java.util.regex.Matcher.quoteReplacement(info.substring(0, colon)) + ":" + MASK;
  }
}
