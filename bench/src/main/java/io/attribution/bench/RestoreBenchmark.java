package io.attribution.bench;

import io.attribution.app.TopicProvisioner;
import io.attribution.embedded.Directories;
import io.attribution.embedded.EmbeddedKafkaBroker;
import io.attribution.embedded.EmbeddedSchemaRegistry;
import io.attribution.schemas.AvroTrust;
import io.attribution.schemas.RegistrySerdes;
import io.attribution.topology.AttributionSettings;
import io.attribution.topology.AttributionTopology;
import io.attribution.topology.DeadLetterProducer;
import io.attribution.topology.StreamsSettings;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.StateRestoreListener;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
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
    private static final String APPLICATION_ID = "restore-bench";

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
            Properties properties = StreamsSettings.of(APPLICATION_ID, bootstrapServers, stateRoot, Map.of());
            AttributionSettings settings = AttributionSettings.defaults().withInputPartitions(partitions);

            long processStart = System.nanoTime();
            try (Instance first = Instance.start(serdes, properties, settings)) {
                awaitCaughtUp(bootstrapServers, first.topology());
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

    /** Until the application's committed positions reach the end of all it reads, the clicks included. */
    private static void awaitCaughtUp(String bootstrapServers, Topology topology) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            GroupProgress progress = GroupProgress.fromStart(admin, APPLICATION_ID, topology);
            long deadline = System.nanoTime() + PATIENCE.toNanos();
            while (!progress.caughtUp()) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("clicks not consumed within " + PATIENCE);
                }
                Thread.sleep(500);
            }
        }
    }

    private static void progress(String format, Object... args) {
        System.out.println("[bench] " + String.format(Locale.ROOT, format, args));
    }

    /** A running topology, closed (with its dead-letter producer) when done. */
    private record Instance(Topology topology, KafkaStreams streams, DeadLetterProducer deadLetters)
            implements AutoCloseable {

        static Instance start(RegistrySerdes serdes, Properties properties, AttributionSettings settings)
                throws InterruptedException {
            return start(serdes, properties, settings, null);
        }

        static Instance start(RegistrySerdes serdes, Properties properties, AttributionSettings settings,
                              StateRestoreListener listener) throws InterruptedException {
            DeadLetterProducer deadLetters = new DeadLetterProducer(properties);
            Topology topology = AttributionTopology.build(serdes, properties, settings, deadLetters);
            KafkaStreams streams = new KafkaStreams(topology, properties);
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
            return new Instance(topology, streams, deadLetters);
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
