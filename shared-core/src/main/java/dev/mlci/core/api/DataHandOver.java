package dev.mlci.core.api;

import dev.mlci.core.data.DataFile;
import dev.mlci.core.data.LoadedData;
import dev.mlci.format.Digests;
import dev.mlci.format.profile.DataProfile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The data a train step read, handed to the next evaluate step of the same engine ({@code mlci
 * run}, the GitHub Action's {@code run}) instead of reading, checking and splitting the files a
 * second time. Handed over once, and only for the same ml.yaml (its SHA-256) and data files whose
 * bytes still hash to what train read: the training command is the repository's own code and may
 * have touched them (then evaluate reads them again, and its own checks apply). A new engine per
 * command ({@code mlci train} then {@code mlci evaluate}) hands nothing over.
 */
final class DataHandOver {
  private record Entry(
      Path repository, String configSha256, LoadedData data, Future<DataProfile> profile) {}

  /**
   * What a train step handed over.
   *
   * @param data the rows it read
   * @param profile their data profile, when the train step computed it meanwhile (while an external
   *     command ran); evaluate computes it otherwise
   */
  record Handed(LoadedData data, Optional<Future<DataProfile>> profile) {}

  private final AtomicReference<Entry> held = new AtomicReference<>();

  /**
   * Holds {@code data}, read for the ml.yaml of SHA-256 {@code configSha256}, and its profile being
   * computed (or null), for one take.
   */
  void offer(Path repository, String configSha256, LoadedData data, Future<DataProfile> profile) {
    held.set(new Entry(repository, Objects.requireNonNull(configSha256), data, profile));
  }

  /** Forgets what is held (a step that changes what the data would be read as). */
  void clear() {
    held.set(null);
  }

  /**
   * The held data when it was read for the same repository and ml.yaml and its files are unchanged;
   * empty otherwise. Either way nothing is held afterwards.
   */
  Optional<Handed> take(Path repository, String configSha256) {
    Entry e = held.getAndSet(null);
    if (e == null || !e.repository().equals(repository) || !e.configSha256().equals(configSha256)) {
      return Optional.empty();
    }
    for (DataFile f : e.data().files()) {
      Path file = repository.toAbsolutePath().normalize().resolve(f.path());
      try {
        // A folder of Parquet parts, or a file that changed: read again.
        if (!Files.isRegularFile(file) || !Digests.sha256Hex(file).equals(f.sha256())) {
          return Optional.empty();
        }
      } catch (IOException ex) {
        return Optional.empty();
      }
    }
    return Optional.of(new Handed(e.data(), Optional.ofNullable(e.profile())));
  }
}
