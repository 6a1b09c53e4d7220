package io.attribution.bench;

import io.attribution.app.TopicProvisioner;
import io.attribution.embedded.Directories;
import io.attribution.embedded.EmbeddedKafkaBroker;
import io.attribution.embedded.EmbeddedSchemaRegistry;
import io.attribution.schemas.AvroTrust;
import io.attribution.schemas.RegistrySerdes;
import io.attribution.schemas.Topics;
import io.attribution.topology.AttributionSettings;
import io.attribution.topology.AttributionTopology;
import io.attribution.topology.DeadLetterProducer;
import io.attribution.topology.StreamsSettings;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.processor.StateRestoreListener;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How long the topology takes to rebuild its click store from the changelog, as it must after a
 * crash under exactly-once (no checkpoint is left, so the stores are wiped and restored): the
 * clicks are processed once, the instance is closed, its state directory deleted, and a second
 * instance is timed from start to RUNNING. Reported per million clicks. Not a test: run it by hand
 * (see {@code bench/README.md}).
 */
public final class RestoreBenchmark {

    private static final String RESULT_FILE = "restore.txt";
    private static final Map<String, String> DEFAULTS = Map.of("clicks", "1000000", "partitions", "3");
    private static final Duration PATIENCE = Duration.ofMinutes(20);

    private RestoreBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        }
        AvroTrust.register();
        BenchArguments arguments = BenchArguments.read(DEFAULTS, args);
        int clicks = arguments.number("clicks");
        int partitions = arguments.number("partitions");
        Path stateRoot = Files.createTempDirectory("restore-bench-state");
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start();
             EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start()) {
            String bootstrapServers = broker.bootstrapServers();
            RegistrySerdes serdes = new RegistrySerdes(registry.registryUrl());
            TopicProvisioner.ensureTopics(bootstrapServers, partitions, (short) 1);
            progress("pre-loading %,d clicks", clicks);
            try (InputLoader loader = new InputLoader(bootstrapServers, serdes)) {
                loader.loadCampaign();
                loader.load(new RoundInput("restore", clicks, 0, false));
            }
            Properties properties = StreamsSettings.of("restore-bench", bootstrapServers, stateRoot, Map.of());
            AttributionSettings settings = AttributionSettings.defaults().withInputPartitions(partitions);

            long processStart = System.nanoTime();
            try (Instance first = Instance.start(serdes, properties, settings)) {
                awaitClicksConsumed(bootstrapServers, partitions);
            }
            double processSeconds = (System.nanoTime() - processStart) / 1e9;
            progress("processed the clicks in %.1f s; deleting the state directory", processSeconds);
            Directories.deleteRecursively(stateRoot);
            Files.createDirectories(stateRoot);

            RestoreCount restored = new RestoreCount();
            long restartStart = System.nanoTime();
            try (Instance second = Instance.start(serdes, properties, settings, restored)) {
                double toRunning = (System.nanoTime() - restartStart) / 1e9;
                String report = String.format(Locale.ROOT, """
                        Restore of the topology's stores after their state directory is lost
                        clicks: %,d on %d partitions; first pass over them: %.1f s
                        start to RUNNING with empty state: %.2f s
                        restored: %,d records in %.2f s of restoration (%s)
                        per million clicks: %.2f s to RUNNING
                        """, clicks, partitions, processSeconds, toRunning, restored.total(),
                        restored.seconds(), restored.byStore(), toRunning * 1_000_000 / clicks);
                System.out.print(report);
                Path file = ResultFiles.inTarget(RESULT_FILE);
                Files.writeString(file, report, StandardCharsets.UTF_8);
                System.out.println("written to " + file);
            }
        } finally {
            Directories.deleteRecursively(stateRoot);
        }
    }

    /** Until the application's committed position on {@code clicks} is the end of every partition. */
    private static void awaitClicksConsumed(String bootstrapServers, int partitions) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            for (int partition = 0; partition < partitions; partition++) {
                latest.put(new TopicPartition(Topics.CLICKS.name(), partition), OffsetSpec.latest());
            }
            Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = admin.listOffsets(latest).all().get();
            long deadline = System.nanoTime() + PATIENCE.toNanos();
            while (System.nanoTime() < deadline) {
                Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets("restore-bench")
                        .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
                if (ends.entrySet().stream().allMatch(end -> committed.get(end.getKey()) != null
                        && committed.get(end.getKey()).offset() >= end.getValue().offset())) {
                    return;
                }
                Thread.sleep(500);
            }
            throw new IllegalStateException("clicks not consumed within " + PATIENCE);
        }
    }

    private static void progress(String format, Object... args) {
        System.out.println("[bench] " + String.format(Locale.ROOT, format, args));
    }

    /** A running topology, closed (with its dead-letter producer) when done. */
    private record Instance(KafkaStreams streams, DeadLetterProducer deadLetters) implements AutoCloseable {

        static Instance start(RegistrySerdes serdes, Properties properties, AttributionSettings settings)
                throws InterruptedException {
            return start(serdes, properties, settings, null);
        }

        static Instance start(RegistrySerdes serdes, Properties properties, AttributionSettings settings,
                              StateRestoreListener listener) throws InterruptedException {
            DeadLetterProducer deadLetters = new DeadLetterProducer(properties);
            KafkaStreams streams = new KafkaStreams(AttributionTopology.build(serdes, properties, settings,
                    deadLetters), properties);
            if (listener != null) {
                streams.setGlobalStateRestoreListener(listener);
            }
            streams.start();
            long deadline = System.nanoTime() + PATIENCE.toNanos();
            while (streams.state() != KafkaStreams.State.RUNNING) {
                if (System.nanoTime() > deadline || streams.state() == KafkaStreams.State.ERROR) {
                    throw new IllegalStateException("topology not running: " + streams.state());
                }
                Thread.sleep(10);
            }
            return new Instance(streams, deadLetters);
        }

        @Override
        public void close() {
            streams.close(Duration.ofSeconds(60));
            deadLetters.close();
        }
    }

    /** Records restored per store, and the time from the first restoration's start to the last's end. */
    private static final class RestoreCount implements StateRestoreListener {

        private final Map<String, AtomicLong> perStore = new LinkedHashMap<>();
        private long firstStart;
        private long lastEnd;

        @Override
        public synchronized void onRestoreStart(TopicPartition partition, String store, long startOffset,
                                                long endOffset) {
            if (firstStart == 0) {
                firstStart = System.nanoTime();
            }
        }

        @Override
        public synchronized void onBatchRestored(TopicPartition partition, String store, long batchEndOffset,
                                                 long restored) {
            perStore.computeIfAbsent(store, name -> new AtomicLong()).addAndGet(restored);
        }

        @Override
        public synchronized void onRestoreEnd(TopicPartition partition, String store, long totalRestored) {
            lastEnd = System.nanoTime();
        }

        synchronized long total() {
            return perStore.values().stream().mapToLong(AtomicLong::get).sum();
        }

        synchronized double seconds() {
            return firstStart == 0 ? 0 : (lastEnd - firstStart) / 1e9;
        }

        synchronized String byStore() {
            StringBuilder text = new StringBuilder();
            perStore.forEach((store, count) -> text.append(text.isEmpty() ? "" : ", ").append(store).append(' ')
                    .append(String.format(Locale.ROOT, "%,d", count.get())));
            return text.toString();
        }
    }
}
