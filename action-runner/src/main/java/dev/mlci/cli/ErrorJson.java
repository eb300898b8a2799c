package dev.mlci.cli;

import dev.mlci.core.errors.MlciException;
import dev.mlci.core.errors.Problem;
import dev.mlci.core.errors.Suggestions;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * A failure as JSON on standard output, for {@code --json} callers (CI steps) that parse rather
 * than read.
 */
final class ErrorJson {
  private ErrorJson() {}

  /** The failure, its fixes in the terms of the face {@code suggestions} phrases for. */
  static ObjectNode of(String command, MlciException e, Suggestions suggestions) {
    ObjectNode root = JsonNodeFactory.instance.objectNode();
    root.put("command", command);
    root.put("exit_code", e.exitCode().code());
    ObjectNode error = root.putObject("error");
    error.put("message", e.message(suggestions));
    ArrayNode problems = error.putArray("problems");
    for (Problem p : e.problems()) {
      ObjectNode n = problems.addObject();
      // "file" kept for the callers that parse it; "source" says what it is (a file, an option,
      // a variable, git).
      n.put("source", p.source());
      n.put("file", p.source());
      n.put("line", p.line());
      n.put("column", p.column());
      n.put("row", p.row());
      n.put("field", p.field());
      n.put("message", p.message());
      n.put("fix", p.fix().render(suggestions));
    }
    return root;
  }
}
