package io.attribution.bench;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeoutException;

/**
 * Counts the records that become visible to a {@code read_committed} consumer on some topics,
 * from their end at creation on: what a round's topology has committed so far. Values stay bytes,
 * so counting costs both contenders the same little.
 */
final class OutputCounter implements AutoCloseable {

    private static final Duration POLL = Duration.ofMillis(50);

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Map<String, Long> counts = new LinkedHashMap<>();

    OutputCounter(String bootstrapServers, List<String> topics) {
        consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                IsolationLevel.READ_COMMITTED.toString().toLowerCase(Locale.ROOT),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5_000),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : topics) {
            consumer.partitionsFor(topic).forEach(info -> partitions.add(new TopicPartition(topic, info.partition())));
            counts.put(topic, 0L);
        }
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        // seekToEnd is lazy: fix the positions now, before the round writes anything.
        partitions.forEach(consumer::position);
    }

    /**
     * Polls until {@code expected} records arrived in total.
     *
     * @param healthCheck runs between polls; throws to give up early (the topology died)
     */
    void awaitTotal(long expected, Duration timeout, Runnable healthCheck) throws TimeoutException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (total() < expected) {
            if (System.nanoTime() > deadline) {
                throw new TimeoutException("only " + total() + " of " + expected + " outputs committed after "
                        + timeout.toSeconds() + " s: " + counts);
            }
            healthCheck.run();
            poll(POLL);
        }
    }

    /** Polls for a while more: outputs beyond the expected ones would show a bug. */
    void drain(Duration duration) {
        long deadline = System.nanoTime() + duration.toNanos();
        while (System.nanoTime() < deadline) {
            poll(POLL);
        }
    }

    private void poll(Duration timeout) {
        if (counts.isEmpty()) {
            // Counting nothing (an application without outputs to count): a consumer with no
            // partitions may not poll.
            return;
        }
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(timeout)) {
            counts.merge(record.topic(), 1L, Long::sum);
        }
    }

    long total() {
        return counts.values().stream().mapToLong(Long::longValue).sum();
    }

    Map<String, Long> counts() {
        return java.util.Collections.unmodifiableMap(new LinkedHashMap<>(counts));
    }

    @Override
    public void close() {
        consumer.close();
    }
}
