package dev.mlci.server;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * MLflow's scoring protocol ({@code POST /invocations}): JSON with exactly one of {@code
 * dataframe_split}, {@code dataframe_records}, {@code instances} or {@code inputs}, or {@code
 * text/csv} with a header row. Answers {@code {"predictions": ...}}: per row the class
 * probabilities (or scores) in the model's class order, or the value.
 */
final class MlflowCodec {
  private static final JsonNodeFactory F = JsonNodeFactory.instance;
  static final List<String> KEYS =
      List.of("dataframe_split", "dataframe_records", "instances", "inputs");

  /**
   * MLflow's scoring server's code for a body that is not JSON, without exactly one of {@link
   * #KEYS}, an unreadable CSV, and a value that cannot be converted to its column's type.
   */
  static final String BAD_REQUEST = "BAD_REQUEST";

  /** MLflow's code for input that does not fit the model's signature: a column missing. */
  static final String INVALID_PARAMETER_VALUE = "INVALID_PARAMETER_VALUE";

  /** {@link Cells#set}, its value errors with MLflow's code for them. */
  private static void set(Cells cells, Batch batch, int row, int column, JsonNode value)
      throws BadRequest {
    try {
      cells.set(batch, row, column, value);
    } catch (BadRequest e) {
      throw valueError(e);
    }
  }

  /** {@link Cells#setText}, its value errors with MLflow's code for them. */
  private static void setText(Cells cells, Batch batch, int row, int column, String value)
      throws BadRequest {
    try {
      cells.setText(batch, row, column, value);
    } catch (BadRequest e) {
      throw valueError(e);
    }
  }

  private static BadRequest valueError(BadRequest e) {
    return e.mlflowCode().isPresent() ? e : new BadRequest(e.status(), e.getMessage(), BAD_REQUEST);
  }

  private MlflowCodec() {}

  static Batch decodeJson(JsonNode body, LoadedModel m, int maxRows) throws BadRequest {
    return decodeJson(body, new Cells(m.spec(), maxRows), m);
  }

  /** {@link #decodeJson(JsonNode, LoadedModel, int)} with the model's {@link Cells}, built once. */
  static Batch decodeJson(JsonNode body, Cells cells, LoadedModel m) throws BadRequest {
    if (!body.isObject()) {
      throw new BadRequest(
          400, "the body must be a JSON object with one of the keys " + KEYS, BAD_REQUEST);
    }
    List<String> present = KEYS.stream().filter(body::has).toList();
    if (present.size() != 1) {
      throw new BadRequest(
          400,
          "the body must have exactly one of the keys " + KEYS + "; it has " + present.size(),
          BAD_REQUEST);
    }
    JsonNode value = body.get(present.get(0));
    return switch (present.get(0)) {
      case "dataframe_split" -> split(value, cells, m);
      case "dataframe_records" -> records(value, cells, m);
      case "instances" ->
          value.isArray() && !value.isEmpty() && value.get(0).isObject()
              ? records(value, cells, m)
              : rows(value, cells, m);
      default ->
          value.isObject()
              ? columnar(value, cells, m)
              : value.isArray() && !value.isEmpty() && value.get(0).isObject()
                  ? records(value, cells, m)
                  : rows(value, cells, m);
    };
  }

  private static Batch split(JsonNode v, Cells cells, LoadedModel m) throws BadRequest {
    JsonNode columns = v.get("columns");
    JsonNode data = v.get("data");
    if (columns == null || !columns.isArray() || data == null || !data.isArray()) {
      throw new BadRequest(400, "dataframe_split needs 'columns' (names) and 'data' (rows)");
    }
    int[] map = new int[columns.size()];
    for (int i = 0; i < map.length; i++) {
      map[i] = cells.column(columns.get(i).asString(""));
    }
    cells.requireAll(map, "dataframe_split columns");
    Batch batch = cells.batch(data.size());
    for (int r = 0; r < data.size(); r++) {
      JsonNode row = data.get(r);
      if (!row.isArray() || row.size() != map.length) {
        throw new BadRequest(
            400, "dataframe_split row " + r + " must be a list of " + map.length + " values");
      }
      for (int i = 0; i < map.length; i++) {
        set(cells, batch, r, map[i], row.get(i));
      }
    }
    return batch;
  }

