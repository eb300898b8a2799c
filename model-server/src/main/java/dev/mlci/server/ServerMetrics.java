package dev.mlci.server;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;

/**
 * The server's Prometheus metrics: requests, latency, errors, rows scored, model load time, and the
 * JVM's.
 */
final class ServerMetrics {
  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final Counter requests;
  private final Counter errors;
  private final Counter rows;
  private final Counter unseen;
  private final Histogram latency;

  ServerMetrics() {
    requests =
        Counter.builder()
            .name("mlci_requests_total")
            .help("HTTP requests by endpoint and status code")
            .labelNames("endpoint", "status")
            .register(registry);
    errors =
        Counter.builder()
            .name("mlci_errors_total")
            .help("Requests answered with a 4xx or 5xx status, by endpoint and status code")
            .labelNames("endpoint", "status")
            .register(registry);
    rows =
        Counter.builder()
            .name("mlci_rows_scored_total")
            .help("Rows scored by the model")
            .register(registry);
    unseen =
        Counter.builder()
            .name("mlci_unseen_levels_total")
            .help(
                "Categorical values not seen in training, by column; scored as no known level (all"
                    + " of the column's one-hot features 0), as in evaluation")
            .labelNames("column")
            .register(registry);
    latency =
        Histogram.builder()
            .name("mlci_request_duration_seconds")
            .help("Time from request to response, by endpoint")
            .labelNames("endpoint")
            .classicUpperBounds(
                0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5)
            .register(registry);
    JvmMetrics.builder().register(registry);
  }

  void modelLoaded(LoadedModel m) {
    Gauge load =
        Gauge.builder()
            .name("mlci_model_load_seconds")
            .help("Time taken to verify and load the model at start")
            .labelNames("model", "version", "backend")
            .register(registry);
    load.labelValues(m.name(), m.version(), m.predictor().backend()).set(m.loadSeconds());
  }

  void request(String endpoint, int status, double seconds) {
    String code = Integer.toString(status);
    requests.labelValues(endpoint, code).inc();
    latency.labelValues(endpoint).observe(seconds);
    if (status >= 400) {
      errors.labelValues(endpoint, code).inc();
    }
  }

  /** Counts the batch's categorical values that are not a training level of their column. */
  void unseenLevels(dev.mlci.format.FeatureSpec spec, Batch batch) {
    for (int c = 0; c < spec.columns().size(); c++) {
      if (spec.columns().get(c).kind() != dev.mlci.format.ColumnSpec.Kind.CATEGORICAL) {
        continue;
      }
      int n = 0;
      for (int r = 0; r < batch.rows(); r++) {
        String level = batch.categorical()[r][c];
        if (level != null && !spec.knowsLevel(c, level)) {
          n++;
        }
      }
      if (n > 0) {
        unseen.labelValues(spec.columns().get(c).name()).inc(n);
      }
    }
  }

  void rowsScored(int n) {
    rows.inc(n);
  }

  /** The Prometheus text exposition of every metric. */
  byte[] scrape() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    new PrometheusTextFormatWriter(false).write(out, registry.scrape());
    return out.toByteArray();
  }
}
