package io.attribution.query.routing;

import io.attribution.query.protocol.InstanceReply;
import io.attribution.query.protocol.QueryProtocol;
import io.attribution.query.protocol.RemotePartitions;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutionException;

/**
 * Answers a {@link Question} for the whole application from any one instance (one router per
 * instance). Each target partition is asked of its active host, one request per host, this
 * instance's own partitions without HTTP; partitions still unanswered (host down, task not active
 * during a rebalance, no owner) go to a standby host when the question allows stale answers; the
 * rest are reported missing, never guessed.
 */
public final class QueryRouter {

    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(1);
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(3);
    /**
     * Under {@code exactly_once_v2} a changelog ends with a transaction marker after the last
     * record, which a standby never applies: a caught-up standby reports lag 1. (Under
     * at-least-once the same bound lets a standby answer one update behind, marked stale.)
     */
    public static final long DEFAULT_MAX_STANDBY_LAG = 1;

    private static final Logger LOG = LoggerFactory.getLogger(QueryRouter.class);
    /** Every topic of the pipeline is keyed by a String; Kafka Streams partitions by its bytes. */
    private static final Serializer<String> KEYS = Serdes.String().serializer();

    private final StoreApplications applications;
    private final HostInfo self;
    private final String selfName;
    private final RemotePartitions remote;
    private final LocalPartitions local;
    private final ConcurrentMap<String, Integer> partitionCounts = new ConcurrentHashMap<>();

    /**
     * A router with the default timeouts and standby lag bound.
     *
     * @param self this instance's {@code application.server}: how the other instances reach it,
     *             and how this router recognises its own partitions in the metadata
     */
    public QueryRouter(KafkaStreams streams, HostInfo self) {
        this(builder(streams, self));
    }

    /**
     * A router over several Kafka Streams applications of this instance, each store routed with the
     * metadata of the application holding it, with the default timeouts and standby lag bound.
     */
    public QueryRouter(StoreApplications applications, HostInfo self) {
        this(builder(applications, self));
    }

    private QueryRouter(Builder builder) {
        this.applications = builder.applications;
        this.self = builder.self;
        this.selfName = QueryProtocol.name(self);
        this.remote = new RemotePartitions(builder.connectTimeout, builder.requestTimeout, builder.peerAuthorization);
        this.local = new LocalPartitions(applications, builder.maxStandbyLag);
    }

    /** @see #QueryRouter(KafkaStreams, HostInfo) */
    public static Builder builder(KafkaStreams streams, HostInfo self) {
        return new Builder(StoreApplications.single(streams), self);
    }

    /** @see #QueryRouter(StoreApplications, HostInfo) */
    public static Builder builder(StoreApplications applications, HostInfo self) {
        return new Builder(applications, self);
    }

    public HostInfo self() {
        return self;
    }

    /** Asks every target partition of {@code question} wherever it lives. Never throws for an unavailable partition. */
    public RoutedAnswer ask(Question question) {
        KafkaStreams streams = applications.holding(question.store()).orElse(null);
        if (streams == null) {
            return RoutedAnswer.notHeld(applications.whyNotHeld(question.store()));
        }
        KafkaStreams.State state = streams.state();
        if (!state.isRunningOrRebalancing()) {
            return RoutedAnswer.unresolved("Kafka Streams is " + state + " on " + selfName);
        }
        Ownership owners;
        Set<Integer> targets;
        try {
            owners = Ownership.of(streams.metadataForAllStreamsClients(), question.sourceTopic(),
                    partitionCounts.getOrDefault(question.sourceTopic(), 0));
            if (owners.partitionCount() > 0) {
                partitionCounts.merge(question.sourceTopic(), owners.partitionCount(), Math::max);
            }
            targets = targets(streams, question, owners);
        } catch (IllegalStateException e) {
            // Stopped between the state check and the metadata call.
            return RoutedAnswer.unresolved("Kafka Streams is " + streams.state() + " on " + selfName);
        }
        if (targets.isEmpty()) {
            return RoutedAnswer.unresolved("no assignment known yet for topic " + question.sourceTopic()
                    + (question.key().isPresent() ? " and key " + question.key().get() : ""));
        }

        ReplyTally answer = new ReplyTally(targets);
        Map<HostInfo, Set<Integer>> plan = new LinkedHashMap<>();
        for (int partition : targets) {
            owners.active(partition).ifPresentOrElse(
                    host -> plan.computeIfAbsent(host, h -> new TreeSet<>()).add(partition),
                    () -> answer.unavailable(partition, "NO_ACTIVE_HOST"));
        }
        gather(question, plan, true, answer);

        if (question.allowStale()) {
            // Each pass asks every missing partition's next untried standby, so this ends.
            for (Map<HostInfo, Set<Integer>> standbys = standbyPlan(owners, answer); !standbys.isEmpty();
                 standbys = standbyPlan(owners, answer)) {
                gather(question, standbys, false, answer);
            }
        }
        RoutedAnswer result = answer.build();
        if (!result.complete() || result.stale()) {
            LOG.debug("{} answered as {}", question, result);
        }
        return result;
    }

    /**
     * Answers {@code partitions} of {@code question} from this instance's stores only: what a
     * local-scope request gets, and this instance's share of {@link #ask}.
     *
     * @param activeOnly false: a standby copy may answer, if at most {@link Builder#maxStandbyLag}
     *                   changelog records behind
     */
    public InstanceReply answerLocally(Question question, Set<Integer> partitions, boolean activeOnly) {
        return local.answer(question, partitions, activeOnly);
    }