  private static Batch records(JsonNode v, Cells cells, LoadedModel m) throws BadRequest {
    if (!v.isArray()) {
      throw new BadRequest(400, "records must be a list of objects {column: value}");
    }
    Batch batch = cells.batch(v.size());
    for (int r = 0; r < v.size(); r++) {
      JsonNode row = v.get(r);
      if (!row.isObject()) {
        throw new BadRequest(400, "record " + r + " must be an object {column: value}");
      }
      int[] given = new int[row.size()];
      int k = 0;
      for (Iterator<Map.Entry<String, JsonNode>> it = row.properties().iterator(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        given[k] = cells.column(e.getKey());
        set(cells, batch, r, given[k++], e.getValue());
      }
      cells.requireAll(given, "record " + r + "'s keys");
    }
    return batch;
  }

  /** Positional rows: every column, in the model's input order. */
  private static Batch rows(JsonNode v, Cells cells, LoadedModel m) throws BadRequest {
    if (!v.isArray()) {
      throw new BadRequest(400, "instances must be a list of rows or of objects");
    }
    Batch batch = cells.batch(v.size());
    for (int r = 0; r < v.size(); r++) {
      JsonNode row = v.get(r);
      if (!row.isArray() || row.size() != cells.width()) {
        throw new BadRequest(
            400,
            "row "
                + r
                + " must be a list of "
                + cells.width()
                + " values, the columns "
                + cells.names()
                + " in order");
      }
      for (int c = 0; c < cells.width(); c++) {
        set(cells, batch, r, c, row.get(c));
      }
    }
    return batch;
  }

  /** {@code {"inputs": {column: [values]}}}. */
  private static Batch columnar(JsonNode v, Cells cells, LoadedModel m) throws BadRequest {
    int rows = -1;
    List<Map.Entry<String, JsonNode>> entries = new ArrayList<>(v.properties());
    for (Map.Entry<String, JsonNode> e : entries) {
      if (!e.getValue().isArray()) {
        throw new BadRequest(
            400, "inputs['" + BadRequest.cut(e.getKey()) + "'] must be a list of values");
      }
      if (rows >= 0 && e.getValue().size() != rows) {
        throw new BadRequest(
            400,
            "inputs['"
                + BadRequest.cut(e.getKey())
                + "'] has "
                + e.getValue().size()
                + " values, others "
                + rows);
      }
      rows = e.getValue().size();
    }
    int[] given = new int[entries.size()];
    for (int i = 0; i < given.length; i++) {
      given[i] = cells.column(entries.get(i).getKey());
    }
    cells.requireAll(given, "the keys of inputs");
    Batch batch = cells.batch(Math.max(rows, 0));
    for (Map.Entry<String, JsonNode> e : entries) {
      int c = cells.column(e.getKey());
      for (int r = 0; r < rows; r++) {
        set(cells, batch, r, c, e.getValue().get(r));
      }
    }
    return batch;
  }

  /**
   * A {@code text/csv} body: a header row naming every column, then one row per example. The body's
   * rows and fields are counted before it is parsed (a body of newlines, or of commas, is refused
   * without a record being built), then records are read one at a time.
   */
  static Batch decodeCsv(byte[] body, LoadedModel m, int maxRows) throws BadRequest {
    return decodeCsv(body, new Cells(m.spec(), maxRows), m);
  }

  /** {@link #decodeCsv(byte[], LoadedModel, int)} with the model's {@link Cells}, built once. */
  static Batch decodeCsv(byte[] body, Cells cells, LoadedModel m) throws BadRequest {
    long records = countCsv(body, cells.width(), cells.maxRows());
    if (records == 0) {
      throw new BadRequest(
          400, "the CSV body is empty; send a header row and one row per example", BAD_REQUEST);
    }
    try (CSVParser parser =
        CSVParser.parse(
            new InputStreamReader(new ByteArrayInputStream(body), StandardCharsets.UTF_8),
            CSVFormat.RFC4180)) {
      Iterator<CSVRecord> it = parser.iterator();
      if (!it.hasNext()) {
        throw new BadRequest(
            400, "the CSV body is empty; send a header row and one row per example", BAD_REQUEST);
      }
      CSVRecord header = it.next();
      int[] map = new int[header.size()];
      for (int i = 0; i < map.length; i++) {
        map[i] = cells.column(header.get(i).trim());
      }
      cells.requireAll(map, "the CSV header's names");
      Batch batch = cells.batch(records - 1);
      int r = 0;
      while (it.hasNext()) {
        CSVRecord rec = it.next();
        if (r == batch.rows()) {
          // The count and the parser disagree: never index past the batch, refuse the body.
          throw new BadRequest(
              400,
              "the CSV body's rows cannot be counted: quote whole fields (RFC 4180) and end lines"
                  + " with LF or CRLF",
              BAD_REQUEST);
        }
        if (rec.size() != map.length) {
          throw new BadRequest(
              400,
              "CSV row " + (r + 1) + " has " + rec.size() + " fields; the header has " + map.length,
              BAD_REQUEST);
        }
        for (int i = 0; i < map.length; i++) {
          setText(cells, batch, r, map[i], rec.get(i));
        }
        r++;
      }
      return r == batch.rows()
          ? batch
          : new Batch(r, Arrays.copyOf(batch.numeric(), r), Arrays.copyOf(batch.categorical(), r));
    } catch (IOException | UncheckedIOException | IllegalStateException e) {
      throw new BadRequest(
          400, "the CSV body cannot be parsed: " + BadRequest.cut(e.getMessage()), BAD_REQUEST);
    }
  }

  /**
   * The records in a CSV body (RFC 4180: quoted fields may hold separators and line breaks),
   * counted without allocating, refused beyond {@code maxRows} rows after the header or {@code
   * width} fields in a record.
   */
  static long countCsv(byte[] body, int width, int maxRows) throws BadRequest {
    long records = 0;
    int fields = 1;
    boolean quoted = false;
    boolean empty = true; // nothing since the last record separator
    boolean fieldStart = true; // a quote opens a quoted field only here, as Commons CSV reads it
    for (int i = 0; i < body.length; i++) {
      byte b = body[i];
      if (quoted) {
        if (b == '"') {
          if (i + 1 < body.length && body[i + 1] == '"') {
            i++; // an escaped quote inside the quoted field
          } else {
            quoted = false;
          }
        }
        continue;
      }
      if (b == '"' && fieldStart) {
        quoted = true;
        empty = false;
        fieldStart = false;
      } else if (b == ',') {
        empty = false;
        fieldStart = true;
        if (++fields > width) {
          throw new BadRequest(
              400,
              "CSV row "
                  + records
                  + " has more than "
                  + width
                  + " fields, one per column the model takes",
              BAD_REQUEST);
        }
      } else if (b == '\n' || b == '\r') {
        if (b == '\r' && i + 1 < body.length && body[i + 1] == '\n') {
          i++;
        }
        records++;
        fields = 1;
        empty = true;
        fieldStart = true;
        if (records > maxRows + 1L) {
          throw new BadRequest(
              400,
              "the CSV body holds more than "
                  + maxRows
                  + " rows; the limit is "
                  + maxRows
                  + " per request (MLCI_MAX_ROWS): split it into smaller requests",
              BAD_REQUEST);
        }
      } else {
        empty = false;
        fieldStart = false;
      }
    }
    return empty ? records : records + 1;
  }

  /**
   * {@code {"predictions": [{column: value, ...}, ...]}}, one object per row with the columns of
   * {@code predictions.csv} ({@code proba_<class>}, {@code score_<class>} or {@code prediction}):
   * what {@code mlflow models serve} answers for the same model, whose onnx flavor returns a frame
   * with those columns.
   */
  static ObjectNode response(LoadedModel m, double[][] scores) {
    List<String> columns =
        m.serving().outputColumns(m.classification() ? m.spec().target().classes() : List.of());
    ObjectNode n = F.objectNode();
    ArrayNode predictions = n.putArray("predictions");
    for (double[] row : scores) {
      ObjectNode r = predictions.addObject();
      for (int k = 0; k < columns.size(); k++) {
        r.put(columns.get(k), row[k]);
      }
    }
    return n;
  }

  /** MLflow's error code for a refusal: the thrower's, else by status. */
  static String errorCode(int status, Optional<String> chosen) {
    return chosen.orElse(
        switch (status) {
          case 400 -> INVALID_PARAMETER_VALUE;
          case 429 -> "REQUEST_LIMIT_EXCEEDED";
          case 503 -> "TEMPORARILY_UNAVAILABLE";
          default -> status >= 500 ? "INTERNAL_ERROR" : BAD_REQUEST;
        });
  }

  /** MLflow's error body. */
  static ObjectNode error(String code, String message) {
    ObjectNode n = F.objectNode();
    n.put("error_code", code);
    n.put("message", message);
    return n;
  }
}
