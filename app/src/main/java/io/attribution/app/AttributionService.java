package io.attribution.app;

import io.attribution.management.HealthChecks;
import io.attribution.schemas.RecordSerdes;
import io.attribution.topology.AttributionSettings;
import io.attribution.topology.AttributionTopology;
import io.attribution.topology.DeadLetterProducer;
import io.attribution.topology.StreamsSettings;
import io.attribution.topology.TopologyRole;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.streams.KafkaStreams;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

/**
 * Runs the attribution topology as its role asks: the decisions application, the views
 * application (its own application id, threads and state folder, see
 * {@link StreamsSettings#views}), or both. Starts them, waits until they process, tells how healthy
 * they are, closes them cleanly.
 */
public final class AttributionService implements AutoCloseable {

    public static final int DEFAULT_MAX_THREAD_REPLACEMENTS = 3;
    /** Replacements older than this no longer count against the limit. */
    static final Duration REPLACEMENT_WINDOW = Duration.ofMinutes(10);
    /** The views' stream threads when nothing says otherwise. */
    public static final int DEFAULT_VIEWS_STREAM_THREADS = 1;

    private final TopologyRole role;
    private final StreamsApplication decisions;
    private final StreamsApplication views;
    /** Decisions first: what is started first and reported first. */
    private final List<StreamsApplication> applications;
    private final DeadLetterProducer campaignDeadLetters;

    private AttributionService(TopologyRole role, StreamsApplication decisions, StreamsApplication views,
                               DeadLetterProducer campaignDeadLetters) {
        this.role = role;
        this.decisions = decisions;
        this.views = views;
        List<StreamsApplication> running = new ArrayList<>();
        if (decisions != null) {
            running.add(decisions);
        }
        if (views != null) {
            running.add(views);
        }
        this.applications = List.copyOf(running);
        this.campaignDeadLetters = campaignDeadLetters;
    }

    /** Both applications, the views with {@link #DEFAULT_VIEWS_STREAM_THREADS}. */
    public static AttributionService start(RecordSerdes serdes, Properties streamsProperties,
                                           AttributionSettings settings, Duration readyTimeout)
            throws TimeoutException, InterruptedException {
        return start(serdes, streamsProperties, settings, readyTimeout, DEFAULT_MAX_THREAD_REPLACEMENTS);
    }

    /** Both applications, the views with {@link #DEFAULT_VIEWS_STREAM_THREADS}. */
    public static AttributionService start(RecordSerdes serdes, Properties streamsProperties,
                                           AttributionSettings settings, Duration readyTimeout,
                                           int maxThreadReplacements)
            throws TimeoutException, InterruptedException {
        return start(serdes, TopologyRole.ALL, streamsProperties, DEFAULT_VIEWS_STREAM_THREADS, settings,
                readyTimeout, maxThreadReplacements);
    }

    /**
     * @param streamsProperties     the decisions application's settings ({@link StreamsSettings#of}); the
     *                              views application's are derived from them ({@link StreamsSettings#views})
     * @param viewsStreamThreads    the views application's stream threads
     * @param maxThreadReplacements per application: stream threads that died of an unhandled error
     *                              are replaced this many times within {@link #REPLACEMENT_WINDOW};
     *                              the next such error shuts that application down (ERROR)
     */
    public static AttributionService start(RecordSerdes serdes, TopologyRole role, Properties streamsProperties,
                                           int viewsStreamThreads, AttributionSettings settings,
                                           Duration readyTimeout, int maxThreadReplacements)
            throws TimeoutException, InterruptedException {
        Properties viewsProperties = StreamsSettings.views(streamsProperties, viewsStreamThreads);
        DeadLetterProducer campaignDeadLetters = null;
        StreamsApplication decisions = null;
        StreamsApplication views = null;
        if (role.runsDecisions()) {
            campaignDeadLetters = new DeadLetterProducer(streamsProperties);
            decisions = new StreamsApplication(TopologyRole.DECISIONS.setting(), AttributionTopology.decisions(serdes,
                    streamsProperties, settings, campaignDeadLetters), streamsProperties, maxThreadReplacements);
        }
        if (role.runsViews()) {
            views = new StreamsApplication(TopologyRole.VIEWS.setting(),
                    AttributionTopology.views(serdes, viewsProperties, settings), viewsProperties, maxThreadReplacements);
        }
        AttributionService service = new AttributionService(role, decisions, views, campaignDeadLetters);
        try {
            service.applications.forEach(StreamsApplication::start);
            Instant deadline = Instant.now().plus(readyTimeout);
            for (StreamsApplication application : service.applications) {
                application.awaitRunning(deadline, readyTimeout);
            }
        } catch (TimeoutException | InterruptedException | RuntimeException e) {
            service.close();
            throw e;
        }
        return service;
    }

