package dev.mlci.core.io;

import dev.mlci.core.errors.BadInputException;
import dev.mlci.core.errors.Problem;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Decodes user files strictly: UTF-8 only, a leading byte-order mark dropped, bad bytes located.
 */
public final class TextFiles {
  private TextFiles() {}

  /**
   * Decodes {@code bytes} as UTF-8, dropping a byte-order mark.
   *
   * @param display the file name for messages
   * @throws BadInputException naming the line and column of the first byte that is not UTF-8
   */
  public static String decodeUtf8(String display, byte[] bytes) throws BadInputException {
    CharsetDecoder decoder =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(bytes);
    CharBuffer out = CharBuffer.allocate(bytes.length);
    CoderResult result = decoder.decode(in, out, true);
    if (result.isError()) {
      int at = in.position();
      int line = 1;
      int lineStart = 0;
      for (int i = 0; i < at; i++) {
        if (bytes[i] == '\n') {
          line++;
          lineStart = i + 1;
        }
      }
      throw new BadInputException(
          Problem.at(
              display,
              line,
              at - lineStart + 1,
              "",
              String.format(
                  "the file is not UTF-8: byte 0x%02X cannot start or continue a UTF-8 character.",
                  bytes[at] & 0xFF),
              "save the file as UTF-8 (e.g. 'iconv -f latin1 -t utf-8 in.csv > out.csv')."));
    }
    decoder.flush(out);
    out.flip();
    String text = out.toString();
    return text.startsWith("\uFEFF") ? text.substring(1) : text;
  }
}
