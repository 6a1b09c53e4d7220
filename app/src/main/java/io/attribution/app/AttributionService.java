package io.attribution.app;

import io.attribution.schemas.RecordSerdes;
import io.attribution.topology.AttributionSettings;
import io.attribution.topology.AttributionTopology;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeoutException;

/** Runs the attribution topology: starts it, waits until it processes, closes it cleanly. */
public final class AttributionService implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AttributionService.class);

    private final KafkaStreams streams;

    private AttributionService(KafkaStreams streams) {
        this.streams = streams;
    }

    public static AttributionService start(RecordSerdes serdes, Properties streamsProperties,
                                           AttributionSettings settings, Duration readyTimeout)
            throws TimeoutException, InterruptedException {
        KafkaStreams streams = new KafkaStreams(AttributionTopology.build(serdes, streamsProperties, settings),
                streamsProperties);
        // Processing and deserialization errors go to the dead-letter topic; what still escapes is
        // a bug or a broken cluster: stop this instance and let the operator (or orchestrator) see it.
        streams.setUncaughtExceptionHandler(error -> {
            LOG.error("Attribution topology stopped on an unexpected error", error);
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
        streams.start();
        AttributionService service = new AttributionService(streams);
        service.awaitRunning(readyTimeout);
        return service;
    }

    private void awaitRunning(Duration timeout) throws TimeoutException, InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        while (streams.state() != KafkaStreams.State.RUNNING) {
            if (!streams.state().isRunningOrRebalancing() && streams.state() != KafkaStreams.State.CREATED) {
                throw new IllegalStateException("topology failed to start: " + streams.state());
            }
            if (Instant.now().isAfter(deadline)) {
                throw new TimeoutException("topology not running after " + timeout + ": " + streams.state());
            }
            Thread.sleep(50);
        }
    }

    /** For interactive queries of its stores. */
    public KafkaStreams streams() {
        return streams;
    }

    public KafkaStreams.State state() {
        return streams.state();
    }

    /** Kafka Streams' own metrics as they are now: threads and tasks come and go with rebalances. */
    public Map<MetricName, ? extends Metric> metrics() {
        return streams.metrics();
    }

    /** Commits and leaves the group; state stays on disk for the next start. */
    @Override
    public void close() {
        streams.close(Duration.ofSeconds(30));
    }
}
