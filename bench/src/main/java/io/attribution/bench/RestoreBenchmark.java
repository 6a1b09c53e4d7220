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
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.CloseOptions;
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
 * What the topology's state costs per click and per postback, and how long an instance takes to
 * rebuild it from the changelogs, as it must after a crash under exactly-once (no checkpoint is
 * left, so the stores are wiped and restored) or when it takes over partitions without a standby.
 * The clicks are processed, then the postbacks; after each pass the instance is closed (its stores
 * flushed) and the local state directory and the changelog topics are measured. Then the state
 * directory is deleted and a second instance is timed from start to RUNNING. The closes leave the
 * group, so the next instance is assigned its partitions at once instead of after the session
 * timeout. Not a test: run it by hand (see {@code bench/README.md}).
 */
public final class RestoreBenchmark {

    private static final String RESULT_FILE = "restore.txt";
    private static final Map<String, String> DEFAULTS = Map.of("clicks", "1000000", "postbacks", "20000",
            "partitions", "3");
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
        int postbacks = arguments.number("postbacks");
        int partitions = arguments.number("partitions");
        Path stateRoot = Files.createTempDirectory("restore-bench-state");
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start();
             EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start();
             Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                     broker.bootstrapServers()))) {
            String bootstrapServers = broker.bootstrapServers();
            RegistrySerdes serdes = new RegistrySerdes(registry.registryUrl());
            TopicProvisioner.ensureTopics(bootstrapServers, partitions, (short) 1);
            Properties properties = StreamsSettings.of(APPLICATION_ID, bootstrapServers, stateRoot, Map.of());
            AttributionSettings settings = AttributionSettings.defaults().withInputPartitions(partitions);
            RoundInput input = new RoundInput("restore", clicks, postbacks, false);
            TopicFootprint empty = TopicFootprint.of(admin);

            try (InputLoader loader = new InputLoader(bootstrapServers, serdes)) {
                progress("pre-loading %,d clicks", clicks);
                loader.loadCampaign();
                loader.load(new RoundInput(input.idPrefix(), clicks, 0, false));
                double clicksSeconds = processAll(admin, serdes, properties, settings);
                StateFootprint afterClicks = StateFootprint.of(stateRoot, TopicFootprint.of(admin).since(empty));
                progress("processed the clicks in %.1f s: %s", clicksSeconds, afterClicks);

                progress("pre-loading %,d postbacks for those clicks", postbacks);
                loader.loadPostbacks(input);
                double postbacksSeconds = processAll(admin, serdes, properties, settings);
                StateFootprint afterPostbacks = StateFootprint.of(stateRoot, TopicFootprint.of(admin).since(empty));
                progress("processed the postbacks in %.1f s: %s", postbacksSeconds, afterPostbacks);

                progress("deleting the state directory");
                Directories.deleteRecursively(stateRoot);
                Files.createDirectories(stateRoot);
                RestoreCount restored = new RestoreCount();
                long restartStart = System.nanoTime();
                try (Instance second = Instance.start(serdes, properties, settings, restored)) {
                    double toRunning = (System.nanoTime() - restartStart) / 1e9;
                    report(input, partitions, clicksSeconds, postbacksSeconds, afterClicks, afterPostbacks,
                            toRunning, restored);
                }
            }
        } finally {
            Directories.deleteRecursively(stateRoot);
        }
    }

    /** Runs an instance until it has processed everything its inputs hold, then closes it; returns the seconds. */
    private static double processAll(Admin admin, RegistrySerdes serdes, Properties properties,
                                     AttributionSettings settings) throws Exception {
        long start = System.nanoTime();
        try (Instance instance = Instance.start(serdes, properties, settings)) {
            awaitCaughtUp(admin, instance.topology());
        }
        return (System.nanoTime() - start) / 1e9;
    }

    private static void report(RoundInput input, int partitions, double clicksSeconds, double postbacksSeconds,
                               StateFootprint afterClicks, StateFootprint afterPostbacks, double toRunning,
                               RestoreCount restored) throws Exception {
        int clicks = input.clicks();
        int postbacks = input.postbacks();
        String report = String.format(Locale.ROOT, """
                State of the topology, and its restore after the state directory is lost
                input: %,d clicks, then %,d postbacks, on %d partitions; passes: %.1f s and %.1f s
                per click:    local state %,.0f B, changelogs %,.0f B, clicks topic %,.0f B
                per postback: local state %,.0f B, changelogs %,.0f B, postbacks.raw %,.0f B, outputs %,.0f B
                after both passes: local state %,d B, changelogs %,d B
                start to RUNNING with empty state: %.2f s
                restored: %,d records (%s); stores restoring from the first start to the last end: %.2f s
                per million clicks (with their postbacks): %.2f s to RUNNING
                """, clicks, postbacks, partitions, clicksSeconds, postbacksSeconds,
                (double) afterClicks.localBytes() / clicks, (double) afterClicks.changelogBytes() / clicks,
                (double) afterClicks.topicBytes(Topics.CLICKS.name()) / clicks,
                perPostback(afterPostbacks.localBytes() - afterClicks.localBytes(), postbacks),
                perPostback(afterPostbacks.changelogBytes() - afterClicks.changelogBytes(), postbacks),
                perPostback(afterPostbacks.topicBytes(Topics.POSTBACKS_RAW.name()), postbacks),
                perPostback(afterPostbacks.topicBytes(Topics.CONVERSIONS_ATTRIBUTED.name())
                        + afterPostbacks.topicBytes(Topics.CONVERSIONS_REJECTED.name()), postbacks),
                afterPostbacks.localBytes(), afterPostbacks.changelogBytes(), toRunning, restored.total(),
                restored.byStore(), restored.partitionedSeconds(), toRunning * 1_000_000 / clicks);
        System.out.print(report);
        Path file = ResultFiles.inTarget(RESULT_FILE);
        Files.writeString(file, report, StandardCharsets.UTF_8);
        System.out.println("written to " + file);
    }

    private static double perPostback(long bytes, int postbacks) {
        return postbacks == 0 ? 0 : (double) bytes / postbacks;
    }

    /** Until the application's committed positions reach the end of all it reads. */
    private static void awaitCaughtUp(Admin admin, Topology topology) throws Exception {
        GroupProgress progress = GroupProgress.fromStart(admin, APPLICATION_ID, topology);
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (!progress.caughtUp()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("input not consumed within " + PATIENCE);
            }
            Thread.sleep(500);
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
            streams.close(CloseOptions.timeout(Duration.ofSeconds(60))
                    .withGroupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP));
            deadLetters.close();
        }
    }

    /**
     * Records restored per store, and the time from the first restoration of a partitioned store
     * to the last one's end (the global campaigns store restores before the group is joined).
     */
    private static final class RestoreCount implements StateRestoreListener {

        private final Map<String, AtomicLong> perStore = new LinkedHashMap<>();
        private long firstStart;
        private long lastEnd;

        @Override
        public synchronized void onRestoreStart(TopicPartition partition, String store, long startOffset,
                                                long endOffset) {
            if (firstStart == 0 && !partition.topic().equals(Topics.CAMPAIGNS.name())) {
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
            if (!partition.topic().equals(Topics.CAMPAIGNS.name())) {
                lastEnd = System.nanoTime();
            }
        }

        synchronized long total() {
            return perStore.values().stream().mapToLong(AtomicLong::get).sum();
        }

        synchronized double partitionedSeconds() {
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