    public TopologyRole role() {
        return role;
    }

    /** The decisions application, for interactive queries of its stores (clicks, pending postbacks); empty when the role has none. */
    public Optional<KafkaStreams> decisions() {
        return Optional.ofNullable(decisions).map(StreamsApplication::streams);
    }

    /** The views application, for interactive queries of the query views; empty when the role has none. */
    public Optional<KafkaStreams> views() {
        return Optional.ofNullable(views).map(StreamsApplication::streams);
    }

    /**
     * The state of the applications run: the shared state when they agree, else the first one's
     * (decisions first) that is not RUNNING.
     */
    public KafkaStreams.State state() {
        return applications.stream().map(application -> application.streams().state())
                .filter(state -> state != KafkaStreams.State.RUNNING).findFirst().orElse(KafkaStreams.State.RUNNING);
    }

    /** Kafka Streams' own metrics of every application run, as they are now (client ids tell them apart). */
    public Map<MetricName, ? extends Metric> metrics() {
        Map<MetricName, Metric> all = new HashMap<>();
        applications.forEach(application -> all.putAll(application.streams().metrics()));
        return all;
    }

    /** Liveness: fails when either application needs a restart (ERROR, stopped unasked, a stream thread missing). */
    public HealthChecks.Status liveness() {
        return combined(applications.stream().map(StreamsApplication::liveness).toList());
    }

    /** Readiness: every application RUNNING, so it processes and its stores answer queries. */
    public HealthChecks.Status readiness() {
        return combined(applications.stream().map(StreamsApplication::readiness).toList());
    }

    /**
     * One status for all applications: up when all are, in one word when they agree (e.g.
     * {@code RUNNING}), else each named, those down first (e.g. {@code ERROR (...) in decisions;
     * RUNNING in views}).
     */
    private HealthChecks.Status combined(List<HealthChecks.Status> statuses) {
        boolean up = statuses.stream().allMatch(HealthChecks.Status::up);
        if (statuses.stream().map(HealthChecks.Status::state).distinct().count() == 1) {
            return new HealthChecks.Status(up, statuses.get(0).state());
        }
        List<String> parts = new ArrayList<>();
        for (boolean down : new boolean[] {true, false}) {
            for (int i = 0; i < statuses.size(); i++) {
                if (statuses.get(i).up() != down) {
                    parts.add(statuses.get(i).state() + " in " + applications.get(i).name());
                }
            }
        }
        return new HealthChecks.Status(up, String.join("; ", parts));
    }

    /** Completes with the state when either application stopped for good without being asked to. */
    public CompletableFuture<KafkaStreams.State> failed() {
        return CompletableFuture.anyOf(applications.stream().map(application -> application.health().failed())
                .toArray(CompletableFuture[]::new)).thenApply(KafkaStreams.State.class::cast);
    }

    /** Stream threads replaced after an unhandled error, since the start, in every application. */
    public long threadReplacements() {
        return applications.stream().mapToLong(StreamsApplication::threadReplacements).sum();
    }

    /**
     * Closes every application (each commits and leaves its group, see {@link StreamsApplication#close});
     * state stays on disk for the next start.
     */
    @Override
    public void close() {
        // The views first: they only follow what the decisions commit.
        for (int i = applications.size() - 1; i >= 0; i--) {
            applications.get(i).close();
        }
        if (campaignDeadLetters != null) {
            // After the global thread, its only user: Kafka Streams never closes a global processor.
            campaignDeadLetters.close();
        }
    }

    @Override
    public String toString() {
        return "AttributionService{role=" + role.setting() + ", applications="
                + applications.stream().map(StreamsApplication::name).collect(Collectors.joining(",")) + "}";
    }
}
