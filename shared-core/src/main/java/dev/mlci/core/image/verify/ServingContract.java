package dev.mlci.core.image.verify;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The serving contract of an mlci image, checked against a running server: health and metadata, the
 * evaluated predictions on the test rows through every request form of KServe V2 and MLflow's
 * {@code /invocations}, and a 4xx with a message for each kind of bad request.
 *
 * <p>The same check runs against an in-process server in the model server's tests and against the
 * built image in {@code mlci verify-image}.
 */
public final class ServingContract {
  /** Largest difference allowed between a served and an evaluated score. */
  public static final double TOLERANCE = 1e-6;

  private static final int BATCH = 64;
  private static final int SAMPLE = 20;
  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  /**
   * One check.
   *
   * @param name what was checked
   * @param passed whether the server met the contract
   * @param detail what was seen (numbers for prediction checks, the status and message otherwise)
   */
  public record Check(String name, boolean passed, String detail) {
    public Check {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(detail, "detail");
    }
  }

  /**
   * The outcome.
   *
   * @param checks every check, in the order run
   * @param rowsCompared test rows whose served predictions were compared
   * @param maxAbsDifference largest difference between a served and an evaluated score
   */
  public record Report(List<Check> checks, int rowsCompared, double maxAbsDifference) {
    public Report {
      checks = List.copyOf(checks);
    }

    public boolean passed() {
      return checks.stream().allMatch(Check::passed);
    }

    public List<Check> failures() {
      return checks.stream().filter(c -> !c.passed()).toList();
    }
  }

  private final ServingCases cases;
  private final long bodyLimit;
  private final ContractHttp http;
  private final ObjectMapper json;
  private final List<Check> checks = new ArrayList<>();
  private List<String> servedClasses = List.of();
  private int rowsCompared;
  private double maxDiff;

  /**
   * @param base the server's address, e.g. {@code http://127.0.0.1:8080}
   * @param cases the test rows and their evaluated predictions
   * @param bodyLimit the server's request body limit, in bytes (a body one byte larger must get
   *     413)
   */
  public ServingContract(URI base, ServingCases cases, long bodyLimit) {
    this.cases = Objects.requireNonNull(cases, "cases");
    this.bodyLimit = bodyLimit;
    this.http = new ContractHttp(Objects.requireNonNull(base, "base"));
    this.json = http.json;
  }

