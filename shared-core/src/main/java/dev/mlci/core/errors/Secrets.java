package dev.mlci.core.errors;

import java.io.IOException;
import java.io.Writer;
import java.util.regex.Matcher;
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

  /**
   * A writer that masks credentials in everything written through it, line by line (a line is
   * passed on at its end, at {@code \r}, or when flushed), so a URL is never split across two
   * checks. Faces wrap their standard output and error in one.
   */
  public static Writer redacting(Writer out) {
    return new Writer() {
      private final StringBuilder line = new StringBuilder();

      @Override
      public void write(char[] cbuf, int off, int len) throws IOException {
        for (int i = off; i < off + len; i++) {
          char c = cbuf[i];
          line.append(c);
          if (c == '\n' || c == '\r') {
            emit();
          }
        }
      }

      private void emit() throws IOException {
        if (line.length() > 0) {
          out.write(redact(line.toString()));
          line.setLength(0);
        }
      }

      @Override
      public void flush() throws IOException {
        emit();
        out.flush();
      }

      @Override
      public void close() throws IOException {
        flush();
        out.close();
      }
    };
  }

  private static String userinfo(String info) {
    int colon = info.indexOf(':');
    // A user name alone is often a token (https://TOKEN@github.com), so it is masked too.
    return colon < 0 ? MASK : Matcher.quoteReplacement(info.substring(0, colon)) + ":" + MASK;
  }
}
