package io.attribution.app;

import io.attribution.management.HealthChecks;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Properties;
import java.util.concurrent.TimeoutException;

/**
 * One of the topology's Kafka Streams applications (the decisions or the views) with its own
 * health and thread replacements: each has stream threads of its own, so each can lose them.
 */
final class StreamsApplication {

    private final String name;
    private final KafkaStreams streams;
    private final TopologyHealth health;
    private final ThreadReplacements replacements;

    /**
     * @param name                  {@code decisions} or {@code views}: how health and logs name it
     * @param maxThreadReplacements stream threads that died of an unhandled error are replaced this
     *                              many times within {@link AttributionService#REPLACEMENT_WINDOW};
     *                              the next such error shuts the application down (ERROR)
     */
    StreamsApplication(String name, Topology topology, Properties properties, int maxThreadReplacements) {
        this.name = name;
        this.streams = new KafkaStreams(topology, properties);
        // Processing, deserialization and production errors go to the dead-letter topic; what still
        // escapes gets a fresh thread a few times, then stops this application for the operator to see.
        this.replacements = new ThreadReplacements(maxThreadReplacements, AttributionService.REPLACEMENT_WINDOW,
                Clock.systemUTC());
        streams.setUncaughtExceptionHandler(replacements);
        this.health = new TopologyHealth(name, new StreamsConfig(properties)
                .getInt(StreamsConfig.NUM_STREAM_THREADS_CONFIG), replacements);
        health.watch(streams);
    }

    String name() {
        return name;
    }

    KafkaStreams streams() {
        return streams;
    }

    TopologyHealth health() {
        return health;
    }

    long threadReplacements() {
        return replacements.total();
    }

    void start() {
        streams.start();
    }

    void awaitRunning(Instant deadline, Duration timeout) throws TimeoutException, InterruptedException {
        while (streams.state() != KafkaStreams.State.RUNNING) {
            if (!streams.state().isRunningOrRebalancing() && streams.state() != KafkaStreams.State.CREATED) {
                throw new IllegalStateException("topology (" + name + ") failed to start: " + streams.state());
            }
            if (Instant.now().isAfter(deadline)) {
                throw new TimeoutException("topology (" + name + ") not running after " + timeout + ": "
                        + streams.state());
            }
            Thread.sleep(50);
        }
    }

    /**
     * Commits and leaves the group, static member or not: a stop asked for hands the partitions
     * over at once (only a crash leaves them to the session timeout). State stays on disk.
     */
    void close() {
        health.closing();
        streams.close(CloseOptions.timeout(Duration.ofSeconds(30))
                .withGroupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP));
    }

    HealthChecks.Status liveness() {
        return health.liveness();
    }

    HealthChecks.Status readiness() {
        return health.readiness();
    }
}
