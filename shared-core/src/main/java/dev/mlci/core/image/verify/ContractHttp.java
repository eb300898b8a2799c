package dev.mlci.core.image.verify;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * The HTTP side of the contract check: requests to the server under test with a timeout each, and
 * its answers read leniently (an answer is untrusted input: no response or a body that is not JSON
 * is something to report, never an exception).
 */
final class ContractHttp {
  final URI base;
  final ObjectMapper json = JsonMapper.builder().build();
  private final HttpClient http;

  ContractHttp(URI base) {
    this.base = base;
    this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  }

  /** The server broke the contract in a way that fails the check at hand. */
  static final class ContractException extends Exception {
    private static final long serialVersionUID = 1L;

    ContractException(String message) {
      super(message);
    }
  }

  /** One answer: its status and body, the body as JSON (null when it is not), or why none came. */
  record Reply(int status, String body, JsonNode json, String error) {
    String describe() {
      if (error != null) {
        return error;
      }
      String shown = body.length() > 300 ? body.substring(0, 300) + "..." : body.strip();
      return "HTTP " + status + " " + shown;
    }
  }

  Reply get(String path) throws InterruptedException {
    return exchange(HttpRequest.newBuilder(base.resolve(path)).GET());
  }

  Reply post(String path, JsonNode body) throws InterruptedException {
    return send(path, json.writeValueAsBytes(body), "application/json");
  }

  Reply send(String path, byte[] body, String contentType) throws InterruptedException {
    return exchange(
        HttpRequest.newBuilder(base.resolve(path))
            .header("Content-Type", contentType)
            .POST(HttpRequest.BodyPublishers.ofByteArray(body)));
  }

  Reply exchange(HttpRequest.Builder request) throws InterruptedException {
    try {
      HttpResponse<String> r =
          sendRetryingLostConnection(
              request.timeout(Duration.ofSeconds(60)).build(),
              HttpResponse.BodyHandlers.ofString());
      JsonNode parsed;
      try {
        parsed = json.readTree(r.body());
      } catch (JacksonException e) {
        parsed = null;
      }
      if (parsed != null && parsed.isMissingNode()) {
        parsed = null;
      }
      return new Reply(r.statusCode(), r.body(), parsed, null);
    } catch (IOException e) {
      return new Reply(-1, "", null, "no response: " + e);
    }
  }

  /**
   * Sends {@code request}, once more when the connection was lost before any answer. A kept-alive
   * connection may be closed by the server just as the client reuses it (RFC 9112 section 9.3.1),
   * and the JDK's client retries only GET by itself; every request of the contract is free of side
   * effects, so resending is safe. A timeout is not retried, and a server that drops the connection
   * for a request fails the resend too, so no fault is hidden.
   */
  private <T> HttpResponse<T> sendRetryingLostConnection(
      HttpRequest request, HttpResponse.BodyHandler<T> handler)
      throws IOException, InterruptedException {
    try {
      return http.send(request, handler);
    } catch (HttpTimeoutException e) {
      throw e;
    } catch (IOException e) {
      return http.send(request, handler);
    }
  }

  static String encode(String name) {
    return URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20");
  }

  static String abbreviate(JsonNode body) {
    return abbreviate(body.toString());
  }

  static String abbreviate(String s) {
    return s.length() > 300 ? s.substring(0, 300) + "..." : s;
  }

  HttpResponse<byte[]> raw(HttpRequest.Builder request)
      throws InterruptedException, ContractException {
    try {
      return sendRetryingLostConnection(
          request.timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      throw new ContractException("no response: " + e);
    }
  }
}