  /** Whether the server answers {@code GET /v2/health/ready} with 200. */
  public static boolean ready(URI base) {
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    try {
      HttpResponse<Void> r =
          client.send(
              HttpRequest.newBuilder(base.resolve("/v2/health/ready"))
                  .timeout(Duration.ofSeconds(2))
                  .build(),
              HttpResponse.BodyHandlers.discarding());
      return r.statusCode() == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Runs every check. */
  public Report run() throws InterruptedException {
    String m = "/v2/models/" + ContractHttp.encode(cases.model());
    status("GET /v2/health/live", http.get("/v2/health/live"), 200);
    status("GET /v2/health/ready", http.get("/v2/health/ready"), 200);
    status("GET " + m + "/ready", http.get(m + "/ready"), 200);
    serverMetadata();
    modelMetadata(m);
    status("GET /ping", http.get("/ping"), 200);
    status("GET /health", http.get("/health"), 200);
    status("GET /version", http.get("/version"), 200);
    ContractRequests requests = new ContractRequests(http, cases, servedClasses);

    predictions("V2 infer, one tensor per column", requests::v2PerColumn, cases.cases(), BATCH);
    predictions(
        "V2 infer, binary tensor data extension (binary inputs and outputs)",
        requests::v2Binary,
        cases.cases(),
        BATCH);
    predictions("V2 infer, gzip request and gzip response", requests::v2Gzip, sample(), SAMPLE);
    if (cases.allNumeric()) {
      predictions("V2 infer, one [N, F] FP64 tensor", requests::v2Matrix, sample(), SAMPLE);
    }
    predictions(
        "/invocations dataframe_split",
        rows -> requests.invocations(requests.split(rows)),
        cases.cases(),
        BATCH);
    predictions(
        "/invocations dataframe_records",
        rows -> requests.invocations(requests.records(rows, "dataframe_records")),
        sample(),
        SAMPLE);
    predictions(
        "/invocations instances",
        rows -> requests.invocations(requests.records(rows, "instances")),
        sample(),
        SAMPLE);
    predictions(
        "/invocations inputs",
        rows -> requests.invocations(requests.columnar(rows)),
        sample(),
        SAMPLE);
    predictions("/invocations text/csv", requests::csv, sample(), SAMPLE);

    badRequests(m, requests);
    metrics();
    return new Report(checks, rowsCompared, maxDiff);
  }

  // ---- health and metadata ----

  private void status(String name, ContractHttp.Reply reply, int expected) {
    checks.add(new Check(name, reply.status() == expected, reply.describe()));
  }

  private void serverMetadata() throws InterruptedException {
    for (String path : new String[] {"/v2", "/v2/"}) {
      ContractHttp.Reply r = http.get(path);
      JsonNode body = r.json();
      boolean ok = r.status() == 200 && body != null && body.path("name").isString();
      checks.add(new Check("GET " + path + " (server metadata)", ok, r.describe()));
    }
  }

  private void modelMetadata(String path) throws InterruptedException {
    ContractHttp.Reply r = http.get(path);
    JsonNode body = r.json();
    List<String> problems = new ArrayList<>();
    if (r.status() != 200 || body == null) {
      problems.add(r.describe());
    } else {
      if (!cases.model().equals(body.path("name").asString(""))) {
        problems.add("name is '" + body.path("name").asString("") + "'");
      }
      JsonNode inputs = body.path("inputs");
      if (inputs.size() != cases.columns().size()) {
        problems.add(
            inputs.size() + " inputs listed, the model has " + cases.columns().size() + " columns");
      } else {
        for (int c = 0; c < inputs.size(); c++) {
          String want = cases.categorical().get(c) ? "BYTES" : "FP64";
          JsonNode in = inputs.get(c);
          if (!cases.columns().get(c).equals(in.path("name").asString(""))
              || !want.equals(in.path("datatype").asString(""))) {
            problems.add("input " + c + " is " + in + ", expected " + cases.columns().get(c));
          }
        }
      }
      if (cases.classification()) {
        List<String> classes = new ArrayList<>();
        JsonNode listed = body.path("parameters").path("classes");
        if (listed.isString()) {
          // The V2 spec allows only string, number and boolean parameters: the list is JSON text.
          try {
            listed = json.readTree(listed.asString());
          } catch (JacksonException e) {
            problems.add("parameters.classes is not a JSON list: " + listed.asString());
          }
        }
        listed.forEach(n -> classes.add(n.asString()));
        if (!new HashSet<>(classes).equals(new HashSet<>(cases.classes()))) {
          problems.add("classes " + classes + ", evaluated " + cases.classes());
        }
        servedClasses = classes;
      }
    }
    checks.add(
        new Check(
            "GET " + path + " (model metadata)",
            problems.isEmpty(),
            problems.isEmpty()
                ? cases.columns().size() + " inputs, datatypes as trained"
                : String.join("; ", problems)));
  }

  // ---- predictions ----

  private void predictions(
      String name, ContractRequests.Scorer scorer, List<ServingCases.Case> rows, int batchSize)
      throws InterruptedException {
    double worst = 0;
    int mismatched = 0;
    String firstMismatch = null;
    try {
      for (int from = 0; from < rows.size(); from += batchSize) {
        List<ServingCases.Case> batch = rows.subList(from, Math.min(rows.size(), from + batchSize));
        ContractRequests.Scored scored = scorer.score(batch);
        if (scored.scores().length != batch.size()
            || (scored.labels() != null && scored.labels().size() != batch.size())) {
          throw new ContractHttp.ContractException(
              "sent "
                  + batch.size()
                  + " rows, got "
                  + scored.scores().length
                  + " predictions"
                  + (scored.labels() != null ? " and " + scored.labels().size() + " labels" : ""));
        }
        for (int i = 0; i < batch.size(); i++) {
          ServingCases.Case c = batch.get(i);
          double d = maxDiff(c.expected(), scored.scores()[i]);
          worst = Math.max(worst, d);
          boolean labelWrong =
              scored.labels() != null
                  && !scored.labels().get(i).equals(c.expectedLabel())
                  && !tied(c.expected());
          if (d > TOLERANCE || labelWrong) {
            mismatched++;
            if (firstMismatch == null) {
              firstMismatch =
                  "example "
                      + c.id()
                      + ": served "
                      + Arrays.toString(scored.scores()[i])
                      + (scored.labels() != null ? " '" + scored.labels().get(i) + "'" : "")
                      + ", evaluated "
                      + Arrays.toString(c.expected())
                      + (c.expectedLabel() != null ? " '" + c.expectedLabel() + "'" : "");
            }
          }
        }
      }
    } catch (ContractHttp.ContractException e) {
      checks.add(new Check(name, false, e.getMessage()));
      return;
    } catch (RuntimeException e) {
      // The image's answer is untrusted input: one that does not read as its shape claims (a
      // negative length, a short tensor, a string where a number belongs) fails this check.
      checks.add(
          new Check(
              name,
              false,
              "the answer cannot be read: "
                  + ContractHttp.abbreviate(String.valueOf(e.getMessage()))));
      return;
    }
    rowsCompared = Math.max(rowsCompared, rows.size());
    maxDiff = Math.max(maxDiff, worst);
    String detail =
        String.format(Locale.ROOT, "%d rows, max |served - evaluated| = %.3g", rows.size(), worst);
    checks.add(
        new Check(
            name,
            mismatched == 0,
            mismatched == 0
                ? detail
                : mismatched + " of " + rows.size() + " rows differ; " + firstMismatch));
  }

  private static boolean tied(double[] scores) {
    double best = Double.NEGATIVE_INFINITY;
    double second = Double.NEGATIVE_INFINITY;
    for (double s : scores) {
      if (s > best) {
        second = best;
        best = s;
      } else if (s > second) {
        second = s;
      }
    }
    return scores.length > 1 && best - second <= TOLERANCE;
  }

  private static double maxDiff(double[] expected, double[] served) {
    if (expected.length != served.length) {
      return Double.POSITIVE_INFINITY;
    }
    double d = 0;
    for (int i = 0; i < expected.length; i++) {
      d = Math.max(d, Math.abs(expected[i] - served[i]));
    }
    return Double.isNaN(d) ? Double.POSITIVE_INFINITY : d;
  }

  // ---- bad requests ----

  private void badRequests(String m, ContractRequests requests) throws InterruptedException {
    String infer = m + "/infer";
    rejected(
        "malformed JSON gets 400",
        http.send(infer, "{\"inputs\": [".getBytes(), "application/json"),
        400,
        "error");
    ObjectNode wrongShape = F.objectNode();
    ObjectNode t = wrongShape.putArray("inputs").addObject();
    t.put("name", cases.columns().get(0));
    t.put("datatype", cases.categorical().get(0) ? "BYTES" : "FP64");
    t.putArray("shape").add(2).add(1);
    t.putArray("data").add(ContractRequests.value(cases.cases().get(0).values().get(0)));
    rejected("wrong shape gets 400", http.post(infer, wrongShape), 400, "error");

    ObjectNode wrongType = requests.v2Row();
    ((ObjectNode) wrongType.path("inputs").get(0))
        .put("datatype", cases.categorical().get(0) ? "FP64" : "BOOL");
    rejected("wrong datatype gets 400", http.post(infer, wrongType), 400, "error");

    if (cases.columns().size() > 1) {
      ObjectNode missing = requests.v2Row();
      ((ArrayNode) missing.path("inputs")).remove(cases.columns().size() - 1);
      rejected("a missing input gets 400", http.post(infer, missing), 400, "error");
    }
    rejected(
        "unknown model gets 404",
        http.post(
            "/v2/models/" + ContractHttp.encode(cases.model() + "-unknown") + "/infer",
            requests.v2Row()),
        404,
        "error");
    rejected(
        "unknown version gets 404",
        http.post(m + "/versions/no-such-version/infer", requests.v2Row()),
        404,
        "error");
    byte[] big = new byte[(int) Math.min(Integer.MAX_VALUE - 8, bodyLimit + 1)];
    Arrays.fill(big, (byte) ' ');
    rejected(
        "a body over " + bodyLimit + " bytes gets 413",
        http.send(infer, big, "application/json"),
        413,
        "error");
    rejected(
        "V2 infer with a non-JSON content type gets 415",
        http.send(infer, json.writeValueAsBytes(requests.v2Row()), "text/plain"),
        415,
        "error");
    rejected(
        "V2 infer with an unsupported Content-Encoding gets 415",
        http.exchange(
            HttpRequest.newBuilder(http.base.resolve(infer))
                .header("Content-Type", "application/json")
                .header("Content-Encoding", "br")
                .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[] {(byte) 0x8b, 1, 2}))),
        415,
        "error");
    rejected(
        "/invocations with malformed JSON gets 400",
        http.send("/invocations", "{\"dataframe_split\":".getBytes(), "application/json"),
        400,
        "message");
    rejected(
        "/invocations with an unknown column gets 400",
        http.post("/invocations", requests.renamedColumn()),
        400,
        "message");
    rejected(
        "/invocations with an unsupported content type gets 415",
        http.send("/invocations", "x".getBytes(), "application/xml"),
        415,
        "message");
  }

  private void rejected(String name, ContractHttp.Reply reply, int expected, String messageField) {
    JsonNode body = reply.json();
    boolean ok =
        reply.status() == expected
            && body != null
            && !body.path(messageField).asString("").isBlank();
    checks.add(new Check(name, ok, reply.describe()));
  }

  private void metrics() throws InterruptedException {
    ContractHttp.Reply r = http.get("/metrics");
    boolean ok =
        r.status() == 200
            && r.body().contains("mlci_requests_total")
            && r.body().contains("mlci_request_duration_seconds");
    checks.add(
        new Check(
            "GET /metrics (Prometheus)",
            ok,
            ok ? "request counts and latency histograms present" : r.describe()));
  }

  private List<ServingCases.Case> sample() {
    return cases.cases().subList(0, Math.min(SAMPLE, cases.cases().size()));
  }
}
