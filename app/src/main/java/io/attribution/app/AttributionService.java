package io.attribution.app;

import io.attribution.management.HealthChecks;
import io.attribution.schemas.RecordSerdes;
import io.attribution.topology.AttributionSettings;
import io.attribution.topology.AttributionTopology;
import io.attribution.topology.DeadLetterProducer;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;

/**
 * Runs the attribution topology: starts it, waits until it processes, tells how healthy it is,
 * closes it cleanly.
 */
public final class AttributionService implements AutoCloseable {

    public static final int DEFAULT_MAX_THREAD_REPLACEMENTS = 3;
    /** Replacements older than this no longer count against the limit. */
    static final Duration REPLACEMENT_WINDOW = Duration.ofMinutes(10);

    private final KafkaStreams streams;
    private final TopologyHealth health;
    private final ThreadReplacements replacements;
    private final DeadLetterProducer campaignDeadLetters;

    private AttributionService(KafkaStreams streams, TopologyHealth health, ThreadReplacements replacements,
                               DeadLetterProducer campaignDeadLetters) {
        this.streams = streams;
        this.health = health;
        this.replacements = replacements;
        this.campaignDeadLetters = campaignDeadLetters;
    }

    public static AttributionService start(RecordSerdes serdes, Properties streamsProperties,
                                           AttributionSettings settings, Duration readyTimeout)
            throws TimeoutException, InterruptedException {
        return start(serdes, streamsProperties, settings, readyTimeout, DEFAULT_MAX_THREAD_REPLACEMENTS);
    }

    /**
     * @param maxThreadReplacements stream threads that died of an unhandled error are replaced this
     *                              many times within {@link #REPLACEMENT_WINDOW}; the next such error
     *                              shuts the topology down (ERROR)
     */
    public static AttributionService start(RecordSerdes serdes, Properties streamsProperties,
                                           AttributionSettings settings, Duration readyTimeout,
                                           int maxThreadReplacements)
            throws TimeoutException, InterruptedException {
        DeadLetterProducer campaignDeadLetters = new DeadLetterProducer(streamsProperties);
        KafkaStreams streams = new KafkaStreams(AttributionTopology.build(serdes, streamsProperties, settings,
                campaignDeadLetters), streamsProperties);
        // Processing, deserialization and production errors go to the dead-letter topic; what still
        // escapes gets a fresh thread a few times, then stops this instance for the operator to see.
        ThreadReplacements replacements = new ThreadReplacements(maxThreadReplacements, REPLACEMENT_WINDOW,
                Clock.systemUTC());
        streams.setUncaughtExceptionHandler(replacements);
        TopologyHealth health = new TopologyHealth(new StreamsConfig(streamsProperties)
                .getInt(StreamsConfig.NUM_STREAM_THREADS_CONFIG), replacements);
        health.watch(streams);
        AttributionService service = new AttributionService(streams, health, replacements, campaignDeadLetters);
        streams.start();
        try {
            service.awaitRunning(readyTimeout);
        } catch (TimeoutException | InterruptedException | RuntimeException e) {
            service.close();
            throw e;
        }
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

    /** Liveness: fails when only a restart helps (ERROR, stopped unasked, a stream thread missing). */
    public HealthChecks.Status liveness() {
        return health.liveness();
    }

    /** Readiness: RUNNING, so it processes and its stores answer queries. */
    public HealthChecks.Status readiness() {
        return health.readiness();
    }

    /** Completes with the state when the topology stopped for good without being asked to. */
    public CompletableFuture<KafkaStreams.State> failed() {
        return health.failed();
    }

    /** Stream threads replaced after an unhandled error, since the start. */
    public long threadReplacements() {
        return replacements.total();
    }

    /**
     * Commits and leaves the group, static member or not: a stop asked for hands the partitions
     * over at once (only a crash leaves them to the session timeout). State stays on disk for the
     * next start.
     */
    @Override
    public void close() {
        health.closing();
        streams.close(CloseOptions.timeout(Duration.ofSeconds(30))
                .withGroupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP));
        // After the global thread, its only user: Kafka Streams never closes a global processor.
        campaignDeadLetters.close();
    }
}
