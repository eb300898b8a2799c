package dev.mlci.cli.github;

import dev.mlci.core.io.Retry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * The few GitHub REST calls mlci makes (issue comments and the token's user), on {@code
 * java.net.http} and Jackson. Retries through mlci's one {@link Retry} loop, with backoff on 5xx,
 * on 429 and on secondary rate limits (403 with {@code Retry-After} or an exhausted {@code
 * X-RateLimit-Remaining}), as GitHub's REST documentation asks; follows {@code Link: rel="next"}
 * pagination on the same host only, so the token never goes elsewhere.
 */
public final class GitHubApi {
  /** Attempts per call, the first included. */
  static final int ATTEMPTS = 5;

  /**
   * mlci's one retry policy with GitHub's waits: 1 s, then twice as long each time, at most 60 s
   * (or what {@code Retry-After} and the rate-limit headers ask, up to the same 60 s).
   */
  private static final Retry RETRY =
      new Retry(ATTEMPTS, Duration.ofSeconds(1), Duration.ofSeconds(30), Duration.ofSeconds(60));

  private static final Pattern NEXT = Pattern.compile("<([^>]+)>\\s*;\\s*rel=\"next\"");

  /** Waits between attempts; tests pass one that does not sleep. */
  public interface Sleeper {
    void sleep(Duration duration) throws InterruptedException;
  }

  /** A call GitHub refused, after retries where they apply. */
  public static final class GitHubException extends Exception {
    private static final long serialVersionUID = 1L;
    private final int status;
    private final transient Optional<Duration> retryAfter;

    GitHubException(int status, String message) {
      this(status, message, Optional.empty());
    }

    GitHubException(int status, String message, Optional<Duration> retryAfter) {
      super(message);
      this.status = status;
      this.retryAfter = retryAfter;
    }

    /** The HTTP status, or -1 when no response came. */
    public int status() {
      return status;
    }
  }

  /**
   * An issue or pull-request comment.
   *
   * @param id its id (for updates)
   * @param author the login of its author
   * @param body its Markdown
   * @param url its page
   */
  public record Comment(long id, String author, String body, String url) {}

  private final URI api;
  private final String token;
  private final HttpClient http;
  private final Sleeper sleeper;
  private final Clock clock;
  private final ObjectMapper json = JsonMapper.builder().build();

