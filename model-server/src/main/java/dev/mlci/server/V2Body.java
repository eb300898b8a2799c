package dev.mlci.server;

import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;

/**
 * What a V2 inference body may be: JSON ({@code application/json}, or no content type), or, with
 * {@value BinaryTensorCodec#HEADER}, JSON followed by binary tensors ({@code
 * application/octet-stream}, as the kserve SDK labels it, or no content type, as tritonclient sends
 * it). Anything else is refused with 415 before a parser sees it.
 */
final class V2Body {
  private V2Body() {}

  /**
   * Refuses a body whose content type the V2 endpoint does not read.
   *
   * @throws BadRequest 415 naming the accepted types
   */
  static void requireContentType(HttpServerExchange ex) throws BadRequest {
    String type = ex.getRequestHeaders().getFirst(Headers.CONTENT_TYPE);
    if (type == null || type.isBlank()) {
      return;
    }
    String media = ModelServer.mediaType(type);
    boolean binary = ex.getRequestHeaders().contains(BinaryTensorCodec.HEADER);
    if (media.equals("application/json") || (binary && media.equals("application/octet-stream"))) {
      return;
    }
    throw new BadRequest(
        415,
        "content type '"
            + BadRequest.cut(type)
            + "' is not supported on the V2 infer endpoint; send application/json, or"
            + " application/octet-stream with an "
            + BinaryTensorCodec.HEADER
            + " header (the binary tensor data extension)");
  }
}