    /** All partitions, or the key's one; empty when not known yet. */
    private static Set<Integer> targets(KafkaStreams streams, Question question, Ownership owners) {
        if (question.key().isEmpty()) {
            Set<Integer> all = new TreeSet<>();
            for (int partition = 0; partition < owners.partitionCount(); partition++) {
                all.add(partition);
            }
            return all;
        }
        KeyQueryMetadata metadata = streams.queryMetadataForKey(question.store(), question.key().get(), KEYS);
        if (metadata == null || metadata.partition() < 0) {
            return Set.of(); // KeyQueryMetadata.NOT_AVAILABLE before the first assignment
        }
        return Set.of(metadata.partition());
    }

    /** For each missing partition, its first standby not yet asked and not failed; this instance first. */
    private Map<HostInfo, Set<Integer>> standbyPlan(Ownership owners, ReplyTally answer) {
        Map<HostInfo, Set<Integer>> plan = new LinkedHashMap<>();
        for (int partition : answer.missing()) {
            List<HostInfo> candidates = new ArrayList<>(owners.standbys(partition));
            candidates.sort(Comparator.comparing(host -> !host.equals(self)));
            for (HostInfo host : candidates) {
                String name = QueryProtocol.name(host);
                if (!answer.failed(name) && !answer.asked(partition, name)) {
                    plan.computeIfAbsent(host, h -> new TreeSet<>()).add(partition);
                    break;
                }
            }
        }
        return plan;
    }

    /** One request per remote host, all in flight together while this instance answers its own share. */
    private void gather(Question question, Map<HostInfo, Set<Integer>> plan, boolean activeOnly,
                        ReplyTally answer) {
        Map<HostInfo, CompletableFuture<InstanceReply>> inFlight = new LinkedHashMap<>();
        Set<Integer> ownShare = null;
        for (Map.Entry<HostInfo, Set<Integer>> entry : plan.entrySet()) {
            HostInfo host = entry.getKey();
            answer.asking(QueryProtocol.name(host), entry.getValue());
            if (host.equals(self)) {
                ownShare = entry.getValue();
            } else if (question.pathAndQuery().isEmpty()) {
                for (int partition : entry.getValue()) {
                    answer.unavailable(partition, "NOT_FORWARDABLE to " + QueryProtocol.name(host));
                }
            } else {
                inFlight.put(host, remote.fetch(host, question.pathAndQuery().get(), entry.getValue(), activeOnly));
            }
        }
        if (ownShare != null) {
            answer.answered(selfName, local.answer(question, ownShare, activeOnly), ownShare, !activeOnly);
        }
        for (Map.Entry<HostInfo, CompletableFuture<InstanceReply>> entry : inFlight.entrySet()) {
            String host = QueryProtocol.name(entry.getKey());
            Set<Integer> partitions = plan.get(entry.getKey());
            try {
                answer.answered(host, entry.getValue().join(), partitions, !activeOnly);
            } catch (CompletionException | CancellationException e) {
                String error = describe(e);
                LOG.debug("{} failed for partitions {}: {}", host, partitions, error);
                answer.hostFailed(host, error, partitions);
            }
        }
    }

    private static String describe(Throwable failure) {
        Throwable cause = failure;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        String message = cause.getMessage();
        return cause.getClass().getSimpleName() + (message == null || message.isBlank() ? "" : ": " + message);
    }

    public static final class Builder {
        private final StoreApplications applications;
        private final HostInfo self;
        private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
        private Duration requestTimeout = DEFAULT_REQUEST_TIMEOUT;
        private long maxStandbyLag = DEFAULT_MAX_STANDBY_LAG;
        private Optional<String> peerAuthorization = Optional.empty();

        private Builder(StoreApplications applications, HostInfo self) {
            this.applications = Objects.requireNonNull(applications, "applications");
            this.self = Objects.requireNonNull(self, "self");
        }

        /** Default {@link #DEFAULT_CONNECT_TIMEOUT}: a dead instance refuses or times out fast. */
        public Builder connectTimeout(Duration connectTimeout) {
            this.connectTimeout = positive(connectTimeout, "connectTimeout");
            return this;
        }

        /** The whole wait for another instance's answer; default {@link #DEFAULT_REQUEST_TIMEOUT}. */
        public Builder requestTimeout(Duration requestTimeout) {
            this.requestTimeout = positive(requestTimeout, "requestTimeout");
            return this;
        }

        /**
         * How many changelog records a non-active copy may be behind and still answer (marked
         * stale); default {@link #DEFAULT_MAX_STANDBY_LAG}. More answers from standbys during
         * failures, each further from the truth.
         */
        public Builder maxStandbyLag(long maxStandbyLag) {
            if (maxStandbyLag < 0) {
                throw new IllegalArgumentException("maxStandbyLag must not be negative, was " + maxStandbyLag);
            }
            this.maxStandbyLag = maxStandbyLag;
            return this;
        }

        /**
         * The {@code Authorization} header the other instances take from this one
         * ({@code io.attribution.query.access.QueryAccess#peerAuthorization}); default none.
         */
        public Builder peerAuthorization(Optional<String> peerAuthorization) {
            this.peerAuthorization = Objects.requireNonNull(peerAuthorization, "peerAuthorization");
            return this;
        }

        public QueryRouter build() {
            return new QueryRouter(this);
        }

        private static Duration positive(Duration duration, String name) {
            if (duration == null || duration.isNegative() || duration.isZero()) {
                throw new IllegalArgumentException(name + " must be positive, was " + duration);
            }
            return duration;
        }
    }
}
