package dev.mlci.server;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.zip.DataFormatException;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import java.util.zip.Inflater;
import java.util.zip.ZipException;

/**
 * HTTP content codings of request and response bodies (RFC 9110 section 8.4): {@code gzip}, {@code
 * deflate} (the zlib format; raw DEFLATE, which some clients send, is accepted too) and {@code
 * identity}. Request bodies are decompressed to at most a limit, so a small compressed body cannot
 * expand without bound; responses are compressed with the coding the client prefers among those its
 * {@code Accept-Encoding} names.
 */
final class ContentEncoding {
  /** The codings a request body may have, for messages. */
  static final String SUPPORTED = "gzip, deflate, identity";

  /** Most codings a request body may carry on top of each other. */
  static final int MAX_LAYERS = 2;

  private ContentEncoding() {}

  /**
   * The body as sent before coding.
   *
   * @param header the request's {@code Content-Encoding}, or null
   * @param body the body as received
   * @param limit largest decoded size, in bytes
   * @throws BadRequest 415 for a coding not supported, 413 when the decoded body exceeds {@code
   *     limit}, 400 when the body is not valid for its coding
   */
  static byte[] decode(String header, byte[] body, long limit) throws BadRequest {
    if (header == null || header.isBlank()) {
      return body;
    }
    // Codings are listed in the order applied; undo them from the last one.
    String[] codings = header.split(",");
    byte[] out = body;
    for (int i = codings.length - 1; i >= 0; i--) {
      String coding = codings[i].trim().toLowerCase(Locale.ROOT);
      out =
          switch (coding) {
            case "identity", "" -> out;
            case "gzip", "x-gzip" -> gunzip(out, limit);
            case "deflate" -> inflate(out, limit);
            default ->
                throw new BadRequest(
                    415,
                    "Content-Encoding '"
                        + BadRequest.cut(codings[i].trim())
                        + "' is not supported; send the body uncompressed or with one of: "
                        + SUPPORTED);
          };
    }
    return out;
  }

  /**
   * Refuses, before the body is read, a {@code Content-Encoding} this server cannot undo.
   *
   * @throws BadRequest 415 naming the supported codings
   */
  static void requireSupported(String header) throws BadRequest {
    if (header == null || header.isBlank()) {
      return;
    }
    long layers =
        Arrays.stream(header.split(","))
            .map(c -> c.trim().toLowerCase(Locale.ROOT))
            .filter(c -> !c.isEmpty() && !c.equals("identity"))
            .count();
    if (layers > MAX_LAYERS) {
      throw new BadRequest(
          415,
          "Content-Encoding lists "
              + layers
              + " codings; at most "
              + MAX_LAYERS
              + " are undone (e.g. gzip)");
    }
    for (String coding : header.split(",")) {
      switch (coding.trim().toLowerCase(Locale.ROOT)) {
        case "identity", "", "gzip", "x-gzip", "deflate" -> {}
        default ->
            throw new BadRequest(
                415,
                "Content-Encoding '"
                    + BadRequest.cut(coding.trim())
                    + "' is not supported; send the body uncompressed or with one of: "
                    + SUPPORTED);
      }
    }
  }

  private static byte[] gunzip(byte[] body, long limit) throws BadRequest {
    try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(body))) {
      return bounded(in, limit, "gzip");
    } catch (ZipException e) {
      throw new BadRequest(400, "the body is not valid gzip data (Content-Encoding: gzip)");
    } catch (EOFException e) {
      throw new BadRequest(400, "the gzip body ends early (Content-Encoding: gzip)");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** zlib-wrapped DEFLATE as RFC 9110 defines {@code deflate}, else raw DEFLATE. */
  private static byte[] inflate(byte[] body, long limit) throws BadRequest {
    try {
      return inflate(body, limit, false);
    } catch (DataFormatException zlib) {
      try {
        return inflate(body, limit, true);
      } catch (DataFormatException raw) {
        throw new BadRequest(
            400, "the body is not valid zlib or DEFLATE data (Content-Encoding: deflate)");
      }
    }
  }

  private static byte[] inflate(byte[] body, long limit, boolean raw)
      throws BadRequest, DataFormatException {
    Inflater inflater = new Inflater(raw);
    try {
      inflater.setInput(body);
      ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(body.length * 4, 1 << 20));
      byte[] buffer = new byte[64 * 1024];
      while (!inflater.finished()) {
        int n = inflater.inflate(buffer);
        if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
          if (raw && inflater.needsInput()) {
            break; // raw DEFLATE without a final block marker: take what was decoded
          }
          throw new DataFormatException("truncated");
        }
        out.write(buffer, 0, n);
        tooLarge(out.size(), limit, "deflate");
      }
      return out.toByteArray();
    } finally {
      inflater.end();
    }
  }

  private static byte[] bounded(InputStream in, long limit, String coding)
      throws IOException, BadRequest {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buffer = new byte[64 * 1024];
    int n;
    while ((n = in.read(buffer)) >= 0) {
      out.write(buffer, 0, n);
      tooLarge(out.size(), limit, coding);
    }
    return out.toByteArray();
  }

  private static void tooLarge(long size, long limit, String coding) throws BadRequest {
    if (size > limit) {
      throw new BadRequest(
          413,
          "the "
              + coding
              + " body decompresses to more than the limit of "
              + limit
              + " bytes (MLCI_MAX_BODY_BYTES): send fewer rows per request");
    }
  }

  /**
   * The coding to answer with: {@code gzip} or {@code deflate}, whichever {@code Accept-Encoding}
   * ranks higher (gzip on a tie, also for {@code *}); empty when it names neither, or is absent.
   */
  static Optional<String> choose(String acceptEncoding) {
    if (acceptEncoding == null || acceptEncoding.isBlank()) {
      return Optional.empty();
    }
    double gzip = -1;
    double deflate = -1;
    double star = -1;
    for (String part : acceptEncoding.split(",")) {
      String[] pieces = part.split(";");
      if (pieces.length == 0) {
        continue; // ";" alone: split drops the empty pieces
      }
      String coding = pieces[0].trim().toLowerCase(Locale.ROOT);
      double q = 1;
      for (int i = 1; i < pieces.length; i++) {
        String p = pieces[i].trim().toLowerCase(Locale.ROOT);
        if (p.startsWith("q=")) {
          try {
            q = Double.parseDouble(p.substring(2));
          } catch (NumberFormatException e) {
            q = 0;
          }
        }
      }
      switch (coding) {
        case "gzip", "x-gzip" -> gzip = q;
        case "deflate" -> deflate = q;
        case "*" -> star = q;
        default -> {}
      }
    }
    if (gzip < 0) {
      gzip = star;
    }
    if (deflate < 0) {
      deflate = star;
    }
    if (gzip <= 0 && deflate <= 0) {
      return Optional.empty();
    }
    return Optional.of(gzip >= deflate ? "gzip" : "deflate");
  }

  /** {@code body} coded with {@code coding} ({@code gzip} or zlib-format {@code deflate}). */
  static byte[] encode(String coding, byte[] body) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(64, body.length / 4));
    try {
      if (coding.equals("gzip")) {
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
          gz.write(body);
        }
      } else {
        try (DeflaterOutputStream z = new DeflaterOutputStream(out)) {
          z.write(body);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }
}
