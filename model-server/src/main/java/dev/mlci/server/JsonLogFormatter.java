package dev.mlci.server;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.logging.Formatter;
import java.util.logging.LogRecord;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * One JSON object per log line ({@code ts}, {@code level}, {@code logger}, {@code msg}, {@code
 * thread}, and {@code error} with the stack trace when there is one), for log collectors in the
 * cluster.
 */
final class JsonLogFormatter extends Formatter {
  private final ObjectMapper json = new ObjectMapper();

  @Override
  public String format(LogRecord record) {
    ObjectNode n = json.createObjectNode();
    n.put("ts", Instant.ofEpochMilli(record.getMillis()).toString());
    n.put("level", record.getLevel().getName());
    n.put("logger", record.getLoggerName());
    n.put("msg", formatMessage(record));
    n.put("thread", record.getLongThreadID());
    if (record.getThrown() != null) {
      StringWriter trace = new StringWriter();
      record.getThrown().printStackTrace(new PrintWriter(trace));
      n.put("error", trace.toString());
    }
    return n.toString() + System.lineSeparator();
  }
}
