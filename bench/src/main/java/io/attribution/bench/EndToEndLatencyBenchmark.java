package io.attribution.bench;

import io.attribution.app.AttributionService;
import io.attribution.app.TopicProvisioner;
import io.attribution.embedded.Directories;
import io.attribution.embedded.EmbeddedSchemaRegistry;
import io.attribution.ingest.IngestConfig;
import io.attribution.ingest.IngestServer;
import io.attribution.schemas.AvroTrust;
import io.attribution.schemas.RegistrySerdes;
import io.attribution.schemas.Topics;
import io.attribution.topology.AttributionSettings;
import io.attribution.topology.StreamsSettings;

import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * End-to-end latency under light load: from ingest's 200 (the postback is on {@code postbacks.raw})
 * to its conversion committed on {@code conversions.attributed} (visible to a read_committed
 * consumer). The real {@link IngestServer} and the full topology as the app runs it
 * ({@link AttributionService}, production settings), on a broker in a child process and an embedded
 * registry; postbacks sent one at a time at a fixed rate, each for a click of its own written before.
 * Not a test: run it by hand (see {@code bench/README.md}). Arguments: {@code name=value}, see
 * {@link EndToEndOptions}.
 */
public final class EndToEndLatencyBenchmark {

    private static final String RESULT_FILE = "end-to-end-latency.txt";
    private static final String PREFIX = "e2e";
    private static final Duration ALL_SEEN_TIMEOUT = Duration.ofSeconds(120);

    private EndToEndLatencyBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        // Before the first logger: Kafka's INFO output would bury the table.
        if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        }
        AvroTrust.register();
        EndToEndOptions options = EndToEndOptions.parse(args);
        double loadBefore = loadAverage();
        Path stateDir = Files.createTempDirectory("e2e-bench-state");
        try (BrokerProcess broker = BrokerProcess.start("1g");
             EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start()) {
            String bootstrap = broker.bootstrapServers();
            RegistrySerdes serdes = new RegistrySerdes(registry.registryUrl());
            TopicProvisioner.ensureTopics(bootstrap, options.partitions(), (short) 1);
            int total = options.warmup() + options.postbacks();
            try (InputLoader loader = new InputLoader(bootstrap, serdes)) {
                loader.loadCampaign();
                loader.load(new RoundInput(PREFIX, total, 0, false));
            }
            try (AttributionService topology = AttributionService.start(serdes,
                    StreamsSettings.of("bench-e2e", bootstrap, stateDir, Map.of()),
                    AttributionSettings.defaults().withInputPartitions(options.partitions()), Duration.ofMinutes(2));
                 IngestServer ingest = IngestServer.start(IngestConfig.builder().port(0).build(), bootstrap, serdes);
                 ConversionWatcher watcher = ConversionWatcher.start(bootstrap,
                         List.of(Topics.CONVERSIONS_ATTRIBUTED.name(), Topics.CONVERSIONS_REJECTED.name()))) {
                long[] acked = send(ingest.port(), total, options.perSecond());
                Map<String, Long> seen = watcher.awaitKeys(total, ALL_SEEN_TIMEOUT);
                String report = report(options, acked, seen, watcher.rejected(), loadBefore);
                System.out.print(report);
                Path file = ResultFiles.inTarget(RESULT_FILE);
                Files.writeString(file, report, StandardCharsets.UTF_8);
                System.out.println("written to " + file);
            }
        } finally {
            Directories.deleteRecursively(stateDir);
        }
        // The registry client's, Jetty's and Kafka's threads would keep the JVM alive.
        System.exit(0);
    }

    /** Sends postback i for click i, one at a time, at the fixed rate; returns when each was answered 200. */
    private static long[] send(int port, int total, int perSecond) throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        long[] acked = new long[total];
        long interval = TimeUnit.SECONDS.toNanos(1) / perSecond;
        long start = System.nanoTime();
        for (int i = 0; i < total; i++) {
            long due = start + i * interval;
            while (System.nanoTime() < due) {
                LockSupport.parkNanos(due - System.nanoTime());
            }
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/postback?click_id="
                    + clickId(i) + "&txn_id=" + PREFIX + "-txn-" + i + "&goal_value=install"))
                    .timeout(Duration.ofSeconds(10)).build();
            HttpResponse<Void> response = http.send(request, HttpResponse.BodyHandlers.discarding());
            acked[i] = System.nanoTime();
            if (response.statusCode() != 200) {
                throw new IllegalStateException("postback " + i + " answered " + response.statusCode());
            }
        }
        return acked;
    }

    private static String clickId(int i) {
        return PREFIX + "-click-" + i;
    }

    private static String report(EndToEndOptions options, long[] acked, Map<String, Long> seen, long rejected,
                                 double loadBefore) {
        Latencies latencies = new Latencies();
        for (int i = options.warmup(); i < acked.length; i++) {
            latencies.add(seen.get(clickId(i)) - acked[i]);
        }
        StringBuilder text = new StringBuilder();
        text.append(String.format(Locale.ROOT, "End-to-end latency, %s: ingest's 200 -> conversion committed "
                        + "(read_committed consumer)%n", Instant.now().truncatedTo(ChronoUnit.SECONDS)));
        text.append(String.format(Locale.ROOT, "%d postbacks measured after %d of warm-up, %d/s on one connection, "
                        + "%d partitions, production settings (exactly_once_v2), broker in its own process; %d CPUs, "
                        + "Java %s; load average %.2f before, %.2f after%n", options.postbacks(), options.warmup(),
                options.perSecond(), options.partitions(), Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.version"), loadBefore, loadAverage()));
        text.append(String.format(Locale.ROOT, "p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, max %.1f ms; rejected "
                        + "outcomes %d (expected 0)%n", latencies.percentileMillis(50), latencies.percentileMillis(90),
                latencies.percentileMillis(99), latencies.maxMillis(), rejected));
        return text.toString();
    }

    private static double loadAverage() {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }
}
