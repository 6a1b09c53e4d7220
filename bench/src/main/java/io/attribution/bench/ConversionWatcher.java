package io.attribution.bench;

import io.attribution.schemas.Topics;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Notes when each key first becomes visible to a {@code read_committed} consumer on some topics,
 * from their end at start on, polling on a thread of its own.
 */
final class ConversionWatcher implements AutoCloseable {

    private static final Duration POLL = Duration.ofMillis(5);

    private final Map<String, Long> seen = new ConcurrentHashMap<>();
    private final AtomicLong rejected = new AtomicLong();
    private final CountDownLatch positioned = new CountDownLatch(1);
    private final Thread thread;
    private volatile boolean running = true;

    private ConversionWatcher(String bootstrapServers, List<String> topics) {
        thread = new Thread(() -> watch(bootstrapServers, topics), "bench-conversion-watcher");
        thread.setDaemon(true);
    }

    static ConversionWatcher start(String bootstrapServers, List<String> topics) throws InterruptedException {
        ConversionWatcher watcher = new ConversionWatcher(bootstrapServers, topics);
        watcher.thread.start();
        if (!watcher.positioned.await(60, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the conversion watcher did not start");
        }
        return watcher;
    }

    private void watch(String bootstrapServers, List<String> topics) {
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                IsolationLevel.READ_COMMITTED.toString().toLowerCase(Locale.ROOT),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false),
                new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            topics.forEach(topic -> consumer.partitionsFor(topic)
                    .forEach(info -> partitions.add(new TopicPartition(topic, info.partition()))));
            consumer.assign(partitions);
            consumer.seekToEnd(partitions);
            partitions.forEach(consumer::position);
            positioned.countDown();
            while (running) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(POLL)) {
                    long now = System.nanoTime();
                    seen.putIfAbsent(record.key(), now);
                    if (record.topic().equals(Topics.CONVERSIONS_REJECTED.name())) {
                        rejected.incrementAndGet();
                    }
                }
            }
        }
    }

    /** Waits until {@code count} distinct keys were seen; returns when each key was first seen (nanoTime). */
    Map<String, Long> awaitKeys(int count, Duration timeout) throws TimeoutException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (seen.size() < count) {
            if (System.nanoTime() > deadline) {
                throw new TimeoutException("only " + seen.size() + " of " + count + " conversions after "
                        + timeout.toSeconds() + " s");
            }
            Thread.sleep(10);
        }
        return Map.copyOf(seen);
    }

    long rejected() {
        return rejected.get();
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join(10_000);
    }
}
