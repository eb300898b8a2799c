package dev.mlci.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * An endpoint's cached metrics ({@link ServerMetrics#endpoint}) count what {@link
 * ServerMetrics#request} counts, and show no series before the endpoint's first request.
 */
class ServerMetricsTest {
  private static List<String> requestSeries(ServerMetrics m) throws Exception {
    return new String(m.scrape(), StandardCharsets.UTF_8)
        .lines()
        .filter(
            l ->
                l.startsWith("mlci_requests_total")
                    || l.startsWith("mlci_errors_total")
                    || l.startsWith("mlci_request_duration_seconds"))
        .toList();
  }

  @Test
  void anEndpointCountsAsRequestDoes() throws Exception {
    ServerMetrics looked = new ServerMetrics(3600, false);
    ServerMetrics cached = new ServerMetrics(3600, false);
    ServerMetrics.Endpoint infer = cached.endpoint("v2_infer");
    ServerMetrics.Endpoint ping = cached.endpoint("ping");
    assertThat(requestSeries(cached)).isEmpty();
    int[] statuses = {200, 200, 400, 200, 413, 503, 200, 302};
    double[] seconds = {0.0001, 0.003, 0.02, 0.7, 0.0004, 3, 0.0002, 0.01};
    for (int i = 0; i < statuses.length; i++) {
      looked.request("v2_infer", statuses[i], seconds[i]);
      infer.request(statuses[i], seconds[i]);
    }
    looked.request("ping", 200, 0.0001);
    ping.request(200, 0.0001);
    List<String> series = requestSeries(cached);
    assertThat(series).isEqualTo(requestSeries(looked));
    assertThat(series)
        .contains(
            "mlci_requests_total{endpoint=\"v2_infer\",status=\"200\"} 4.0",
            "mlci_requests_total{endpoint=\"v2_infer\",status=\"302\"} 1.0",
            "mlci_errors_total{endpoint=\"v2_infer\",status=\"413\"} 1.0",
            "mlci_request_duration_seconds_count{endpoint=\"v2_infer\"} 8",
            "mlci_request_duration_seconds_count{endpoint=\"ping\"} 1")
        .noneMatch(l -> l.startsWith("mlci_errors_total{endpoint=\"v2_infer\",status=\"302\""))
        .noneMatch(l -> l.startsWith("mlci_errors_total{endpoint=\"v2_infer\",status=\"200\""));
  }
}
