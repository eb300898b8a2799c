package dev.mlci.core.tracking;

import dev.mlci.core.io.Json;
import dev.mlci.core.io.Retry;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The one transport to an MLflow tracking server: its REST API ({@code /api/2.0/mlflow/...}) and
 * artifact proxy on {@code java.net.http}, HTTP/1.1, with the credentials and the {@link Retry}
 * policy. Every try has a deadline of its own (a server that accepts a connection and never answers
 * costs one timeout, and is not tried again); failures that may pass are retried with backoff or
 * after the {@code Retry-After} the server asked for; creates are retried only through {@link
 * #create}, which looks for what an earlier try may have created before sending again.
 */
final class MlflowHttp {
  private final String base;
  private final String display;
  private final Optional<String> authorization;
  private final Retry retry;
  private final Retry.Sleeper sleeper;
  private final HttpClient http = httpClient();

  /** Requests go compact; {@link Json#mapper()} indents, for files. */
  private static final ObjectMapper REQUESTS = JsonMapper.builder().build();

  MlflowHttp(String base, Optional<String> authorization, Retry retry, Retry.Sleeper sleeper) {
    this.base = base;
    this.display = MlflowMessages.redact(base);
    this.authorization = authorization;
    this.retry = retry;
    this.sleeper = sleeper;
  }

  /**
   * HTTP/1.1: Java's default (HTTP/2) sends {@code Upgrade: h2c} on plain-HTTP requests, which an
   * {@code mlflow server} on uvicorn's httptools parser (what {@code uvicorn[standard]} installs)
   * answers with 400 "Unsupported upgrade request".
   */
  static HttpClient httpClient() {
    return HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(10))
        .build();
  }

  String base() {
    return base;
  }

  String display() {
    return display;
  }

  Retry retry() {
    return retry;
  }

  /** A create: the request, and how to find what an earlier, unanswered try created. */
  interface Create<T> {
    /** Sends the create once and reads what it created. */
    T send() throws IOException, InterruptedException;

    /** What an earlier try of this create left on the server, if it did. */
    Optional<T> find() throws IOException, InterruptedException;
  }

  /**
   * {@code create}, retried like any call, except that every retry first asks the server whether an
   * earlier try arrived (a create whose answer was lost, or that failed after committing): then it
   * is that, and nothing is sent again.
   */
  <T> T create(String what, Create<T> create) throws TrackingException {
    return call(
        what,
        retry.timeout(),
        attempt -> {
          if (attempt > 1) {
            Optional<T> earlier = create.find();
            if (earlier.isPresent()) {
              return earlier.get();
            }
          }
          return create.send();
        });
  }

  /** {@code GET /api/2.0/mlflow/<path>}, retried. */
  JsonNode get(String what, String path) throws TrackingException {
    return call(what, retry.timeout(), attempt -> getOnce(path));
  }

  /** {@code POST /api/2.0/mlflow/<path>} of an idempotent request, retried. */
  JsonNode post(String what, String path, ObjectNode body) throws TrackingException {
    return call(what, retry.timeout(), attempt -> postOnce(path, body));
  }

  /** One {@code GET /api/2.0/mlflow/<path>}, not retried. */
  JsonNode getOnce(String path) throws IOException, InterruptedException {
    HttpRequest.Builder get = request(api(path), retry.timeout()).GET();
    return json(send(get, HttpResponse.BodyHandlers.ofString(), retry.timeout(), "GET " + path));
  }

  /** One {@code POST /api/2.0/mlflow/<path>}, not retried. */
  JsonNode postOnce(String path, ObjectNode body) throws IOException, InterruptedException {
    HttpRequest.Builder post =
        request(api(path), retry.timeout())
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(REQUESTS.writeValueAsString(body)));
    return json(send(post, HttpResponse.BodyHandlers.ofString(), retry.timeout(), "POST " + path));
  }

  private static JsonNode json(String body) throws IOException {
    try {
      return Json.mapper().readTree(body.isBlank() ? "{}" : body);
    } catch (RuntimeException e) {
      throw new IOException(
          "the answer is no JSON (" + MlflowMessages.excerpt(body) + "): is this MLflow?", e);
    }
  }

  private URI api(String path) {
    return URI.create(base + "/api/2.0/mlflow/" + path);
  }

  /** A request to {@code uri} with the credentials and a deadline of {@code timeout}. */
  HttpRequest.Builder request(URI uri, Duration timeout) {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(timeout);
    authorization.ifPresent(a -> b.header("Authorization", a));
    return b;
  }

  /**
   * Sends {@code request} once and waits at most {@code timeout} for all of the answer (headers and
   * body: a server that answers the headers and then stalls is no answer either).
   *
   * @throws MlflowHttpError when the answer is not 2xx
   * @throws NoAnswer when there is none within {@code timeout}
   */
  <T> T send(
      HttpRequest.Builder request,
      HttpResponse.BodyHandler<T> handler,
      Duration timeout,
      String what)
      throws IOException, InterruptedException {
    CompletableFuture<HttpResponse<T>> future = http.sendAsync(request.build(), handler);
    HttpResponse<T> r;
    try {
      r = future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      future.cancel(true);
      throw new NoAnswer(timeout, e);
    } catch (InterruptedException e) {
      future.cancel(true);
      throw e;
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      if (c instanceof HttpTimeoutException t && !(c instanceof HttpConnectTimeoutException)) {
        throw new NoAnswer(timeout, t);
      }
      if (c instanceof IOException io) {
        throw io;
      }
      throw new IOException(c);
    }
    if (r.statusCode() / 100 != 2) {
      T body = r.body();
      String text =
          body instanceof byte[] bytes
              ? new String(bytes, StandardCharsets.UTF_8)
              : String.valueOf(body);
      throw new MlflowHttpError(r.statusCode(), what, text, retryAfter(r));
    }
    return r.body();
  }

  /** {@code Retry-After} in seconds (MLflow's server and proxies send it with 429 and 503). */
  private static Optional<Duration> retryAfter(HttpResponse<?> r) {
    try {
      return r.headers()
          .firstValue("retry-after")
          .map(String::strip)
          .map(Long::parseLong)
          .map(Duration::ofSeconds);
    } catch (NumberFormatException dateOrJunk) {
      return Optional.empty();
    }
  }

  /** No answer within the deadline of one try: not tried again, the server is taken as down. */
  static final class NoAnswer extends IOException {
    private static final long serialVersionUID = 1L;
    private final transient Duration timeout;

    NoAnswer(Duration timeout, Throwable cause) {
      super("no answer within " + timeout.toMillis() + " ms", cause);
      this.timeout = timeout;
    }

    Duration timeout() {
      return timeout;
    }
  }

  /**
   * Runs {@code attempt} with the retry policy: failures that may pass (no connection, a broken
   * one, 429, 5xx) are retried; a refusal, or no answer within the deadline, fails at once.
   */
  <T> T call(String what, Duration timeout, Retry.Attempt<T, IOException> attempt)
      throws TrackingException {
    try {
      return retry.run(attempt, IOException.class, this::again, sleeper);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TrackingException(what + ": interrupted", e);
    } catch (Retry.GaveUp e) {
      IOException failure = e.last(IOException.class);
      if (failure instanceof NoAnswer n) {
        throw new TrackingException(
            what + ": no answer from " + display + " within " + n.timeout().toSeconds() + " s", n);
      }
      throw new TrackingException(
          what
              + " at "
              + display
              + " failed"
              + (e.attempts() > 1 ? " after " + e.attempts() + " attempts" : "")
              + ": "
              + MlflowMessages.describe(failure),
          failure);
    }
  }

  /** The MLflow classifier of {@link Retry}. */
  private Optional<Duration> again(IOException failure, int attempt) {
    if (failure instanceof NoAnswer) {
      return Optional.empty();
    }
    if (failure instanceof MlflowHttpError h) {
      if (!h.transientFailure()) {
        return Optional.empty();
      }
      return Optional.of(h.retryAfter().orElse(retry.delayAfter(attempt)));
    }
    return Optional.of(retry.delayAfter(attempt));
  }

  static String query(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
