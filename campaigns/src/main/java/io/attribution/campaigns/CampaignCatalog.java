package io.attribution.campaigns;

import io.attribution.avro.Campaign;
import io.attribution.schemas.KafkaClientSettings;
import io.attribution.schemas.RecordSerdes;
import io.attribution.schemas.Topics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A local copy of the compacted {@code campaigns} topic: read from the beginning on start, then
 * followed. Campaigns are few (thousands), so every process that needs them on its request path
 * (the ingest edge, the admin API) keeps them all in memory.
 *
 * <p>It fails closed. A record it cannot read or that breaks a rule is skipped (counted, logged
 * with its partition and offset) and the last good version of that campaign stays in force; a
 * registry that does not answer is waited for, at the same record. Whoever relies on the copy asks
 * {@link #health()} first: anything but {@link State#CURRENT} (still loading, stuck for longer than
 * the allowed staleness, or the follower gone) means the copy may miss a campaign's protections,
 * and the caller must refuse rather than act without them.
 */
public final class CampaignCatalog implements AutoCloseable {

    /** How far the copy can be trusted. */
    public enum State {
        /** Still reading what the topic held at the start. */
        STARTING,
        /** Following the topic. */
        CURRENT,
        /** Stuck (the registry does not answer, a call hangs) for longer than the allowed staleness. */
        STALE,
        /** The follower ended: the copy will never change again. */
        STOPPED
    }

    /**
     * @param lagRecords records on the topic not read yet, as of the last poll
     * @param problem    what holds it back, or null when current
     */
    public record Health(State state, long lagRecords, Optional<Instant> stuckSince, String problem) {

        public boolean isCurrent() {
            return state == State.CURRENT;
        }
    }

    public static final Duration DEFAULT_MAX_STALENESS = Duration.ofSeconds(15);

    private static final Logger LOG = LoggerFactory.getLogger(CampaignCatalog.class);
    private static final Duration TOPIC_RETRY = Duration.ofSeconds(1);
    private static final Duration FIRST_RETRY = Duration.ofSeconds(1);
    private static final Duration LONGEST_RETRY = Duration.ofSeconds(10);
    private static final Duration POLL = Duration.ofMillis(500);

    private final String name;
    private final Duration maxStaleness;
    private final Clock clock;
    /** Each campaign with its protections prepared once per version, for the edge's request path. */
    private final Map<String, CampaignProtections> campaigns = new ConcurrentHashMap<>();
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final CampaignRecords records;
    private final CountDownLatch caughtUp = new CountDownLatch(1);
    private final CountDownLatch closing = new CountDownLatch(1);
    /** The next offset to read of each partition: what was written before it is in {@link #campaigns}. */
    private final Map<TopicPartition, Long> positions = new ConcurrentHashMap<>();
    private final Map<CampaignRecords.Problem, AtomicLong> skipped = new EnumMap<>(CampaignRecords.Problem.class);
    private final Thread follower;

    private volatile Instant lastRoundAt;
    private volatile Instant stuckSince;
    private volatile String stuckOn;
    private volatile long lag;
    private volatile Throwable stoppedBy;
    private volatile boolean stopped;
    /** Records of the start range read as campaigns, and skipped: a start range of only bad records is no copy. */
    private long startReadable;
    private long startSkipped;
    private volatile boolean nothingReadable;

