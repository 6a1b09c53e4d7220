package io.attribution.app;

import io.attribution.management.HealthChecks;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.ThreadMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * What the state of one of the topology's applications means for health. Liveness fails when only a restart can help: Kafka
 * Streams in ERROR (every thread gone, or the global thread), stopped when nobody asked it to, or
 * fewer stream threads alive than configured. Readiness holds only while it is RUNNING: it
 * processes, and its stores answer queries (while restoring or rebalancing they may not).
 */
final class TopologyHealth implements KafkaStreams.StateListener {

    private static final Logger LOG = LoggerFactory.getLogger(TopologyHealth.class);
    private static final Set<String> GONE = Set.of("DEAD", "PENDING_SHUTDOWN");

    private final String application;
    private final int configuredThreads;
    private final ThreadReplacements replacements;
    private final CompletableFuture<KafkaStreams.State> failed = new CompletableFuture<>();
    private volatile KafkaStreams streams;
    private volatile KafkaStreams.State state = KafkaStreams.State.CREATED;
    private volatile boolean closing;

    /** @param application which of the topology's applications: {@code decisions} or {@code views} */
    TopologyHealth(String application, int configuredThreads, ThreadReplacements replacements) {
        this.application = application;
        this.configuredThreads = configuredThreads;
        this.replacements = replacements;
    }

    void watch(KafkaStreams streams) {
        this.streams = streams;
        streams.setStateListener(this);
    }

    @Override
    public void onChange(KafkaStreams.State newState, KafkaStreams.State oldState) {
        state = newState;
        LOG.info("Attribution topology ({}) {} -> {}", application, oldState, newState);
        // PENDING_ERROR already means for good: the shutdown that follows can hang on a transaction
        // the coordinator cannot end (seen when the input topics were deleted under it), and the
        // process must exit for its orchestrator to restart it all the same.
        if (newState == KafkaStreams.State.PENDING_ERROR || newState == KafkaStreams.State.ERROR
                || newState == KafkaStreams.State.NOT_RUNNING && !closing) {
            failed.complete(newState);
        }
    }

    /**
     * Completes when the topology stops for good without being asked to: PENDING_ERROR (on its way
     * to ERROR), ERROR, or NOT_RUNNING.
     */
    CompletableFuture<KafkaStreams.State> failed() {
        return failed;
    }

    /** The stop that follows is deliberate: not a failure. */
    void closing() {
        closing = true;
    }

    HealthChecks.Status liveness() {
        KafkaStreams.State now = state;
        if (now == KafkaStreams.State.ERROR || now == KafkaStreams.State.PENDING_ERROR) {
            return HealthChecks.Status.down(now + lastError());
        }
        if (!closing && (now == KafkaStreams.State.NOT_RUNNING || now == KafkaStreams.State.PENDING_SHUTDOWN)) {
            return HealthChecks.Status.down(now.name());
        }
        long alive = aliveThreads();
        if (now.isRunningOrRebalancing() && alive < configuredThreads) {
            return HealthChecks.Status.down(now + ", " + alive + " of " + configuredThreads + " stream threads alive"
                    + lastError());
        }
        return HealthChecks.Status.up(now.name());
    }

    HealthChecks.Status readiness() {
        KafkaStreams.State now = state;
        return now == KafkaStreams.State.RUNNING ? HealthChecks.Status.up(now.name()) : HealthChecks.Status.down(now.name());
    }

    private long aliveThreads() {
        KafkaStreams watched = streams;
        if (watched == null) {
            return configuredThreads;
        }
        try {
            return watched.metadataForLocalThreads().stream().map(ThreadMetadata::threadState)
                    .filter(threadState -> !GONE.contains(threadState)).count();
        } catch (IllegalStateException notRunning) {
            return 0;
        }
    }

    private String lastError() {
        String error = replacements.lastError();
        return error == null ? "" : " (last thread error " + error + ")";
    }
}
