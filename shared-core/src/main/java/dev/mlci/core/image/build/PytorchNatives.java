package dev.mlci.core.image.build;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * PyTorch's native library for images of mlp models, as files: taken from the pytorch-native-cpu
 * jar on mlci's class path (the one training uses), unpacked once into the cache. In the image they
 * lie in a layer of their own and DJL loads them in place ({@code PYTORCH_LIBRARY_PATH}), so the
 * container neither downloads nor unpacks anything when it starts.
 *
 * @param version PyTorch's version, e.g. {@code 2.7.1}
 * @param flavor the build, {@code cpu}
 * @param files the libraries, in the order DJL lists them
 */
public record PytorchNatives(String version, String flavor, List<Path> files) {
  /** Where the libraries lie in the image. */
  public static final String IMAGE_PATH = "/app/pytorch";

  private static final String PROPERTIES = "native/lib/pytorch.properties";
  private static final String CLASSIFIER = "linux-x86_64";

  public PytorchNatives {
    files = List.copyOf(files);
  }

  /**
   * The libraries, unpacked into {@code cacheDir} when not already there.
   *
   * @throws IOException when mlci carries no PyTorch native library
   */
  public static PytorchNatives unpack(Path cacheDir) throws IOException {
    ClassLoader loader = PytorchNatives.class.getClassLoader();
    Properties p = new Properties();
    try (InputStream in = loader.getResourceAsStream(PROPERTIES)) {
      if (in == null) {
        throw new IOException(
            "this mlci carries no PyTorch native library ("
                + PROPERTIES
                + " is not on its class path)");
      }
      p.load(in);
    }
    String fullVersion = p.getProperty("version", "");
    String version = fullVersion.replaceFirst("-.*$", "");
    String flavor = p.getProperty("flavor", "cpu");
    Path dir = cacheDir.resolve("pytorch-" + fullVersion + "-" + flavor + "-" + CLASSIFIER);
    List<Path> files = new ArrayList<>();
    for (String name : p.getProperty("libraries", "").split(",")) {
      if (name.isBlank()) {
        continue;
      }
      String resource = "pytorch/" + flavor + "/" + CLASSIFIER + "/" + name.strip();
      Path target = dir.resolve(name.strip());
      if (!Files.isRegularFile(target)) {
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, ".unpacking-", ".tmp");
        try (InputStream in = loader.getResourceAsStream(resource)) {
          if (in == null) {
            throw new IOException("the PyTorch native library lacks " + resource);
          }
          Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
          Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        } finally {
          Files.deleteIfExists(tmp);
        }
      }
      files.add(target);
    }
    if (files.isEmpty()) {
      throw new IOException(PROPERTIES + " lists no libraries");
    }
    return new PytorchNatives(version, flavor, files);
  }
}
