package dev.mlci.core.git;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.treewalk.TreeWalk;

/**
 * Writes the files of a commit into a directory, like {@code git archive | tar x}: a temporary
 * checkout of another commit that leaves the working tree alone.
 */
public final class TreeExport {
  private TreeExport() {}

  /** The repository's top directory for a directory inside it. */
  public static Path topLevel(Path dir) throws IOException {
    FileRepositoryBuilder builder =
        new FileRepositoryBuilder().findGitDir(dir.toAbsolutePath().toFile());
    if (builder.getGitDir() == null) {
      throw new IOException(dir + " is not inside a git repository");
    }
    try (Repository repo = builder.build()) {
      return repo.getWorkTree().toPath().toAbsolutePath().normalize();
    }
  }

  /**
   * Exports {@code commit}'s tree into {@code target} (which exists and is empty); returns the
   * number of files.
   */
  public static int export(Path repoDir, String commit, Path target) throws IOException {
    FileRepositoryBuilder builder =
        new FileRepositoryBuilder().findGitDir(repoDir.toAbsolutePath().toFile());
    int files = 0;
    try (Repository repo = builder.build();
        RevWalk walk = new RevWalk(repo);
        TreeWalk tree = new TreeWalk(repo)) {
      RevCommit c = walk.parseCommit(ObjectId.fromString(commit));
      tree.addTree(c.getTree());
      tree.setRecursive(true);
      while (tree.next()) {
        FileMode mode = tree.getFileMode(0);
        Path out = target.resolve(tree.getPathString()).normalize();
        if (!out.startsWith(target)) {
          throw new IOException(
              "refusing to write outside the export directory: " + tree.getPathString());
        }
        if (mode == FileMode.GITLINK) {
          continue; // submodules are not part of this commit's files
        }
        Files.createDirectories(out.getParent());
        // Never write through a link: the parent must really be inside the export (a committed
        // symlink to a
        // directory elsewhere would otherwise redirect later files).
        if (!out.getParent().toRealPath().startsWith(target.toRealPath())) {
          throw new IOException(
              "refusing to write through a symbolic link: " + tree.getPathString());
        }
        if (mode == FileMode.SYMLINK) {
          Path link =
              Path.of(
                  new String(repo.open(tree.getObjectId(0)).getBytes(), StandardCharsets.UTF_8));
          if (link.isAbsolute() || !out.getParent().resolve(link).normalize().startsWith(target)) {
            continue; // a link out of the checkout is not part of a reproducible build: left out
          }
          Files.createSymbolicLink(out, link);
        } else {
          try (OutputStream os = Files.newOutputStream(out)) {
            repo.open(tree.getObjectId(0)).copyTo(os);
          }
          if (mode == FileMode.EXECUTABLE_FILE) {
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(out);
            perms.add(PosixFilePermission.OWNER_EXECUTE);
            Files.setPosixFilePermissions(out, perms);
          }
        }
        files++;
      }
    }
    return files;
  }
}
