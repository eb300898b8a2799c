package dev.mlci.core.image.build;

import dev.mlci.core.errors.EnvironmentException;
import dev.mlci.core.natives.PytorchLibrary;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * PyTorch's native library for images of mlp models, as files: the ones training uses ({@link
 * PytorchLibrary}: the class path's pytorch-native-cpu jar, else the one fetched from a Maven
 * repository), unpacked once into the cache. In the image they lie in a layer of their own and DJL
 * loads them in place ({@code PYTORCH_LIBRARY_PATH}), so the container neither downloads nor
 * unpacks anything when it starts.
 *
 * @param version PyTorch's version, e.g. {@code 2.7.1}
 * @param flavor the build, {@code cpu}
 * @param files the libraries, in the order DJL lists them
 */
public record PytorchNatives(String version, String flavor, List<Path> files) {
  /** Where the libraries lie in the image. */
  public static final String IMAGE_PATH = "/app/pytorch";

  public PytorchNatives {
    files = List.copyOf(files);
  }

  /**
   * The libraries, unpacked into {@code cacheDir} when not already there, fetched from Maven
   * Central when the class path does not carry them.
   *
   * @throws IOException when they cannot be had
   */
  public static PytorchNatives unpack(Path cacheDir) throws IOException {
    return unpack(cacheDir, Map.of());
  }

  /**
   * The libraries, unpacked into {@code cacheDir} when not already there, fetched from the Maven
   * repository {@code env} names ({@code MLCI_MAVEN_REPO}) when the class path does not carry them.
   *
   * @throws IOException when they cannot be had
   */
  public static PytorchNatives unpack(Path cacheDir, Map<String, String> env) throws IOException {
    try {
      PytorchLibrary.Unpacked u = PytorchLibrary.unpack(env, cacheDir, message -> {});
      return new PytorchNatives(u.version(), u.flavor(), u.files());
    } catch (EnvironmentException e) {
      throw new IOException(e.getMessage(), e);
    }
  }
}
