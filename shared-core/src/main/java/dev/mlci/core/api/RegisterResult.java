package dev.mlci.core.api;

/**
 * What {@code mlci register} did.
 *
 * @param name the registered model
 * @param version the new version
 * @param alias the alias now pointing at it
 * @param runId the run the version came from
 * @param source where the registry says the version's files are
 * @param runUrl the run's page in the MLflow UI
 */
public record RegisterResult(
    String name, String version, String alias, String runId, String source, String runUrl) {}
