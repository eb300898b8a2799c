package dev.mlci.core.init;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The CI files {@code mlci init} writes, from the one set of templates in this package's resources
 * ({@code dev/mlci/core/init/}). The example repositories' workflows and Jenkinsfiles and the
 * snippets in docs are these files rendered (TemplatesTest checks it). {@code {{name}}} is the
 * model's name.
 */
public final class Templates {
  /** A template and where it goes in a repository. */
  public enum File {
    PR_WORKFLOW("ml-pr.yml", ".github/workflows/ml-pr.yml"),
    MAIN_WORKFLOW("ml-main.yml", ".github/workflows/ml-main.yml"),
    JENKINSFILE("Jenkinsfile", "Jenkinsfile");

    private final String resource;
    private final String path;

    File(String resource, String path) {
      this.resource = resource;
      this.path = path;
    }

    /** The file's path in the repository, with {@code /}. */
    public String path() {
      return path;
    }
  }

  /** The line {@code mlci init} adds to {@code .gitignore}. */
  public static final String GITIGNORE_LINE = "mlci-out/";

  /** A placeholder left unfilled; {@code ${{ ... }}} is GitHub Actions' own syntax. */
  private static final java.util.regex.Pattern LEFT =
      java.util.regex.Pattern.compile("(?<!\\$)\\{\\{\\w+}}");

  private Templates() {}

  /** Every template, in the order init writes them. */
  public static List<File> all() {
    return List.of(File.values());
  }

  /** {@code file} for the model {@code name}. */
  public static String render(File file, String name) {
    Objects.requireNonNull(name, "name");
    return render(raw(file), Map.of("name", name));
  }

  private static String render(String template, Map<String, String> values) {
    String out = template;
    for (Map.Entry<String, String> v : values.entrySet()) {
      out = out.replace("{{" + v.getKey() + "}}", v.getValue());
    }
    if (LEFT.matcher(out).find()) {
      throw new IllegalStateException("a template placeholder is left: " + out);
    }
    return out;
  }

  /** The template's text, placeholders included. */
  public static String raw(File file) {
    String resource = "/dev/mlci/core/init/" + file.resource;
    try (InputStream in = Templates.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("mlci lacks its template " + resource);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
