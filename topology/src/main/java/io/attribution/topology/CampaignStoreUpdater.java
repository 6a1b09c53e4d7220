package io.attribution.topology;

import io.attribution.avro.Campaign;
import io.attribution.campaigns.CampaignRecords;
import io.attribution.campaigns.CampaignRecords.Problem;
import io.attribution.schemas.Topics;
import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Optional;

/**
 * Keeps the global campaign store equal to the valid records of the compacted campaigns topic; a
 * tombstone removes. It reads the topic as bytes and decodes them itself, so that nothing written
 * there (garbage, a campaign that breaks a rule) can stop the global thread and with it the whole
 * topology: such a record goes to the dead-letter topic and the last good version of its campaign
 * stays in force. While the registry does not answer, it waits at the record (every task reads the
 * store, none waits on it), at most {@code registryPatience}, then gives the record up too.
 */
final class CampaignStoreUpdater implements Processor<byte[], byte[], Void, Void> {

    private static final Logger LOG = LoggerFactory.getLogger(CampaignStoreUpdater.class);
    private static final Duration FIRST_RETRY = Duration.ofSeconds(1);
    private static final Duration LONGEST_RETRY = Duration.ofSeconds(10);
    static final String METRICS_SCOPE = "campaign-store";

    private final CampaignRecords records;
    private final DeadLetterSink deadLetters;
    private final Duration registryPatience;
    private final CampaignChanges changes;
    private ProcessorContext<Void, Void> context;
    private KeyValueStore<String, Campaign> campaigns;
    private Sensor deadLettered;
    private Sensor deadLetterFailures;

    /**
     * @param registryPatience how long to wait at one record for the registry before giving it up
     * @param changes          told after each change of the store (restores run through here too)
     */
    CampaignStoreUpdater(CampaignRecords records, DeadLetterSink deadLetters, Duration registryPatience,
                         CampaignChanges changes) {
        this.records = records;
        this.deadLetters = deadLetters;
        this.registryPatience = registryPatience;
        this.changes = changes;
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        this.context = context;
        campaigns = context.getStateStore(StoreNames.CAMPAIGNS);
        deadLettered = context.metrics().addRateTotalSensor(METRICS_SCOPE, StoreNames.CAMPAIGNS, "dead-letters",
                Sensor.RecordingLevel.INFO);
        deadLetterFailures = context.metrics().addRateTotalSensor(METRICS_SCOPE, StoreNames.CAMPAIGNS,
                "dead-letter-failures", Sensor.RecordingLevel.INFO);
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        CampaignRecords.Decoded decoded = decode(record);
        if (decoded instanceof CampaignRecords.Readable readable) {
            campaigns.put(readable.campaignId(), readable.campaign());
            changes.changed();
        } else if (decoded instanceof CampaignRecords.Removed removed) {
            campaigns.delete(removed.campaignId());
            changes.changed();
        } else if (decoded instanceof CampaignRecords.Unreadable unreadable) {
            giveUp(record, unreadable);
        }
    }

    /** Decodes, waiting for the registry while it does not answer, up to {@link #registryPatience}. */
    private CampaignRecords.Decoded decode(Record<byte[], byte[]> record) {
        long deadline = System.nanoTime() + registryPatience.toNanos();
        Duration retry = FIRST_RETRY;
        while (true) {
            CampaignRecords.Decoded decoded = records.decode(Topics.CAMPAIGNS.name(), record.headers(), record.key(),
                    record.value());
            if (!(decoded instanceof CampaignRecords.RegistryUnreachable unreachable)) {
                return decoded;
            }
            if (System.nanoTime() + retry.toNanos() > deadline) {
                return new CampaignRecords.Unreadable(Optional.empty(), Problem.REGISTRY_UNAVAILABLE,
                        "the registry did not answer for " + registryPatience.toSeconds() + " s", unreachable.failure());
            }
            LOG.warn("Campaign record {} waits for the registry ({}); retrying in {} s", where(), unreachable.failure(),
                    retry.toSeconds());
            try {
                Thread.sleep(retry.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new CampaignRecords.Unreadable(Optional.empty(), Problem.REGISTRY_UNAVAILABLE,
                        "interrupted while waiting for the registry", unreachable.failure());
            }
            retry = retry.multipliedBy(2).compareTo(LONGEST_RETRY) > 0 ? LONGEST_RETRY : retry.multipliedBy(2);
        }
    }

    private void giveUp(Record<byte[], byte[]> record, CampaignRecords.Unreadable unreadable) {
        Optional<RecordMetadata> source = context.recordMetadata();
        String topic = source.map(RecordMetadata::topic).orElse(Topics.CAMPAIGNS.name());
        int partition = source.map(RecordMetadata::partition).orElse(-1);
        long offset = source.map(RecordMetadata::offset).orElse(-1L);
        LOG.warn("Campaign record {}-{}@{} (key {}) not taken in: {}: {}; the last good version stays in force, the"
                        + " record goes to {}", topic, partition, offset, unreadable.campaignId().orElse("unreadable"),
                unreadable.problem(), unreadable.detail(), Topics.DEAD_LETTERS);
        try {
            deadLetters.send(DeadLetters.record(topic, partition, offset, record.key(), record.value(), record.headers(),
                    unreadable.problem().name(), unreadable.failure(), unreadable.detail(), null));
            deadLettered.record();
        } catch (RuntimeException e) {
            // Never stop the global thread for it: the record is logged above with its coordinates.
            deadLetterFailures.record();
            LOG.error("Campaign record {}-{}@{} could not be written to {}; it is skipped all the same", topic,
                    partition, offset, Topics.DEAD_LETTERS, e);
        }
    }

    private String where() {
        return context.recordMetadata().map(m -> m.topic() + "-" + m.partition() + "@" + m.offset()).orElse("?");
    }
}
