package dev.mlci.core.image.build;

import com.google.cloud.tools.jib.api.Containerizer;
import com.google.cloud.tools.jib.api.DockerDaemonImage;
import com.google.cloud.tools.jib.api.ImageReference;
import com.google.cloud.tools.jib.api.InvalidImageReferenceException;
import com.google.cloud.tools.jib.api.LogEvent;
import com.google.cloud.tools.jib.api.TarImage;
import com.google.cloud.tools.jib.api.buildplan.FileEntriesLayer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Where Jib writes an image, for every image mlci builds (serving images and base images): a
 * registry (credentials as {@link ImageBuilder#withCredentials}), a Docker daemon, or a tarball. A
 * tarball is written to a temporary file beside its path and moved into place whole by {@link
 * #commit}, so a failed build never leaves a half-written tarball under the name asked for; {@link
 * #close} removes what a failed build left.
 */
final class JibTarget implements AutoCloseable {
  private final Containerizer containerizer;
  private final String reference;
  private final Path tarPath;
  private Path tarTemp;

  private JibTarget(Containerizer containerizer, String reference, Path tarPath, Path tarTemp) {
    this.containerizer = containerizer;
    this.reference = reference;
    this.tarPath = tarPath;
    this.tarTemp = tarTemp;
  }

  /**
   * The target {@code location}; a tarball's image is named {@code tarName}, its temporary file
   * starts with {@code tempPrefix}.
   *
   * @throws InvalidImageReferenceException when {@code tarName} is no image name (tarballs only)
   * @throws IOException when the tarball's folder cannot be written, or docker:// has no daemon
   */
  static JibTarget of(
      ImageLocation location,
      String tarName,
      String tempPrefix,
      Map<String, String> env,
      Consumer<LogEvent> log)
      throws IOException, InvalidImageReferenceException {
    if (location instanceof ImageLocation.Registry r) {
      return new JibTarget(
          Containerizer.to(ImageBuilder.withCredentials(r.reference(), "MLCI_REGISTRY", env, log)),
          r.reference().toString(),
          null,
          null);
    }
    if (location instanceof ImageLocation.Docker d) {
      ImageBuilder.requireDocker();
      return new JibTarget(
          Containerizer.to(DockerDaemonImage.named(d.reference())),
          d.reference().toString(),
          null,
          null);
    }
    ImageLocation.Tar t = (ImageLocation.Tar) location;
    ImageReference name = ImageReference.parse(tarName);
    Files.createDirectories(t.path().getParent());
    Path temp = Files.createTempFile(t.path().getParent(), tempPrefix, ".tar.part");
    return new JibTarget(
        Containerizer.to(TarImage.at(temp).named(name)), name.toString(), t.path(), temp);
  }

  Containerizer containerizer() {
    return containerizer;
  }

  /** The image's name at the target. */
  String reference() {
    return reference;
  }

  /** After Jib wrote the image: a tarball moves into place whole. */
  void commit() throws IOException {
    if (tarTemp != null) {
      Files.move(
          tarTemp, tarPath, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      tarTemp = null;
    }
  }

  @Override
  public void close() {
    if (tarTemp != null) {
      try {
        Files.deleteIfExists(tarTemp);
      } catch (IOException ignored) {
        // A leftover .part file is harmless and says what happened.
      }
    }
  }

  /** Each layer's name, number of entries and the bytes of its regular files. */
  static List<BuiltImage.Layer> summary(List<FileEntriesLayer> layers) {
    List<BuiltImage.Layer> summary = new ArrayList<>();
    for (FileEntriesLayer l : layers) {
      long bytes = 0;
      for (var entry : l.getEntries()) {
        Path source = entry.getSourceFile();
        try {
          bytes += Files.isRegularFile(source) ? Files.size(source) : 0;
        } catch (IOException e) {
          // A file that vanished after Jib read it counts nothing in the summary.
        }
      }
      summary.add(new BuiltImage.Layer(l.getName(), l.getEntries().size(), bytes));
    }
    return summary;
  }
}
