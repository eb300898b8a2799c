package dev.mlci.cli.github;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A local stand-in for the parts of GitHub's REST API mlci calls, reproducing their documented
 * request and response shapes (docs.github.com/rest/issues/comments, /rest/users/users): {@code GET
 * /user}; {@code GET /repos/{owner}/{repo}/issues/{number}/comments} with {@code per_page}/{@code
 * page} and an RFC 8288 {@code Link} header; {@code POST} of a comment (201); {@code PATCH
 * /repos/{owner}/{repo}/issues/comments/{id}}; 401 without a token, 403 "Resource not accessible by
 * integration" for a read-only token, 422 for a body over 65,536 characters; and on demand 502s or
 * a secondary rate limit (403 with {@code Retry-After}).
 */
public final class FakeGitHub implements AutoCloseable {
  static final String WRITE_TOKEN = "ghp_write_token_0123456789";
  static final String READ_ONLY_TOKEN = "ghs_read_only_token_0123456789";
  static final String APP_TOKEN = "ghs_actions_app_token_0123456789";

  private static final Pattern LIST =
      Pattern.compile("/repos/([^/]+/[^/]+)/issues/(\\d+)/comments");
  private static final Pattern ONE = Pattern.compile("/repos/([^/]+/[^/]+)/issues/comments/(\\d+)");
  private static final ObjectMapper JSON = JsonMapper.builder().build();

  /** A stored comment. */
  record Stored(long id, String repository, long issue, String author, String body) {}

  private final HttpServer server;
  private final Map<Long, Stored> comments = new ConcurrentHashMap<>();
  private final AtomicInteger nextId = new AtomicInteger(1000);
  final List<String> requests = new CopyOnWriteArrayList<>();
  final AtomicInteger failuresToServe = new AtomicInteger();
  final AtomicInteger rateLimitsToServe = new AtomicInteger();

