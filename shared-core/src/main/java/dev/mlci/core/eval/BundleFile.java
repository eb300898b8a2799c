package dev.mlci.core.eval;

import dev.mlci.core.errors.BadInputException;
import dev.mlci.core.errors.Fix;
import dev.mlci.core.errors.Problem;
import dev.mlci.core.io.RegularFiles;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Reads an evaluation bundle ({@value EvaluationBundle#FILE}) from a file the user named. */
public final class BundleFile {
  private BundleFile() {}

  /** As {@link #read(Path, String, Fix)}, with a fix that names no step or option. */
  public static EvaluationBundle read(Path file, String what, String fix) throws BadInputException {
    return read(file, what, Fix.text(fix));
  }

  /**
   * The bundle in {@code file}.
   *
   * @param what what the bundle was needed for, the message's start ("there is no evaluation to
   *     gate")
   * @param fix what to do when it cannot be read, naming steps and options per face
   * @throws BadInputException naming the file when it is absent, not a regular file, or no bundle
   */
  public static EvaluationBundle read(Path file, String what, Fix fix) throws BadInputException {
    RegularFiles.require(file, RegularFiles.display(file), "");
    try (InputStream in = Files.newInputStream(file)) {
      return EvaluationBundle.read(in);
    } catch (NoSuchFileException e) {
      throw new BadInputException(
          Problem.in(RegularFiles.display(file), "", what + ": the file does not exist.", fix));
    } catch (IOException | IllegalArgumentException e) {
      throw new BadInputException(
          Problem.in(RegularFiles.display(file), "", what + ": " + e.getMessage() + ".", fix));
    }
  }
}
