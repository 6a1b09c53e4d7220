package io.attribution.management;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.junit.jupiter.api.Test;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/** The management port on a real Jetty: what a Prometheus scraper and a liveness probe get. */
class ManagementServerTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void metricsAreServedInThePrometheusTextFormat() throws Exception {
        PrometheusRegistry registry = new PrometheusRegistry();
        Counter.builder().name("management_test_events").help("events seen by the test")
                .labelNames("kind").register(registry).labelValues("scraped").inc(3);

        try (ManagementServer management = ManagementServer.start("127.0.0.1", 0, registry)) {
            HttpResponse<String> metrics = get(management, "/metrics");

            assertThat(metrics.statusCode()).isEqualTo(200);
            assertThat(metrics.headers().firstValue("Content-Type")).hasValueSatisfying(
                    type -> assertThat(type).startsWith("text/plain"));
            assertThat(metrics.body()).contains("# TYPE management_test_events_total counter")
                    .contains("management_test_events_total{kind=\"scraped\"} 3.0");
        }
    }

    @Test
    void healthzAnswersUpOnTheChosenPort() throws Exception {
        try (ManagementServer management = ManagementServer.start("127.0.0.1", 0, new PrometheusRegistry())) {
            HttpResponse<String> health = get(management, "/healthz");

            assertThat(management.uri().getPort()).isPositive();
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(health.body()).isEqualTo("{\"status\":\"up\"}");
        }
    }

    @Test
    void healthNamesEveryPartAndIs503WhenOneIsDown() throws Exception {
        HealthChecks checks = new HealthChecks();
        AtomicReference<HealthChecks.Status> topology = new AtomicReference<>(HealthChecks.Status.up("RUNNING"));
        checks.liveness("topology", topology::get);
        checks.readiness("topology", topology::get);
        checks.readiness("campaigns", () -> HealthChecks.Status.down("STALE"));

        try (ManagementServer management = ManagementServer.start("127.0.0.1", 0, new PrometheusRegistry(), checks)) {
            HttpResponse<String> live = get(management, "/healthz");
            HttpResponse<String> ready = get(management, "/readyz");
            topology.set(HealthChecks.Status.down("ERROR"));
            HttpResponse<String> dead = get(management, "/healthz");

            assertThat(live.statusCode()).isEqualTo(200);
            assertThat(live.body()).isEqualTo("{\"status\":\"up\",\"topology\":\"RUNNING\"}");
            assertThat(ready.statusCode()).isEqualTo(503);
            assertThat(ready.body()).isEqualTo("{\"status\":\"down\",\"campaigns\":\"STALE\",\"topology\":\"RUNNING\"}");
            assertThat(dead.statusCode()).isEqualTo(503);
            assertThat(dead.body()).isEqualTo("{\"status\":\"down\",\"topology\":\"ERROR\"}");
        }
    }

    @Test
    void traceIsRefusedWithoutEchoingTheRequest() throws Exception {
        try (ManagementServer management = ManagementServer.start("127.0.0.1", 0, new PrometheusRegistry())) {
            HttpResponse<String> trace = HTTP.send(HttpRequest.newBuilder(management.uri().resolve("/metrics"))
                    .timeout(Duration.ofSeconds(10)).header("X-Secret", "do-not-echo")
                    .method("TRACE", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());

            assertThat(trace.statusCode()).isEqualTo(405);
            assertThat(trace.headers().firstValue("Allow")).hasValue("GET, HEAD");
            assertThat(trace.body()).doesNotContain("do-not-echo").contains("METHOD_NOT_ALLOWED");
        }
    }

    private static HttpResponse<String> get(ManagementServer management, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(management.uri().resolve(path)).timeout(Duration.ofSeconds(10)).GET()
                .build(), HttpResponse.BodyHandlers.ofString());
    }
}
