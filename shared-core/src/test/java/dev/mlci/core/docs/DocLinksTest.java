package dev.mlci.core.docs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mlci.core.errors.Docs;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every relative link in the README, in {@code docs/*.md}, in the other Markdown files at the root
 * of the repository and in the example repositories' READMEs resolves: the file or folder exists,
 * and an anchor ({@code gate.md#the-defaults}) names a heading of that file as GitHub derives
 * heading anchors (lower case, punctuation dropped, spaces to hyphens, {@code -1}, {@code -2} for
 * repeats) or an {@code <a id>}/{@code <a name>} in it.
 */
class DocLinksTest {
  private static final Pattern LINK =
      Pattern.compile("\\[[^\\]]*\\]\\(([^)\\s]+)(?:\\s+\"[^\"]*\")?\\)");
  private static final Pattern REFERENCE = Pattern.compile("^\\s*\\[[^\\]]+\\]:\\s*(\\S+)");
  private static final Pattern HTML_ANCHOR =
      Pattern.compile("<a\\s+(?:id|name)=\"([^\"]+)\"", Pattern.CASE_INSENSITIVE);
  private static final Pattern SCHEME = Pattern.compile("^[a-zA-Z][a-zA-Z0-9+.-]*:");

  @Test
  void everyRelativeLink_resolvesToAFileAndAnchor() throws IOException {
    Path root = root();
    List<Path> files = new ArrayList<>();
    try (Stream<Path> top = Files.list(root)) {
      top.filter(p -> p.toString().endsWith(".md")).sorted().forEach(files::add);
    }
    try (Stream<Path> docs = Files.list(root.resolve("docs"))) {
      docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(files::add);
    }
    try (Stream<Path> examples = Files.walk(root.resolve("example-repos"), 2)) {
      examples
          .filter(p -> p.getFileName().toString().equals("README.md"))
          .sorted()
          .forEach(files::add);
    }
    assertThat(files).contains(root.resolve("README.md"), root.resolve("docs/ml-yaml.md"));

    Map<Path, Set<String>> anchorCache = new HashMap<>();
    List<String> broken = new ArrayList<>();
    for (Path file : files) {
      List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
      for (Link link : links(lines)) {
        String problem = check(file, link.target(), anchorCache);
        if (problem != null) {
          broken.add(
              root.relativize(file) + ":" + link.line() + ": " + link.target() + " — " + problem);
        }
      }
    }
    assertThat(broken).as("broken relative links").isEmpty();
  }

  @Test
  void anchors_followGitHubsRules() {
    assertThat(anchors(List.of("# The `ml.yaml` reference", "## Set-up: two commands")))
        .containsExactly("the-mlyaml-reference", "set-up-two-commands");
    assertThat(anchors(List.of("## Your own training code (`trainer: external`)")))
        .containsExactly("your-own-training-code-trainer-external");
    assertThat(anchors(List.of("## Keys", "## Keys", "```", "## not a heading", "```", "## Keys")))
        .containsExactly("keys", "keys-1", "keys-2");
  }

  @Test
  void links_skipCodeAndFindReferences() {
    List<Link> found =
        links(
            List.of(
                "see [a](a.md#x) and `[b](b.md)`",
                "```",
                "[c](c.md)",
                "```",
                "[d]: d.md",
                "[e](https://example.com)"));
    assertThat(found.stream().map(Link::target))
        .containsExactly("a.md#x", "d.md", "https://example.com");
  }

  record Link(int line, String target) {}

  static List<Link> links(List<String> lines) {
    List<Link> out = new ArrayList<>();
    boolean fenced = false;
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      if (line.strip().startsWith("```")) {
        fenced = !fenced;
        continue;
      }
      if (fenced) {
        continue;
      }
      String text = line.replaceAll("`[^`]*`", "``");
      Matcher m = LINK.matcher(text);
      while (m.find()) {
        out.add(new Link(i + 1, m.group(1)));
      }
      Matcher r = REFERENCE.matcher(text);
      if (r.find()) {
        out.add(new Link(i + 1, r.group(1)));
      }
    }
    return out;
  }

  /** Null when the link resolves, else what is wrong. */
  /** Links into this repository's own files on GitHub are checked as relative ones. */
  static final String OWN = Docs.BASE;

  @Test
  void theLinksInMessagesAndReports_resolve() throws IOException {
    for (String link : List.of(Docs.ML_YAML, Docs.EXAMPLE_ML_YAML, Docs.GATE_REPORTS)) {
      assertThat(link).startsWith(OWN);
      assertThat(check(root().resolve("README.md"), link, new HashMap<>())).as(link).isNull();
    }
  }

  private static String check(Path from, String target, Map<Path, Set<String>> anchorCache)
      throws IOException {
    if (target.startsWith(OWN)) {
      return check(root().resolve("README.md"), target.substring(OWN.length()), anchorCache);
    }
    if (SCHEME.matcher(target).find() || target.startsWith("/")) {
      return null; // absolute: not ours to check offline
    }
    int hash = target.indexOf('#');
    String pathPart = hash < 0 ? target : target.substring(0, hash);
    String anchor =
        hash < 0 ? "" : URLDecoder.decode(target.substring(hash + 1), StandardCharsets.UTF_8);
    Path resolved =
        pathPart.isEmpty()
            ? from
            : from.getParent()
                .resolve(URLDecoder.decode(pathPart, StandardCharsets.UTF_8))
                .normalize();
    if (!Files.exists(resolved)) {
      return "no such file or folder " + resolved;
    }
    if (anchor.isEmpty()) {
      return null;
    }
    if (!resolved.toString().endsWith(".md")) {
      return "an anchor into a file that is not Markdown";
    }
    Set<String> anchors =
        anchorCache.computeIfAbsent(
            resolved,
            p -> {
              try {
                return anchors(Files.readAllLines(p, StandardCharsets.UTF_8));
              } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
              }
            });
    return anchors.contains(anchor) ? null : "no heading or anchor '" + anchor + "' in " + resolved;
  }

  /** The anchors GitHub gives the headings (and explicit {@code <a id>}s) of a Markdown file. */
  static Set<String> anchors(List<String> lines) {
    Set<String> out = new LinkedHashSet<>();
    Map<String, Integer> seen = new HashMap<>();
    boolean fenced = false;
    for (String line : lines) {
      if (line.strip().startsWith("```")) {
        fenced = !fenced;
        continue;
      }
      if (fenced) {
        continue;
      }
      Matcher a = HTML_ANCHOR.matcher(line);
      while (a.find()) {
        out.add(a.group(1));
      }
      Matcher h = Pattern.compile("^#{1,6}\\s+(.*?)\\s*#*\\s*$").matcher(line);
      if (!h.matches()) {
        continue;
      }
      String text =
          h.group(1)
              .replaceAll("\\[([^\\]]*)\\]\\([^)]*\\)", "$1")
              .replaceAll("<[^>]+>", "")
              .replace("`", "")
              .replace("*", "");
      String slug =
          text.toLowerCase(Locale.ROOT)
              .replaceAll("[^\\p{L}\\p{M}\\p{N}\\p{Pc} -]", "")
              .replace(' ', '-');
      int n = seen.merge(slug, 1, Integer::sum) - 1;
      out.add(n == 0 ? slug : slug + "-" + n);
    }
    return out;
  }

  private static Path root() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !Files.isRegularFile(dir.resolve("schema/ml.schema.json"))) {
      dir = dir.getParent();
    }
    assertThat(dir).as("the repository root above %s", Path.of("").toAbsolutePath()).isNotNull();
    return dir;
  }
}
