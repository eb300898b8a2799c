package dev.mlci.core.pipeline;

import dev.mlci.format.Digests;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Pattern;

/**
 * One digest of the data files a model trains on, so a pipeline run can prove it trained on the
 * bytes the CI run saw: {@code sha256:HEX} of the lines {@code NAME SHA256} of each file, in the
 * order given (ml.yaml's {@code path}, or {@code train} then {@code test}).
 */
public final class DataDigest {
  /** {@code sha256:} and 64 hex digits. */
  public static final Pattern PATTERN = Pattern.compile("sha256:[0-9a-f]{64}");

  private DataDigest() {}

  /** The digest of {@code files}, each named by its path relative to {@code base}. */
  public static String of(Path base, List<Path> files) throws IOException {
    MessageDigest sha;
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java has SHA-256", e);
    }
    for (Path f : files) {
      String name = base.relativize(f).toString().replace('\\', '/');
      sha.update((name + " " + Digests.sha256Hex(f) + "\n").getBytes(StandardCharsets.UTF_8));
    }
    return "sha256:" + HexFormat.of().formatHex(sha.digest());
  }
}
