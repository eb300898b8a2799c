package dev.mlci.core.errors;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * What to do about a {@link Problem}, as a sentence whose steps and options each face phrases in
 * its own terms ({@link Suggestions}). {@code {}} in the template marks where the next term goes:
 *
 * <pre>{@code
 * Fix.of("run {} first (or {}).", Step.EVALUATE, Step.RUN)
 * Fix.of("pass {}, or record a baseline.", Option.BASELINE.is("FILE"))
 * }</pre>
 *
 * renders for the CLI as "run 'mlci evaluate' first (or 'mlci run')." and "pass --baseline FILE, or
 * record a baseline.". A term is a {@link Suggestions.Step}, a {@link Suggestions.Option} or a
 * {@link Suggestions.Setting}; anything else is inserted as text.
 *
 * @param template the sentence, {@code {}} for each term (literal text when there are no terms)
 * @param terms the terms, in order
 */
public record Fix(String template, List<Object> terms) {
  private static final String SLOT = "{}";

  /** No fix. */
  public static final Fix NONE = new Fix("", List.of());

  public Fix {
    Objects.requireNonNull(template, "template");
    terms = List.copyOf(terms);
    int slots = terms.isEmpty() ? 0 : count(template);
    if (slots != terms.size()) {
      throw new IllegalArgumentException(
          "the fix '" + template + "' has " + slots + " {} for " + terms.size() + " terms");
    }
    template = Secrets.redact(template);
  }

  /** {@code template} with its {@code {}} filled by {@code terms}. */
  public static Fix of(String template, Object... terms) {
    return new Fix(template, Arrays.asList(terms));
  }

  /** A fix with no step or option in it. */
  public static Fix text(String text) {
    return text.isEmpty() ? NONE : new Fix(text, List.of());
  }

  /** Whether there is nothing to suggest. */
  public boolean isEmpty() {
    return template.isEmpty();
  }

  /** The sentence in the terms of the face {@code suggestions} phrases for. */
  public String render(Suggestions suggestions) {
    if (terms.isEmpty()) {
      return template;
    }
    List<String> words = new ArrayList<>(terms.size());
    for (Object t : terms) {
      words.add(phrase(t, suggestions));
    }
    StringBuilder sb = new StringBuilder();
    int from = 0;
    for (String w : words) {
      int at = template.indexOf(SLOT, from);
      sb.append(template, from, at).append(w);
      from = at + SLOT.length();
    }
    sb.append(template, from, template.length());
    return Secrets.redact(sb.toString());
  }

  /** The CLI's phrasing. */
  @Override
  public String toString() {
    return render(Suggestions.CLI);
  }

  private static String phrase(Object term, Suggestions s) {
    if (term instanceof Suggestions.Step step) {
      return s.step(step);
    }
    if (term instanceof Suggestions.Option option) {
      return s.option(option);
    }
    if (term instanceof Suggestions.Setting setting) {
      return s.setting(setting.option(), setting.value());
    }
    return String.valueOf(term);
  }

  private static int count(String template) {
    int n = 0;
    for (int i = template.indexOf(SLOT); i >= 0; i = template.indexOf(SLOT, i + SLOT.length())) {
      n++;
    }
    return n;
  }
}
