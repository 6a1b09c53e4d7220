package io.attribution.ingest;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.DataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;

/**
 * The edge's metrics read in this JVM, from the registry the edge records on: what a test waits for
 * when it needs to know the server's state, not guess it.
 */
final class EdgeMetrics {

    private final PrometheusRegistry registry = new PrometheusRegistry();

    /** The registry to start the edge with. */
    PrometheusRegistry registry() {
        return registry;
    }

    /** {@code postback_requests_in_flight}: requests the edge holds now, from headers read to answer complete. */
    double inFlight() {
        return sum("postback_requests_in_flight");
    }

    /** {@code postback_requests_total} over every outcome: requests answered, counted just after the answer. */
    double answered() {
        return sum("postback_requests");
    }

    /** {@code postback_refusals_unrecorded_total}: invalid requests answered without a request_id. */
    double unrecordedRefusals() {
        return sum("postback_refusals_unrecorded");
    }

    private double sum(String metric) {
        return registry.scrape().stream()
                .filter(snapshot -> snapshot.getMetadata().getName().equals(metric))
                .flatMap(snapshot -> snapshot.getDataPoints().stream())
                .mapToDouble(EdgeMetrics::value)
                .sum();
    }

    private static double value(DataPointSnapshot point) {
        if (point instanceof GaugeDataPointSnapshot gauge) {
            return gauge.getValue();
        }
        return ((CounterDataPointSnapshot) point).getValue();
    }
}
