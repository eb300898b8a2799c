package dev.mlci.core.data;

import dev.mlci.core.config.LoadedConfig;
import dev.mlci.core.errors.BadInputException;
import dev.mlci.core.errors.MlciException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Resolves the data paths ml.yaml names and reads them, refusing any file outside the repository
 * (also through a symbolic link), a directory or a special file.
 */
final class DataFiles {
  private final Path repository;

  /**
   * @param repository the ML repository, absolute and normalized
   */
  DataFiles(Path repository) {
    this.repository = repository;
  }

  /** What reads a resolved data file. */
  interface FileReader<T> {
    T read(Path file, String display) throws MlciException, IOException;
  }

  /**
   * Resolves a data path against the config's folder and reads it with {@code reader}, refusing
   * paths outside the repository.
   */
  <T> T read(LoadedConfig loaded, String field, String written, FileReader<T> reader)
      throws MlciException {
    Path file = loaded.folder().resolve(written).normalize();
    Optional<String> link = escapingLink(file);
    if (link.isPresent()) {
      throw new BadInputException(
          loaded.problemAt(
              field,
              "'"
                  + written
                  + "' ("
                  + file
                  + ") is "
                  + link.get()
                  + ", outside the repository "
                  + repository
                  + ".",
              "keep data files inside the repository (e.g. under data/), so every build reads the"
                  + " same file; copy the file in instead of linking to it."));
    }
    if (!file.startsWith(repository)) {
      throw new BadInputException(
          loaded.problemAt(
              field,
              "'"
                  + written
                  + "' resolves to "
                  + file
                  + ", outside the repository "
                  + repository
                  + ".",
              "keep data files inside the repository (e.g. under data/), so every build reads the same file."));
    }
    String display = repository.relativize(file).toString();
    try {
      if (Files.isDirectory(file) && !hasParquet(file)) {
        throw new BadInputException(
            loaded.problemAt(
                field,
                "'" + written + "' is a directory without .parquet files.",
                "point it at a CSV file (.csv, .csv.gz, .csv.zst), a Parquet file, or a folder of"
                    + " Parquet part files."));
      }
      Optional<String> kind =
          Files.isDirectory(file)
              ? Optional.empty()
              : dev.mlci.core.io.RegularFiles.notRegular(file);
      if (kind.isPresent()) {
        throw new BadInputException(
            loaded.problemAt(
                field,
                "'"
                    + written
                    + "' is "
                    + kind.get()
                    + ", not a regular file; mlci reads only"
                    + " regular files.",
                "point it at a CSV or Parquet file (copy the data into one)."));
      }
      return reader.read(file, display);
    } catch (NoSuchFileException e) {
      throw new BadInputException(
          loaded.problemAt(
              field,
              "the data file '" + written + "' does not exist (looked for " + file + ").",
              "check the path; it is relative to the folder of " + loaded.displayName() + "."));
    } catch (IOException e) {
      throw new BadInputException(
          loaded.problemAt(
              field,
              "cannot read " + display + ": " + e + ".",
              "check that it is a readable file."));
    }
  }

  private static boolean hasParquet(Path dir) throws IOException {
    try (java.util.stream.Stream<Path> list = Files.list(dir)) {
      return list.anyMatch(
          p -> p.getFileName().toString().toLowerCase(java.util.Locale.ROOT).endsWith(".parquet"));
    }
  }

  /**
   * When {@code file} is inside the repository but reaches outside through a symbolic link: which
   * link, and where it leads (both named, so the user finds the link to fix).
   */
  private Optional<String> escapingLink(Path file) {
    if (!file.startsWith(repository)) {
      return Optional.empty();
    }
    try {
      Path realRepo = repository.toRealPath();
      if (!Files.exists(file) || file.toRealPath().startsWith(realRepo)) {
        return Optional.empty();
      }
      // The first link on the way whose target lies outside.
      Path p = repository;
      for (Path part : repository.relativize(file)) {
        p = p.resolve(part);
        if (Files.isSymbolicLink(p) && !p.toRealPath().startsWith(realRepo)) {
          return Optional.of(
              "a symbolic link "
                  + (p.equals(file) ? "" : "through " + repository.relativize(p) + " ")
                  + "to "
                  + Files.readSymbolicLink(p)
                  + " (resolving to "
                  + file.toRealPath()
                  + ")");
        }
      }
      return Optional.of("reached through a symbolic link to " + file.toRealPath());
    } catch (IOException e) {
      return Optional.empty();
    }
  }
}
