package io.attribution.campaigns;

import io.attribution.avro.Campaign;
import io.attribution.schemas.RecordSerdes;
import io.attribution.schemas.Topics;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A local, always-current copy of the compacted {@code campaigns} topic: read from the beginning
 * on start, then followed. Campaigns are few (thousands), so every process that needs them on its
 * request path (the ingest edge, the admin API) keeps them all in memory.
 */
public final class CampaignCatalog implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CampaignCatalog.class);
    private static final Duration TOPIC_RETRY = Duration.ofSeconds(1);

    private final Map<String, Campaign> campaigns = new ConcurrentHashMap<>();
    private final KafkaConsumer<String, Campaign> consumer;
    private final CountDownLatch caughtUp = new CountDownLatch(1);
    private final CountDownLatch closing = new CountDownLatch(1);
    /** The next offset to read of each partition: what was written before it is in {@link #campaigns}. */
    private final Map<TopicPartition, Long> positions = new ConcurrentHashMap<>();
    private final Thread follower;

    private CampaignCatalog(String bootstrapServers, RecordSerdes serdes) {
        this.consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.CLIENT_ID_CONFIG, "campaign-catalog",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false),
                new StringDeserializer(), serdes.valueDeserializer(Topics.CAMPAIGNS));
        this.follower = new Thread(this::follow, "campaign-catalog");
        follower.setDaemon(true);
    }

    /** Starts following the topic; {@link #awaitCaughtUp} tells when the start state is complete. */
    public static CampaignCatalog start(String bootstrapServers, RecordSerdes serdes) {
        CampaignCatalog catalog = new CampaignCatalog(bootstrapServers, serdes);
        catalog.follower.start();
        return catalog;
    }

    public Optional<Campaign> get(String campaignId) {
        return Optional.ofNullable(campaigns.get(campaignId));
    }

    public Collection<Campaign> all() {
        return List.copyOf(campaigns.values());
    }

    /** True once every campaign written before the start has been read. */
    public boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
        return caughtUp.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Waits until the record written at {@code offset} of {@code partition} has been read, so a
     * campaign just written is the one {@link #get} returns.
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
            while (closing.getCount() > 0) {
                try {
                    for (ConsumerRecord<String, Campaign> record : consumer.poll(Duration.ofMillis(500))) {
                        if (record.value() == null) {
                            campaigns.remove(record.key());
                        } else {
                            campaigns.put(record.key(), record.value());
                        }
                    }
                } catch (RecordDeserializationException e) {
                    // Most likely the registry is unreachable: the consumer stays on that record and
                    // reads it again after a pause. A campaign is never skipped.
                    LOG.warn("Cannot read campaign at {} offset {} ({}); retrying", e.topicPartition(), e.offset(),
                            e.getCause() == null ? e.getMessage() : e.getCause().getMessage());
                    closing.await(TOPIC_RETRY.toMillis(), TimeUnit.MILLISECONDS);
                    continue;
                }
                synchronized (positions) {
                    partitions.forEach(p -> positions.put(p, consumer.position(p)));
                    positions.notifyAll();
                }
                if (caughtUp.getCount() > 0 && partitions.stream().allMatch(p -> positions.get(p) >= startEnd.get(p))) {
                    caughtUp.countDown();
                }
            }
        } catch (WakeupException | InterruptedException | InterruptException stopped) {
            // close() was called
        } catch (RuntimeException e) {
            LOG.error("Campaign catalog stopped following {}", Topics.CAMPAIGNS.name(), e);
        } finally {
            consumer.close(Duration.ofSeconds(2));
        }
    }

    /** The topic's partitions, once it exists; until then there is nothing to catch up on. */
    private List<TopicPartition> awaitTopic() throws InterruptedException {
        while (true) {
            List<TopicPartition> partitions = consumer.partitionsFor(Topics.CAMPAIGNS.name(), Duration.ofSeconds(30))
                    .stream().map(PartitionInfo::partition)
                    .map(partition -> new TopicPartition(Topics.CAMPAIGNS.name(), partition)).toList();
            if (!partitions.isEmpty()) {
                return partitions;
            }
            caughtUp.countDown();
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
