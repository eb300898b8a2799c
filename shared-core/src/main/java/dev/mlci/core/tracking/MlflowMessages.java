package dev.mlci.core.tracking;

import dev.mlci.core.io.Json;
import java.net.ConnectException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;

/** What a failed call to the tracking server says: one line, bounded, never a credential. */
final class MlflowMessages {
  /** The longest excerpt of a server's answer a message shows. */
  static final int EXCERPT = 300;

  private static final Pattern TITLE = Pattern.compile("(?is)<title[^>]*>(.*?)</title>");
  private static final Pattern HIDDEN = Pattern.compile("(?is)<(script|style|head)[^>]*>.*?</\\1>");

  private MlflowMessages() {}

  /** The server's address as it may be shown: without any user:password it embeds. */
  static String redact(String uri) {
    return uri.replaceFirst("^([a-zA-Z][a-zA-Z0-9+.-]*://)[^/]*@", "$1");
  }

  /** MLflow's {@code error_code} in {@code body}, or "" when it is no MLflow error. */
  static String errorCode(String body) {
    try {
      JsonNode json = Json.mapper().readTree(body);
      return json == null ? "" : json.path("error_code").asString("");
    } catch (RuntimeException notJson) {
      return "";
    }
  }

  /** What went wrong, for a message: the server's answer or the connection's failure. */
  static String describe(Throwable t) {
    if (t instanceof MlflowHttpError h) {
      String body = h.body().strip();
      String message = excerpt(body);
      boolean mlflowError = false;
      try {
        JsonNode json = Json.mapper().readTree(body);
        if (json != null && json.has("message")) {
          message =
              excerpt(json.path("error_code").asString("") + " " + json.path("message").asString());
          mlflowError = json.has("error_code");
        }
      } catch (RuntimeException notJson) {
        // The excerpt of the body, as it came.
      }
      String hint =
          switch (h.status()) {
            case 401, 403 ->
                "; check MLFLOW_TRACKING_TOKEN or MLFLOW_TRACKING_USERNAME/MLFLOW_TRACKING_PASSWORD";
            case 404 ->
                mlflowError
                    ? ""
                    : "; check that the URI is an MLflow tracking server (MLflow 2.3 or newer)";
            default -> "";
          };
      message = message.strip().replaceAll("\\.+$", "");
      return "HTTP " + h.status() + (message.isEmpty() ? "" : " " + message) + hint;
    }
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof ConnectException) {
        // java.net.http's asynchronous connect leaves the message out.
        String message =
            c.getMessage() == null
                ? ": the connection was refused or the host is unreachable"
                : ": " + c.getMessage();
        return "cannot connect (" + c.getClass().getSimpleName() + message + ")";
      }
    }
    Throwable cause = t;
    while (cause.getCause() != null && cause.getMessage() == null) {
      cause = cause.getCause();
    }
    String message = cause.getMessage() == null ? "" : ": " + cause.getMessage();
    return cause.getClass().getSimpleName() + message;
  }

  /**
   * At most {@link #EXCERPT} characters of a server's answer on one line: for an HTML page (a
   * proxy's or a web server's error page) its title and text without markup, and its size.
   */
  static String excerpt(String body) {
    String text = body.strip();
    String suffix = "";
    if (text.startsWith("<") && text.matches("(?is).*<(html|body|head|title|h1|p|div)\\b.*")) {
      Matcher title = TITLE.matcher(text);
      String t = title.find() ? title.group(1) : "";
      String rest = HIDDEN.matcher(text).replaceAll(" ").replaceAll("(?s)<[^>]*>", " ");
      text = (t + " " + rest.replace(t, "")).replace("&nbsp;", " ");
      suffix = " (an HTML page of " + body.length() + " characters)";
    }
    text = text.replaceAll("\\s+", " ").strip();
    if (text.length() > EXCERPT) {
      text = text.substring(0, EXCERPT) + " [...]";
    }
    return text + suffix;
  }
}
