package dev.mlci.core.data;

/**
 * A data file a run read.
 *
 * @param role {@code data} (one file split by mlci), {@code train} or {@code test}
 * @param path the path as written relative to the repository
 * @param sha256 SHA-256 of its bytes
 * @param rows data rows in it
 */
public record DataFile(String role, String path, String sha256, int rows) {}