  public FakeGitHub() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", this::handle);
    server.start();
  }

  public URI url() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  /** Adds a comment as if someone had written it. */
  Stored seed(String repository, long issue, String author, String body) {
    Stored c = new Stored(nextId.incrementAndGet(), repository, issue, author, body);
    comments.put(c.id(), c);
    return c;
  }

  /** The bodies of the comments on {@code issue}, oldest first. */
  public List<String> bodies(String repository, long issue) {
    return comments(repository, issue).stream().map(Stored::body).toList();
  }

  List<Stored> comments(String repository, long issue) {
    return comments.values().stream()
        .filter(c -> c.repository().equals(repository) && c.issue() == issue)
        .sorted(java.util.Comparator.comparingLong(Stored::id))
        .toList();
  }

  private String login(String token) {
    if (token.equals(WRITE_TOKEN) || token.equals(READ_ONLY_TOKEN)) {
      return "mlci-bot";
    }
    return "github-actions[bot]";
  }

  private void handle(HttpExchange ex) throws IOException {
    String method = ex.getRequestMethod();
    URI uri = ex.getRequestURI();
    requests.add(method + " " + uri);
    String auth = ex.getRequestHeaders().getFirst("Authorization");
    String token = auth != null && auth.startsWith("Bearer ") ? auth.substring(7) : "";
    if (!"application/vnd.github+json".equals(ex.getRequestHeaders().getFirst("Accept"))) {
      send(ex, 415, error("Unsupported 'Accept' header", "https://docs.github.com/rest"));
      return;
    }
    if (token.isEmpty()) {
      send(ex, 401, error("Requires authentication", "https://docs.github.com/rest"));
      return;
    }
    if (failuresToServe.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      send(ex, 502, "{\"message\": \"Server Error\"}");
      return;
    }
    if (rateLimitsToServe.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      ex.getResponseHeaders().add("Retry-After", "2");
      send(
          ex,
          403,
          error(
              "You have exceeded a secondary rate limit. Please wait a few minutes before you try"
                  + " again.",
              "https://docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api"));
      return;
    }
    String path = uri.getPath();
    if (method.equals("GET") && path.equals("/user")) {
      if (token.equals(APP_TOKEN)) {
        send(
            ex,
            403,
            error(
                "Resource not accessible by integration",
                "https://docs.github.com/rest/users/users#get-the-authenticated-user"));
        return;
      }
      ObjectNode user = JSON.createObjectNode();
      user.put("login", login(token)).put("id", 1).put("type", "User");
      send(ex, 200, user.toString());
      return;
    }
    Matcher list = LIST.matcher(path);
    if (list.matches() && method.equals("GET")) {
      listComments(ex, list.group(1), Long.parseLong(list.group(2)));
      return;
    }
    if (list.matches() && method.equals("POST")) {
      if (readOnly(ex, token, "create-an-issue-comment")) {
        return;
      }
      String body = body(ex);
      if (body == null) {
        return;
      }
      Stored c =
          new Stored(
              nextId.incrementAndGet(),
              list.group(1),
              Long.parseLong(list.group(2)),
              login(token),
              body);
      comments.put(c.id(), c);
      send(ex, 201, comment(c).toString());
      return;
    }
    Matcher one = ONE.matcher(path);
    if (one.matches() && method.equals("PATCH")) {
      if (readOnly(ex, token, "update-an-issue-comment")) {
        return;
      }
      Stored old = comments.get(Long.parseLong(one.group(2)));
      if (old == null || !old.repository().equals(one.group(1))) {
        send(ex, 404, error("Not Found", "https://docs.github.com/rest/issues/comments"));
        return;
      }
      String body = body(ex);
      if (body == null) {
        return;
      }
      Stored c = new Stored(old.id(), old.repository(), old.issue(), old.author(), body);
      comments.put(c.id(), c);
      send(ex, 200, comment(c).toString());
      return;
    }
    send(ex, 404, error("Not Found", "https://docs.github.com/rest"));
  }

  private boolean readOnly(HttpExchange ex, String token, String anchor) throws IOException {
    if (token.equals(READ_ONLY_TOKEN)) {
      send(
          ex,
          403,
          error(
              "Resource not accessible by integration",
              "https://docs.github.com/rest/issues/comments#" + anchor));
      return true;
    }
    return false;
  }

  /** The request's {@code body} field; answers 422 itself when it is missing or too long. */
  private String body(HttpExchange ex) throws IOException {
    JsonNode request = JSON.readTree(ex.getRequestBody().readAllBytes());
    String body = request.path("body").asString(null);
    if (body == null || body.length() > 65_536) {
      ObjectNode e =
          (ObjectNode)
              JSON.readTree(
                  error("Validation Failed", "https://docs.github.com/rest/issues/comments"));
      ArrayNode errors = e.putArray("errors");
      errors
          .addObject()
          .put("resource", "IssueComment")
          .put("code", "custom")
          .put("field", "body")
          .put(
              "message",
              body == null ? "body is missing" : "body is too long (maximum is 65536 characters)");
      send(ex, 422, e.toString());
      return null;
    }
    return body;
  }

  private void listComments(HttpExchange ex, String repository, long issue) throws IOException {
    Map<String, String> query = new java.util.HashMap<>();
    String raw = ex.getRequestURI().getRawQuery();
    if (raw != null) {
      for (String kv : raw.split("&")) {
        String[] p = kv.split("=", 2);
        query.put(p[0], p.length > 1 ? p[1] : "");
      }
    }
    int perPage = Math.min(100, Integer.parseInt(query.getOrDefault("per_page", "30")));
    int page = Integer.parseInt(query.getOrDefault("page", "1"));
    List<Stored> all = comments(repository, issue);
    int last = Math.max(1, (all.size() + perPage - 1) / perPage);
    List<Stored> slice =
        all.subList(
            Math.min(all.size(), (page - 1) * perPage), Math.min(all.size(), page * perPage));
    ArrayNode array = JSON.createArrayNode();
    slice.forEach(c -> array.add(comment(c)));
    List<String> links = new ArrayList<>();
    String base =
        url()
            + "/repos/"
            + repository
            + "/issues/"
            + issue
            + "/comments?per_page="
            + perPage
            + "&page=";
    if (page < last) {
      links.add("<" + base + (page + 1) + ">; rel=\"next\"");
      links.add("<" + base + last + ">; rel=\"last\"");
    }
    if (page > 1) {
      links.add("<" + base + 1 + ">; rel=\"first\"");
      links.add("<" + base + (page - 1) + ">; rel=\"prev\"");
    }
    if (!links.isEmpty()) {
      ex.getResponseHeaders().add("Link", String.join(", ", links));
    }
    send(ex, 200, array.toString());
  }

  private ObjectNode comment(Stored c) {
    ObjectNode n = JSON.createObjectNode();
    n.put("id", c.id());
    n.put("node_id", "IC_" + c.id());
    n.put("url", url() + "/repos/" + c.repository() + "/issues/comments/" + c.id());
    n.put(
        "html_url",
        "https://github.com/" + c.repository() + "/pull/" + c.issue() + "#issuecomment-" + c.id());
    n.put("body", c.body());
    ObjectNode user = n.putObject("user");
    user.put("login", c.author());
    user.put("type", c.author().endsWith("[bot]") ? "Bot" : "User");
    n.put("created_at", "2026-11-27T00:00:00Z");
    n.put("updated_at", "2026-11-27T00:00:00Z");
    n.put("issue_url", url() + "/repos/" + c.repository() + "/issues/" + c.issue());
    n.put("author_association", "CONTRIBUTOR");
    return n;
  }

  private static String error(String message, String documentation) {
    return JSON.createObjectNode()
        .put("message", message)
        .put("documentation_url", documentation)
        .toString();
  }

  private static void send(HttpExchange ex, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().add("Content-Type", "application/json; charset=utf-8");
    ex.getResponseHeaders().add("X-GitHub-Api-Version-Selected", "2022-11-28");
    ex.sendResponseHeaders(status, bytes.length);
    ex.getResponseBody().write(bytes);
    ex.close();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