  /**
   * @param api the API root ({@code $GITHUB_API_URL}, e.g. {@code https://api.github.com})
   * @param token the token (never logged)
   */
  public GitHubApi(URI api, String token, Sleeper sleeper, Clock clock) {
    String root = api.toString();
    this.api = URI.create(root.endsWith("/") ? root : root + "/");
    this.token = Objects.requireNonNull(token, "token");
    this.sleeper = sleeper;
    this.clock = clock;
    // HTTP/1.1: Java's default asks plain-HTTP servers (GitHub Enterprise behind a proxy, the
    // tests' fake) to upgrade to h2c, which some servers refuse with 400.
    this.http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(20))
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
  }

  /** The login of the token's user, or empty when the token cannot tell (a GitHub App token). */
  public Optional<String> login() throws GitHubException, InterruptedException {
    try {
      return Optional.of(call("GET", api.resolve("user"), null).body().path("login").asString());
    } catch (GitHubException e) {
      if (e.status() == 401 || e.status() == 403 || e.status() == 404) {
        return Optional.empty();
      }
      throw e;
    }
  }

  /** Every comment on issue or pull request {@code number} of {@code repository} (owner/name). */
  public List<Comment> comments(String repository, long number)
      throws GitHubException, InterruptedException {
    List<Comment> all = new ArrayList<>();
    URI next = api.resolve("repos/" + repository + "/issues/" + number + "/comments?per_page=100");
    for (int page = 0; next != null && page < 100; page++) {
      Reply r = call("GET", next, null);
      for (JsonNode c : r.body()) {
        all.add(comment(c));
      }
      next = r.next().filter(this::sameHost).orElse(null);
    }
    return all;
  }

  /** Creates a comment. */
  public Comment create(String repository, long number, String body)
      throws GitHubException, InterruptedException {
    URI uri = api.resolve("repos/" + repository + "/issues/" + number + "/comments");
    return comment(call("POST", uri, body).body());
  }

  /** Replaces the body of comment {@code id}. */
  public Comment update(String repository, long id, String body)
      throws GitHubException, InterruptedException {
    URI uri = api.resolve("repos/" + repository + "/issues/comments/" + id);
    return comment(call("PATCH", uri, body).body());
  }

  private static Comment comment(JsonNode c) {
    return new Comment(
        c.path("id").asLong(),
        c.path("user").path("login").asString(""),
        c.path("body").asString(""),
        c.path("html_url").asString(""));
  }

  private boolean sameHost(URI uri) {
    return Objects.equals(uri.getScheme(), api.getScheme())
        && Objects.equals(uri.getAuthority(), api.getAuthority());
  }

  private record Reply(JsonNode body, Optional<URI> next) {}

  private Reply call(String method, URI uri, String commentBody)
      throws GitHubException, InterruptedException {
    HttpRequest.BodyPublisher publisher =
        commentBody == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofByteArray(
                json.writeValueAsBytes(
                    JsonNodeFactory.instance.objectNode().put("body", commentBody)));
    HttpRequest request =
        HttpRequest.newBuilder(uri)
            .method(method, publisher)
            .timeout(RETRY.timeout())
            .header("Accept", "application/vnd.github+json")
            .header("X-GitHub-Api-Version", "2022-11-28")
            .header("User-Agent", "mlci")
            .header("Authorization", "Bearer " + token)
            .header("Content-Type", "application/json")
            .build();
    try {
      return RETRY.run(
          attempt -> once(method, uri, request, attempt),
          GitHubException.class,
          (failure, attempt) -> failure.retryAfter,
          sleeper::sleep);
    } catch (Retry.GaveUp e) {
      throw e.last(GitHubException.class);
    }
  }

  /** One try of {@code request}: its reply, or a failure that says whether it may pass. */
  private Reply once(String method, URI uri, HttpRequest request, int attempt)
      throws GitHubException, InterruptedException {
    HttpResponse<String> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new GitHubException(
          -1,
          method + " " + uri.getPath() + ": no response (" + e + ")",
          Optional.of(RETRY.delayAfter(attempt)));
    }
    int status = response.statusCode();
    if (status >= 200 && status < 300) {
      try {
        JsonNode body =
            response.body().isBlank() ? json.createObjectNode() : json.readTree(response.body());
        return new Reply(body, next(response));
      } catch (JacksonException e) {
        throw new GitHubException(status, method + " " + uri.getPath() + ": unreadable JSON");
      }
    }
    String message = message(response);
    throw new GitHubException(
        status,
        method + " " + uri.getPath() + ": HTTP " + status + " " + message,
        retryAfter(response, status, message, attempt));
  }

  /** How long to wait before retrying, or empty when the failure is final. */
  private Optional<Duration> retryAfter(
      HttpResponse<String> response, int status, String message, int attempt) {
    Optional<String> retryAfter = response.headers().firstValue("retry-after");
    if (retryAfter.isPresent()) {
      try {
        return Optional.of(cap(Duration.ofSeconds(Long.parseLong(retryAfter.get().trim()))));
      } catch (NumberFormatException e) {
        return Optional.of(backoff(attempt));
      }
    }
    boolean exhausted =
        response.headers().firstValue("x-ratelimit-remaining").map("0"::equals).orElse(false);
    if ((status == 403 || status == 429) && exhausted) {
      long reset =
          response
              .headers()
              .firstValue("x-ratelimit-reset")
              .map(Long::parseLong)
              .orElse(clock.instant().getEpochSecond() + 60);
      return Optional.of(
          cap(Duration.ofSeconds(Math.max(1, reset - clock.instant().getEpochSecond()))));
    }
    if (status == 429
        || status >= 500
        || (status == 403 && message.toLowerCase(Locale.ROOT).contains("rate limit"))) {
      return Optional.of(backoff(attempt));
    }
    return Optional.empty();
  }

  private static Duration backoff(int attempt) {
    return RETRY.delayAfter(attempt);
  }

  private static Duration cap(Duration d) {
    return RETRY.capped(d);
  }

  private String message(HttpResponse<String> response) {
    try {
      JsonNode body = json.readTree(response.body());
      String m = body.path("message").asString("");
      return m.isEmpty() ? "" : m;
    } catch (JacksonException e) {
      String b = response.body().strip();
      return b.length() > 200 ? b.substring(0, 200) + "..." : b;
    }
  }

  private static Optional<URI> next(HttpResponse<String> response) {
    for (String link : response.headers().allValues("link")) {
      Matcher m = NEXT.matcher(link);
      if (m.find()) {
        return Optional.of(URI.create(m.group(1)));
      }
    }
    return Optional.empty();
  }
}
