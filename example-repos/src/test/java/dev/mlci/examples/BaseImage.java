package dev.mlci.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;

/**
 * The image tests' base, made as an air-gapped team makes one (no base image can be pulled here):
 * {@code mlci base-image}, a jlink'd runtime of this machine's JDK with the system libraries of the
 * model server's native libraries, {@code /tmp} 1777 and a non-root user.
 */
final class BaseImage {
  private BaseImage() {}

  /**
   * Builds the base into {@code registryImage} (a registry on loopback) and, when {@code tar} is
   * not null, into that docker-save tarball too; the two builds have the same digest, which is
   * returned.
   */
  static String build(Path cache, String registryImage, Path tar) throws Exception {
    Map<String, String> env = Map.of("MLCI_CACHE_DIR", cache.toString());
    String digest =
        digest(
            Tools.mlci(
                env,
                "base-image",
                "--target",
                "registry://" + registryImage,
                "--allow-insecure-registries",
                "--json"));
    if (tar != null) {
      String again =
          digest(
              Tools.mlci(
                  env,
                  "base-image",
                  "--target",
                  "tar://" + tar,
                  "--name",
                  "mlci-test/jre17",
                  "--json"));
      assertThat(again).as("the same JDK and mlci give the same base image").isEqualTo(digest);
    }
    return digest;
  }

  private static String digest(Tools.Result r) throws Exception {
    assertThat(r.exit()).as(r.err() + r.out()).isZero();
    String digest = r.json().path("digest").asString();
    assertThat(digest).matches("sha256:[0-9a-f]{64}");
    return digest;
  }
}
