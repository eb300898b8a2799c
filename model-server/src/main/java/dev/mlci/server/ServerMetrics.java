package dev.mlci.server;

import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
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
  private final Histogram latency;
  private final double halfLifeSeconds;
  private final boolean driftMonitor;
  private volatile DriftMonitor drift;

  ServerMetrics() {
    this(DriftMonitor.DEFAULT_HALF_LIFE_SECONDS, true);
  }

  /**
   * Metrics whose drift monitor weighs a row {@code 2^(-age / halfLifeSeconds)}; none when {@code
   * driftMonitor} is false ({@code MLCI_DRIFT_MONITOR=off}).
   */
  ServerMetrics(double halfLifeSeconds, boolean driftMonitor) {
    this.halfLifeSeconds = halfLifeSeconds;
    this.driftMonitor = driftMonitor;
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
    if (!driftMonitor) {
      return;
    }
    DriftMonitor d =
        new DriftMonitor(
            m.spec(),
            m.training(),
            halfLifeSeconds,
            Runtime.getRuntime().availableProcessors(),
            System::nanoTime);
    registerDrift(m.name(), d);
    drift = d;
  }

  /**
   * The drift monitor's metrics, computed at scrape time: {@code mlci_feature_drift}, {@code
   * mlci_unseen_category_total}, {@code mlci_missing_values_total}, {@code
   * mlci_drift_rows_observed_total} and {@code mlci_drift_window_rows}.
   */
  private void registerDrift(String model, DriftMonitor d) {
    GaugeWithCallback.builder()
        .name("mlci_feature_drift")
        .help(
            "Drift of each served feature from the training profile (data-profile.json), with the"
                + " data gate's statistics: normed Wasserstein (numbers), Jensen-Shannon"
                + " (categories), over the rows of the rolling window")
        .labelNames("model", "feature", "statistic")
        .callback(
            cb -> {
              for (DriftMonitor.FeatureDrift f : d.snapshot().features()) {
                if (!Double.isNaN(f.value())) {
                  cb.call(f.value(), model, f.feature(), f.statistic());
                }
              }
            })
        .register(registry);
    CounterWithCallback.builder()
        .name("mlci_unseen_category_total")
        .help(
            "Categorical values not seen in training, by feature; scored as no known level (all"
                + " of the column's one-hot features 0), as in evaluation")
        .labelNames("model", "feature")
        .callback(
            cb -> {
              for (DriftMonitor.FeatureDrift f : d.snapshot().features()) {
                if (f.statistic().equals("jensen_shannon")) {
                  cb.call(f.unseen(), model, f.feature());
                }
              }
            })
        .register(registry);
    CounterWithCallback.builder()
        .name("mlci_missing_values_total")
        .help("Missing values in the rows scored, by feature")
        .labelNames("model", "feature")
        .callback(
            cb -> {
              for (DriftMonitor.FeatureDrift f : d.snapshot().features()) {
                cb.call(f.missing(), model, f.feature());
              }
            })
        .register(registry);
    CounterWithCallback.builder()
        .name("mlci_drift_rows_observed_total")
        .help("Rows the drift monitor observed (every row scored)")
        .labelNames("model")
        .callback(cb -> cb.call(d.snapshot().rows(), model))
        .register(registry);
    GaugeWithCallback.builder()
        .name("mlci_drift_window_rows")
        .help(
            "The weight of the rows behind mlci_feature_drift: rows decayed by their age"
                + " (half-life "
                + halfLifeSeconds
                + " s); alert on drift only above a few hundred")
        .labelNames("model")
        .callback(cb -> cb.call(d.snapshot().windowRows(), model))
        .register(registry);
  }

  void request(String endpoint, int status, double seconds) {
    String code = Integer.toString(status);
    requests.labelValues(endpoint, code).inc();
    latency.labelValues(endpoint).observe(seconds);
    if (status >= 400) {
      errors.labelValues(endpoint, code).inc();
    }
  }

  /**
   * The metrics of {@code endpoint}, with its latency and its count of 200s looked up once, at its
   * first such request (so /metrics shows no series before then, as {@link #request}): the label
   * look-up ({@code labelValues}: a key list and a map probe) is otherwise paid on every request.
   * Other statuses are looked up when they occur, as {@link #request} does.
   */
  Endpoint endpoint(String endpoint) {
    return new Endpoint(endpoint);
  }

  /** One endpoint's metrics (see {@link #endpoint}). */
  final class Endpoint {
    private final String name;
    // Set on first use; two threads racing set the same data point (labelValues returns it).
    private volatile CounterDataPoint ok;
    private volatile DistributionDataPoint latencies;

    private Endpoint(String name) {
      this.name = name;
    }

    /** Counts a request answered with {@code status} after {@code seconds}. */
    void request(int status, double seconds) {
      String code = status == 200 ? null : Integer.toString(status);
      if (code == null) {
        CounterDataPoint c = ok;
        if (c == null) {
          c = requests.labelValues(name, "200");
          ok = c;
        }
        c.inc();
      } else {
        requests.labelValues(name, code).inc();
      }
      DistributionDataPoint l = latencies;
      if (l == null) {
        l = latency.labelValues(name);
        latencies = l;
      }
      l.observe(seconds);
      if (status >= 400) {
        errors.labelValues(name, code).inc();
      }
    }
  }

  /**
   * Counts the batch's categorical values that are not a training level of their column, and adds
   * the batch to the drift monitor's rolling profile (one stripe lock per batch). Nothing before
   * {@link #modelLoaded}.
   */
  void observe(Batch batch) {
    DriftMonitor d = drift;
    if (d != null) {
      d.observe(batch);
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