    private CampaignCatalog(KafkaClientSettings cluster, RecordSerdes serdes, String name, Duration maxStaleness,
                            Clock clock) {
        this.name = name;
        this.maxStaleness = maxStaleness;
        this.clock = clock;
        this.lastRoundAt = clock.instant();
        for (CampaignRecords.Problem problem : CampaignRecords.Problem.values()) {
            skipped.put(problem, new AtomicLong());
        }
        this.consumer = new KafkaConsumer<>(cluster.consumer(name, Map.of()),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.records = new CampaignRecords(serdes.valueDeserializer(Topics.CAMPAIGNS));
        this.follower = new Thread(this::follow, name);
        follower.setDaemon(true);
    }

    /** Starts following the topic, stale after {@link #DEFAULT_MAX_STALENESS}. */
    public static CampaignCatalog start(String bootstrapServers, RecordSerdes serdes) {
        return start(bootstrapServers, serdes, "campaign-catalog", DEFAULT_MAX_STALENESS);
    }

    /**
     * Starts following the topic; {@link #awaitCaughtUp} tells when the start state is complete.
     *
     * @param name         the consumer's client id and the follower thread's name, e.g. {@code ingest-campaign-catalog}
     * @param maxStaleness how long the follower may be stuck before the copy is {@link State#STALE}
     */
    public static CampaignCatalog start(String bootstrapServers, RecordSerdes serdes, String name, Duration maxStaleness) {
        return start(KafkaClientSettings.plaintext(bootstrapServers), serdes, name, maxStaleness);
    }

    /** As {@link #start(String, RecordSerdes, String, Duration)}, on a cluster with the operator's client settings. */
    public static CampaignCatalog start(KafkaClientSettings cluster, RecordSerdes serdes, String name,
                                        Duration maxStaleness) {
        CampaignCatalog catalog = new CampaignCatalog(cluster, serdes, name, maxStaleness, Clock.systemUTC());
        catalog.follower.start();
        return catalog;
    }

    public Optional<Campaign> get(String campaignId) {
        return protections(campaignId).map(CampaignProtections::campaign);
    }

    /** The campaign with its allow-list parsed and its token digested, as they were when it was read. */
    public Optional<CampaignProtections> protections(String campaignId) {
        return Optional.ofNullable(campaigns.get(campaignId));
    }

    public Collection<Campaign> all() {
        return campaigns.values().stream().map(CampaignProtections::campaign).toList();
    }

    public String name() {
        return name;
    }

    /** How far the copy can be trusted now; see {@link State}. */
    public Health health() {
        Instant now = clock.instant();
        if (stopped) {
            Throwable cause = stoppedBy;
            return new Health(State.STOPPED, lag, Optional.empty(),
                    "the follower stopped" + (cause == null ? "" : ": " + cause));
        }
        Instant since = stuckSince;
        if (since != null && Duration.between(since, now).compareTo(maxStaleness) > 0) {
            return new Health(State.STALE, lag, Optional.of(since), stuckOn);
        }
        Instant lastRound = lastRoundAt;
        if (Duration.between(lastRound, now).compareTo(maxStaleness) > 0) {
            return new Health(State.STALE, lag, Optional.of(lastRound),
                    "no poll of " + Topics.CAMPAIGNS.name() + " finished since " + lastRound);
        }
        if (caughtUp.getCount() > 0) {
            return new Health(State.STARTING, lag, Optional.empty(), "reading the campaigns written before the start");
        }
        if (nothingReadable) {
            return new Health(State.STALE, lag, Optional.empty(),
                    "every campaign record of the topic is unreadable (a registry that lost its schemas?)");
        }
        return new Health(State.CURRENT, lag, Optional.empty(), null);
    }

    /** Records skipped so far, by why. */
    public long skipped(CampaignRecords.Problem problem) {
        return skipped.get(problem).get();
    }

    /** True once every campaign written before the start has been read. */
    public boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
        return caughtUp.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Waits until the record written at {@code offset} of {@code partition} has been read (or
     * skipped), so a campaign just written is the one {@link #get} returns.
     *
     * @return false if it was not read within {@code timeout}
     */
    public boolean awaitRead(TopicPartition partition, long offset, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (positions) {
            while (positions.getOrDefault(partition, 0L) <= offset) {
                long waitMillis = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (waitMillis <= 0) {
                    return false;
                }
                positions.wait(waitMillis);
            }
        }
        return true;
    }

    private void follow() {
        try {
            List<TopicPartition> partitions = awaitTopic();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> startEnd = consumer.endOffsets(partitions);
            Duration retry = FIRST_RETRY;
            while (closing.getCount() > 0) {
                boolean stuck = apply(consumer.poll(POLL), partitions);
                synchronized (positions) {
                    partitions.forEach(p -> positions.put(p, consumer.position(p)));
                    positions.notifyAll();
                }
                lag = partitions.stream().map(consumer::currentLag).filter(OptionalLong::isPresent)
                        .mapToLong(OptionalLong::getAsLong).sum();
                if (caughtUp.getCount() > 0 && partitions.stream().allMatch(p -> positions.get(p) >= startEnd.get(p))) {
                    nothingReadable = startReadable == 0 && startSkipped > 0;
                    if (nothingReadable) {
                        LOG.error("Campaign catalog {}: none of the {} records of {} could be read; refusing to"
                                + " act on an empty copy until one can", name, startSkipped, Topics.CAMPAIGNS.name());
                    }
                    caughtUp.countDown();
                }
                lastRoundAt = clock.instant();
                if (stuck) {
                    closing.await(retry.toMillis(), TimeUnit.MILLISECONDS);
                    retry = retry.multipliedBy(2).compareTo(LONGEST_RETRY) > 0 ? LONGEST_RETRY : retry.multipliedBy(2);
                } else {
                    retry = FIRST_RETRY;
                }
            }
        } catch (WakeupException | InterruptedException | InterruptException closed) {
            // close() was called
        } catch (Throwable e) {
            stoppedBy = e;
            LOG.error("Campaign catalog {} stopped following {}: it fails closed from now on", name,
                    Topics.CAMPAIGNS.name(), e);
        } finally {
            stopped = true;
            consumer.close(Duration.ofSeconds(2));
        }
    }

    /**
     * Takes in what was polled, partition by partition, in order.
     *
     * @return true when a partition waits for the registry (the consumer is back at that record)
     */
    private boolean apply(ConsumerRecords<byte[], byte[]> polled, List<TopicPartition> partitions) {
        boolean stuck = false;
        for (TopicPartition partition : polled.partitions()) {
            for (ConsumerRecord<byte[], byte[]> record : polled.records(partition)) {
                CampaignRecords.Decoded decoded = records.decode(record.topic(), record.headers(), record.key(),
                        record.value());
                if (decoded instanceof CampaignRecords.RegistryUnreachable unreachable) {
                    consumer.seek(partition, record.offset());
                    if (stuckSince == null) {
                        stuckSince = clock.instant();
                        LOG.warn("Campaign catalog {}: cannot read {}-{}@{} while the registry does not answer ({});"
                                        + " retrying", name, record.topic(), record.partition(), record.offset(),
                                unreachable.failure().toString());
                    }
                    stuckOn = "waiting for the registry to read " + record.topic() + "-" + record.partition() + "@"
                            + record.offset() + ": " + unreachable.failure();
                    stuck = true;
                    break;
                }
                take(record, decoded);
            }
        }
        if (!stuck && stuckSince != null) {
            LOG.info("Campaign catalog {}: the registry answers again", name);
            stuckSince = null;
            stuckOn = null;
        }
        return stuck;
    }

    private void take(ConsumerRecord<byte[], byte[]> record, CampaignRecords.Decoded decoded) {
        boolean starting = caughtUp.getCount() > 0;
        if (decoded instanceof CampaignRecords.Readable readable) {
            campaigns.put(readable.campaignId(), CampaignProtections.of(readable.campaign()));
            nothingReadable = false;
            if (starting) {
                startReadable++;
            }
        } else if (decoded instanceof CampaignRecords.Removed removed) {
            campaigns.remove(removed.campaignId());
        } else if (decoded instanceof CampaignRecords.Unreadable unreadable) {
            skipped.get(unreadable.problem()).incrementAndGet();
            if (starting) {
                startSkipped++;
            }
            LOG.warn("Campaign catalog {}: skipping unreadable campaign record {}-{}@{} (key {}): {}: {}; the last"
                            + " good version stays in force", name, record.topic(), record.partition(), record.offset(),
                    unreadable.campaignId().orElse("unreadable"), unreadable.problem(), unreadable.detail());
        }
    }

    /** The topic's partitions, once it exists; until then there is nothing to catch up on. */
    private List<TopicPartition> awaitTopic() throws InterruptedException {
        while (true) {
            List<TopicPartition> partitions;
            try {
                partitions = consumer.partitionsFor(Topics.CAMPAIGNS.name(), Duration.ofSeconds(30))
                        .stream().map(PartitionInfo::partition)
                        .map(partition -> new TopicPartition(Topics.CAMPAIGNS.name(), partition)).toList();
            } catch (TimeoutException brokerSlow) {
                LOG.warn("Campaign catalog {}: no metadata for {} yet ({}); retrying", name, Topics.CAMPAIGNS.name(),
                        brokerSlow.getMessage());
                partitions = null;
            }
            lastRoundAt = clock.instant();
            if (partitions != null && !partitions.isEmpty()) {
                return partitions;
            }
            if (partitions != null) {
                caughtUp.countDown();
            }
            if (closing.await(TOPIC_RETRY.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new WakeupException();
            }
        }
    }

    @Override
    public void close() {
        // Not an interrupt: the follower closes its consumer itself, which an interrupted thread cannot do cleanly.
        closing.countDown();
        consumer.wakeup();
        try {
            follower.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
