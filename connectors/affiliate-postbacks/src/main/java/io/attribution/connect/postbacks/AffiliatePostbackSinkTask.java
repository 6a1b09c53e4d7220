package io.attribution.connect.postbacks;

import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Collection;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Fires each affiliate's postback for the conversions of {@code conversions.attributed}.
 *
 * <p>{@link #put} returns once the postbacks are under way; they are sent concurrently (in order for one
 * conversion), and {@link #preCommit} lets Kafka commit a partition only up to its first record not done yet: a
 * record is done once its postback was answered with a 2xx, or it was skipped, or it was written to the dead-letter
 * topic. Delivery is at least once: after a crash or a rebalance an affiliate may receive a postback again (the
 * {@code {conversion_id}} and {@code {txn_id}} macros let it recognise one).
 */
public class AffiliatePostbackSinkTask extends SinkTask {

    private static final Logger LOG = LoggerFactory.getLogger(AffiliatePostbackSinkTask.class);
    /** The longest put() waits for room among the pending records before it pauses consumption instead. */
    private static final long MAX_PUT_WAIT_MS = 5_000;

    private record Failure(SinkRecord record, PendingOffsets.Partition partition, PostbackFailedException reason) {
    }

    private final PostbackStats stats = new PostbackStats();
    private final PendingOffsets pending = new PendingOffsets();
    private final ConcurrentLinkedQueue<Failure> failures = new ConcurrentLinkedQueue<>();
    private final Object progress = new Object();
    private final Set<String> reportedUnknownAffiliates = new HashSet<>();

    private String connectorName;
    private Map<String, AffiliatePostback> affiliates;
    private PostbackSender sender;
    private Lanes lanes;
    private ErrantRecordReporter deadLetters;
    private int maxPending;
    private long statsIntervalMs;
    private long nextStatsAt;
    private boolean paused;

    @Override
    public String version() {
        return Version.get();
    }

    @Override
    public void start(Map<String, String> props) {
        PostbackConfig config = new PostbackConfig(props);
        connectorName = props.getOrDefault("name", "affiliate-postbacks");
        affiliates = config.affiliates();
        maxPending = config.maxPendingRecords();
        statsIntervalMs = config.statsLogInterval().toMillis();
        nextStatsAt = System.currentTimeMillis() + statsIntervalMs;
        lanes = new Lanes(config.maxInFlightPerAffiliate());
        sender = new PostbackSender(config.connectTimeout(), config.requestTimeout(), config.retryPolicy(), stats);
        try {
            deadLetters = context.errantRecordReporter();
        } catch (NoSuchMethodError | NoClassDefFoundError olderWorker) {
            deadLetters = null;
        }
        try {
            stats.register(context.pluginMetrics());
        } catch (NoSuchMethodError | NoClassDefFoundError | UnsupportedOperationException olderWorker) {
            LOG.info("{}: this worker has no plugin metrics (Kafka < 4.1); counts are logged only", connectorName);
        }
        if (deadLetters == null) {
            LOG.warn("{}: no dead-letter topic (errors.deadletterqueue.topic.name with errors.tolerance=all): a "
                    + "postback that cannot be delivered stops the task instead", connectorName);
        }
        LOG.info("{}: postbacks for affiliates {}", connectorName, affiliates.keySet());
    }

    @Override
    public void put(Collection<SinkRecord> records) {
        reportFailures();
        if (paused && stats.pending.get() <= maxPending / 2) {
            context.resume(context.assignment().toArray(TopicPartition[]::new));
            paused = false;
        }
        for (SinkRecord record : records) {
            handle(record);
        }
        awaitRoom();
        maybeLogStats();
    }

    private void handle(SinkRecord record) {
        Conversion conversion;
        try {
            conversion = Conversion.from(record.value());
        } catch (DataException e) {
            deadLetter(record, new PostbackFailedException("unreadable conversion at " + record.topic() + "-"
                    + record.kafkaPartition() + "@" + record.kafkaOffset() + ": " + e.getMessage(), e));
            return;
        }
        if (conversion.test()) {
            // The postback tester's conversions: the advertiser tests its integration, the affiliate earns nothing.
            stats.skippedTest.increment();
            return;
        }
        AffiliatePostback affiliate = affiliates.get(conversion.affiliateId());
        if (affiliate == null) {
            stats.skippedNoTemplate.increment();
            if (reportedUnknownAffiliates.add(conversion.affiliateId())) {
                LOG.info("{}: affiliate {} has no postback (affiliates.{}.url): its conversions are skipped and "
                                + "counted (postbacks-skipped-no-template-total)", connectorName,
                        conversion.affiliateId(), conversion.affiliateId());
            }
            return;
        }
        if (!affiliate.fires(conversion)) {
            stats.skippedStatus.increment();
            return;
        }
        PostbackTemplate.Request request;
        try {
            request = affiliate.template().render(conversion);
        } catch (IllegalArgumentException e) {
            deadLetter(record, new PostbackFailedException("postback of conversion " + conversion.conversionId()
                    + " to affiliate " + affiliate.affiliateId() + ": the filled URL is not valid (" + e.getMessage()
                    + ")", e));
            return;
        }
        PendingOffsets.Partition partition = pending.partition(
                new TopicPartition(record.topic(), record.kafkaPartition()));
        partition.add(record.kafkaOffset());
        stats.pending.incrementAndGet();
        lanes.submit(affiliate.affiliateId(), conversion.conversionId(),
                () -> sender.send(affiliate.affiliateId(), conversion.conversionId(), request, partition::isClosed)
                        .thenAccept(outcome -> finished(record, partition, outcome)));
    }

    /** On the thread that finished the postback. */
    private void finished(SinkRecord record, PendingOffsets.Partition partition, PostbackSender.Outcome outcome) {
        if (outcome instanceof PostbackSender.Failed failed) {
            // Dead-lettered from the task's thread: Connect's reporter expects it there.
            failures.add(new Failure(record, partition, failed.reason()));
        } else {
            if (outcome instanceof PostbackSender.Sent) {
                stats.sent.increment();
            }
            partition.remove(record.kafkaOffset());
            stats.pending.decrementAndGet();
        }
        synchronized (progress) {
            progress.notifyAll();
        }
    }

    /** Writes the failed postbacks' records to the dead-letter topic, and waits until Kafka has them. */
    private void reportFailures() {
        for (Failure failure = failures.poll(); failure != null; failure = failures.poll()) {
            if (!failure.partition().isClosed()) {
                deadLetter(failure.record(), failure.reason());
                failure.partition().remove(failure.record().kafkaOffset());
            }
            stats.pending.decrementAndGet();
        }
    }

    private void deadLetter(SinkRecord record, PostbackFailedException reason) {
        if (deadLetters == null) {
            throw new ConnectException(reason.getMessage() + ". No dead-letter topic is set "
                    + "(errors.deadletterqueue.topic.name, errors.tolerance=all), so the task stops rather than lose "
                    + "the postback; it is tried again when the task restarts", reason);
        }
        LOG.warn("{}: {}; the record goes to the dead-letter topic", connectorName, reason.getMessage());
        try {
            deadLetters.report(record, reason).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConnectException("Interrupted while writing to the dead-letter topic", e);
        } catch (ExecutionException e) {
            throw new ConnectException("Cannot write a failed postback's record to the dead-letter topic: "
                    + reason.getMessage(), e.getCause());
        }
        stats.failed.increment();
    }

    /** Back-pressure: waits a while for the pending records to drop under the limit, then pauses consumption. */
    private void awaitRoom() {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(MAX_PUT_WAIT_MS);
        while (stats.pending.get() >= maxPending) {
            reportFailures();
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                if (!paused) {
                    LOG.info("{}: {} postbacks pending (max.pending.records={}); pausing consumption until half are "
                            + "done", connectorName, stats.pending.get(), maxPending);
                    context.pause(context.assignment().toArray(TopicPartition[]::new));
                    paused = true;
                }
                return;
            }
            synchronized (progress) {
                if (stats.pending.get() >= maxPending && failures.isEmpty()) {
                    try {
                        progress.wait(Math.max(1, Math.min(100, TimeUnit.NANOSECONDS.toMillis(left))));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
            }
        }
    }

    @Override
    public Map<TopicPartition, OffsetAndMetadata> preCommit(Map<TopicPartition, OffsetAndMetadata> currentOffsets) {
        reportFailures();
        maybeLogStats();
        return pending.committable(currentOffsets);
    }

    @Override
    public void open(Collection<TopicPartition> partitions) {
        if (paused && !partitions.isEmpty()) {
            context.pause(partitions.toArray(TopicPartition[]::new));
        }
    }

    @Override
    public void close(Collection<TopicPartition> partitions) {
        reportFailures();
        pending.close(partitions);
    }

    @Override
    public void stop() {
        pending.closeAll();
        if (sender != null) {
            sender.close();
        }
        LOG.info("{}: stopped; {}", connectorName, stats.summary());
    }

    private void maybeLogStats() {
        if (statsIntervalMs <= 0) {
            return;
        }
        long now = System.currentTimeMillis();
        if (now >= nextStatsAt) {
            nextStatsAt = now + statsIntervalMs;
            LOG.info("{}: postbacks {}", connectorName, stats.summary());
        }
    }
}
