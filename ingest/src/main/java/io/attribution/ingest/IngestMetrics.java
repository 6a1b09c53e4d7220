package io.attribution.ingest;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.server.Request;

import java.util.Set;

/**
 * The edge's metrics, registered once per server on the registry the management port serves.
 * Health probes are left out: a load balancer polling {@code /readyz} every second would otherwise
 * outnumber the postbacks. Clicks are counted apart from postbacks ({@code click_*}).
 */
final class IngestMetrics {

    /** Where {@link IngestServer} serves {@link HealthServlet}. */
    private static final Set<String> PROBE_PATHS = Set.of("/healthz", "/readyz");
    /** Where {@link IngestServer} serves {@link ClickServlet}: its answers are counted apart. */
    static final String CLICK_PATH = "/click";

    /** Seconds: from a quiet local broker (~1 ms) up to the produce timeout (5 s by default). */
    private static final double[] PRODUCE_LATENCY_BOUNDS =
            {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};

    private final Counter requests;
    private final Histogram produceLatency;
    private final Gauge inFlight;
    private final Counter unrecordedRefusals;
    private final Counter clicks;
    private final Histogram clickProduceLatency;
    private final Counter clicksNotStored;

    IngestMetrics(PrometheusRegistry registry) {
        this.requests = Counter.builder()
                .name("postback_requests_total")
                .help("Answers of the ingest edge by outcome and HTTP status, health probes excluded")
                .labelNames("outcome", "status")
                .register(registry);
        this.produceLatency = Histogram.builder()
                .name("postback_produce_latency_seconds")
                .help("Time from handing a postback to the Kafka producer to the broker's acknowledgement")
                .unit(Unit.SECONDS)
                .classicUpperBounds(PRODUCE_LATENCY_BOUNDS)
                .classicOnly()
                .register(registry);
        this.inFlight = Gauge.builder()
                .name("postback_requests_in_flight")
                .help("Requests the ingest edge is handling now, waiting for a request slot included")
                .register(registry);
        this.unrecordedRefusals = Counter.builder()
                .name("postback_refusals_unrecorded_total")
                .help("Invalid requests (400, 413, 415) answered without a request_id: over the recording budget,"
                        + " or their record could not be stored")
                .register(registry);
        this.clicks = Counter.builder()
                .name("click_requests_total")
                .help("Answers of the edge's /click by outcome and HTTP status")
                .labelNames("outcome", "status")
                .register(registry);
        this.clickProduceLatency = Histogram.builder()
                .name("click_produce_latency_seconds")
                .help("Time from handing a click to the Kafka producer to the broker's acknowledgement")
                .unit(Unit.SECONDS)
                .classicUpperBounds(PRODUCE_LATENCY_BOUNDS)
                .classicOnly()
                .register(registry);
        this.clicksNotStored = Counter.builder()
                .name("click_records_failed_total")
                .help("Clicks handed to the Kafka producer that the broker never acknowledged: answered 503 when"
                        + " the edge waits for the broker, lost after their redirect when it does not")
                .register(registry);
    }

    /** False for health probes, which are not postback traffic. */
    static boolean isPostbackTraffic(Request request) {
        HttpURI uri = request.getHttpURI();
        return uri == null || !PROBE_PATHS.contains(uri.getPath());
    }

    private void answered(int status) {
        requests.labelValues(RequestOutcome.of(status).label(), Integer.toString(status)).inc();
    }

    /** Counts an answer of the edge under {@code click_requests_total} or {@code postback_requests_total}. */
    void answered(Request request, int status) {
        HttpURI uri = request.getHttpURI();
        if (uri != null && CLICK_PATH.equals(uri.getPath())) {
            clicks.labelValues(ClickOutcome.of(status).label(), Integer.toString(status)).inc();
        } else {
            answered(status);
        }
    }

    void clickAcknowledged(long nanosSinceSend) {
        clickProduceLatency.observe(Unit.nanosToSeconds(nanosSinceSend));
    }

    void clickNotStored() {
        clicksNotStored.inc();
    }

    void acknowledged(long nanosSinceSend) {
        produceLatency.observe(Unit.nanosToSeconds(nanosSinceSend));
    }

    void refusalUnrecorded() {
        unrecordedRefusals.inc();
    }

    void requestStarted() {
        inFlight.inc();
    }

    void requestEnded() {
        inFlight.dec();
    }
}
