package dev.mlci.core.external;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits {@code model.command} into words as a POSIX shell splits a simple command, without a
 * shell: blanks separate words; {@code '...'} keeps everything literally; {@code "..."} keeps
 * everything but {@code \"}, {@code \\}, {@code \$} and {@code \`}, which lose the backslash; a
 * backslash outside quotes keeps the next character. Nothing is expanded: {@code $VAR}, globs,
 * {@code ~}, pipes and redirections are plain characters, so the command is exactly the program and
 * arguments written. (No library on mlci's classpath does this; commons-exec's parser does not
 * follow the shell's quoting rules.)
 */
public final class Argv {
  private Argv() {}

  /**
   * The words of {@code command}.
   *
   * @throws IllegalArgumentException for an unterminated quote, a trailing backslash or no words,
   *     quoting the command
   */
  public static List<String> split(String command) {
    List<String> words = new ArrayList<>();
    StringBuilder word = new StringBuilder();
    boolean inWord = false;
    int i = 0;
    int n = command.length();
    while (i < n) {
      char c = command.charAt(i);
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
        if (inWord) {
          words.add(word.toString());
          word.setLength(0);
          inWord = false;
        }
        i++;
      } else if (c == '\'') {
        int end = command.indexOf('\'', i + 1);
        if (end < 0) {
          throw new IllegalArgumentException(
              "unterminated ' (single quote) at character " + (i + 1) + " of: " + command);
        }
        word.append(command, i + 1, end);
        inWord = true;
        i = end + 1;
      } else if (c == '"') {
        int j = i + 1;
        while (true) {
          if (j >= n) {
            throw new IllegalArgumentException(
                "unterminated \" (double quote) at character " + (i + 1) + " of: " + command);
          }
          char d = command.charAt(j);
          if (d == '"') {
            break;
          }
          if (d == '\\' && j + 1 < n && "\"\\$`".indexOf(command.charAt(j + 1)) >= 0) {
            word.append(command.charAt(j + 1));
            j += 2;
          } else {
            word.append(d);
            j++;
          }
        }
        inWord = true;
        i = j + 1;
      } else if (c == '\\') {
        if (i + 1 >= n) {
          throw new IllegalArgumentException("trailing backslash in: " + command);
        }
        word.append(command.charAt(i + 1));
        inWord = true;
        i += 2;
      } else {
        word.append(c);
        inWord = true;
        i++;
      }
    }
    if (inWord) {
      words.add(word.toString());
    }
    if (words.isEmpty()) {
      throw new IllegalArgumentException("no program to run in: '" + command + "'");
    }
    return List.copyOf(words);
  }
}
